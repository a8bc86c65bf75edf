"""Generate-then-parse round trips for every set in both releases; envelope and control numbers."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from crossdock.connectors.edi.control import ControlNumbers, InMemoryControlNumbers
from crossdock.connectors.edi.errors import GenerationError
from crossdock.connectors.edi.generator import EnvelopeSettings, OutboundSet, generate_interchange
from crossdock.connectors.edi.parser import read
from crossdock.connectors.edi.schema import available_sets, load_set
from crossdock.connectors.edi.tokenizer import Delimiters

from .conftest import NOW, set_instance

CASES = [(v, s) for v in ("004010", "005010") for s in available_sets(v)]


def _as_text(segments: list[list]) -> list[list[str]]:
    out = []
    for seg in segments:
        out.append([">".join(v) if isinstance(v, tuple) else str(v) for v in seg])
    return out


def test_every_set_is_defined_in_both_releases() -> None:
    expected = ["180", "214", "846", "856", "940", "943", "944", "945", "947", "997"]
    assert available_sets("004010") == expected
    assert available_sets("005010") == sorted([*expected, "999"])


@pytest.mark.parametrize("full", [False, True], ids=["mandatory-only", "every-segment"])
@pytest.mark.parametrize(("version", "set_id"), CASES)
def test_round_trip(version: str, set_id: str, full: bool) -> None:
    set_def = load_set(set_id, version)
    body = set_instance(set_def, full)
    numbers = InMemoryControlNumbers()
    settings = EnvelopeSettings("SENDER", "RECEIVER", version=version)
    gen = generate_interchange("acme", settings, [OutboundSet(set_id, body)], numbers, now=NOW)
    doc = read(gen.text, "strict")
    assert doc.accepted and doc.valid, [str(e) for e in doc.all_errors()]
    (ts,) = list(doc.sets())
    assert ts.set_id == set_id
    assert ts.segments[1:-1] == _as_text(body)
    assert ts.segments[-1] == ["SE", str(len(body) + 2), ts.control]
    ic = doc.interchanges[0]
    assert ic.version == {"004010": "00401", "005010": "00501"}[version]
    assert ic.groups[0].functional_id == set_def.functional_id
    assert ic.groups[0].version == version


def test_versions_differ_where_the_notes_say() -> None:
    # 5010 944: W07 inside a required LX loop; 214: N1 moves into LX
    w07_4010 = [n for n, d in load_set("944", "004010").walk_nodes() if getattr(n, "loop_id", "") == "W07"]
    w07_5010 = [
        (n, d) for n, d in load_set("944", "005010").walk_nodes() if getattr(n, "loop_id", "") == "W07"
    ]
    assert len(w07_4010) == 1 and w07_5010[0][1] == 1
    assert [n.loop_id for n, d in load_set("214", "005010").walk_nodes() if d == 1 and n.is_loop] == [
        "AT7",
        "N1",
    ]
    assert load_set("940", "004010").segments["N9"].elements[1].max == 30
    assert load_set("940", "005010").segments["N9"].elements[1].max == 50


def test_envelope_counts_and_control_numbers(settings: EnvelopeSettings) -> None:
    numbers = InMemoryControlNumbers()
    sets = [
        OutboundSet("940", [["W05", "N", "ORD1"], ["LX", 1], ["W01", 5, "EA", "", "VN", "SKU1"]]),
        OutboundSet("940", [["W05", "N", "ORD2"], ["LX", 1], ["W01", 6, "EA", "", "VN", "SKU2"]]),
        OutboundSet(
            "943", [["W06", "F", "DO1"], ["W27", "M", "ABCD"], ["W04", 1, "EA", "", "VN", "X"], ["W03", 1]]
        ),
    ]
    gen = generate_interchange("acme", settings, sets, numbers, now=NOW)
    lines = gen.text.split("~\n")
    assert len(lines[0]) == 105 and lines[0][103] == "*" and lines[0][104] == ">"
    assert lines[0] == (
        "ISA*00*          *00*          *ZZ*SENDERID       *ZZ*RECEIVERID     *260304*0506*U*00401*000000001*0*P*>"
    )
    assert [g.functional_id for g in gen.groups] == ["OW", "AR"]
    assert [g.control for g in gen.groups] == [1, 2]
    assert gen.groups[0].sets == [("940", "0001"), ("940", "0002")]
    assert gen.groups[1].sets == [("943", "0003")]
    assert "GE*2*1" in lines and "GE*1*2" in lines and "IEA*2*000000001" in lines
    assert "SE*5*0001" in lines
    again = generate_interchange("acme", settings, sets[:1], numbers, now=NOW)
    assert again.control == 2 and again.groups[0].control == 3 and again.groups[0].sets == [("940", "0004")]


def test_control_numbers_never_repeat_and_are_per_partner() -> None:
    numbers: ControlNumbers = InMemoryControlNumbers()
    assert isinstance(numbers, ControlNumbers)
    seen = [numbers.next("a", "isa") for _ in range(5)]
    assert seen == [1, 2, 3, 4, 5]
    assert numbers.next("b", "isa") == 1
    assert numbers.next("a", "st") == 1
    with pytest.raises(ValueError, match="unknown control number kind"):
        numbers.next("a", "zz")


def test_delimiters_are_configurable_and_round_trip() -> None:
    d = Delimiters("|", "^", "\x1e", None, "\r\n")
    settings = EnvelopeSettings("S", "R", version="004010", delimiters=d)
    gen = generate_interchange("p", settings, [OutboundSet("940", [["W05", "N", "O*1~"], ["LX", 1],
                               ["W01", 1, "EA", "", "VN", "A*B"]])], InMemoryControlNumbers(), now=NOW)  # fmt: skip
    assert gen.text.startswith("ISA|00|")
    assert "\x1e\r\nGS|OW|" in gen.text
    doc = read(gen.text, "strict")
    assert doc.valid
    ts = next(doc.sets())
    assert ts.segments[1] == ["W05", "N", "O*1~"]


def test_value_formatting_uses_the_definition(settings: EnvelopeSettings) -> None:
    body = [
        ["W06", "F", "DO1", date(2026, 2, 3)],
        ["G62", "11", date(2026, 2, 4), "X", time(7, 5)],
        ["W27", "M", "ABCD"],
        ["W04", Decimal("12.50"), "EA", "", "VN", "X"],
        ["W03", 12.5, 30, "LB"],
    ]
    gen = generate_interchange("p", settings, [OutboundSet("943", body)], InMemoryControlNumbers(), now=NOW)
    ts = next(read(gen.text).sets())
    assert ts.segments[1:-1] == [
        ["W06", "F", "DO1", "20260203"],
        ["G62", "11", "20260204", "X", "0705"],
        ["W27", "M", "ABCD"],
        ["W04", "12.5", "EA", "", "VN", "X"],
        ["W03", "12.5", "30", "LB"],
    ]


def test_delimiter_inside_data_is_refused(settings: EnvelopeSettings) -> None:
    with pytest.raises(GenerationError, match=r"W0502 value 'A\*B' contains delimiter '\*'"):
        generate_interchange(
            "p", settings, [OutboundSet("940", [["W05", "N", "A*B"]])], InMemoryControlNumbers()
        )


def test_invalid_output_is_refused(settings: EnvelopeSettings) -> None:
    with pytest.raises(GenerationError) as info:
        generate_interchange("p", settings, [OutboundSet("940", [["W05", "Z", "ORD"], ["LX", 1]])],
                             InMemoryControlNumbers())  # fmt: skip
    codes = [(e.code, e.segment_id, e.element) for e in info.value.errors]
    assert ("ELEMENT_INVALID_CODE", "W05", 1) in codes
    assert ("SEGMENT_MANDATORY_MISSING", "W01", None) in codes


def test_bad_settings_are_refused() -> None:
    with pytest.raises(GenerationError, match="distinct"):
        generate_interchange("p", EnvelopeSettings("S", "R", delimiters=Delimiters("*", "*", "~")),
                             [], InMemoryControlNumbers())  # fmt: skip
    with pytest.raises(GenerationError, match="not a supported version"):
        generate_interchange("p", EnvelopeSettings("S", "R", version="003040"), [], InMemoryControlNumbers())
    with pytest.raises(GenerationError, match="not supported"):
        generate_interchange(
            "p", EnvelopeSettings("S", "R"), [OutboundSet("850", [["BEG"]])], InMemoryControlNumbers()
        )


def test_settings_from_partner_profile() -> None:
    profile = {
        "envelope": {
            "sender_id": "HUB", "receiver_id": "3PL", "receiver_qualifier": "01", "version": "005010",
            "usage": "T", "delimiters": {"element": "|", "component": ":", "segment": "~", "repetition": "^",
                                         "suffix": ""},
        }
    }  # fmt: skip
    settings = EnvelopeSettings.from_profile(profile)
    gen = generate_interchange("3pl", settings, [OutboundSet("940", [["W05", "N", "O1"], ["LX", 1],
                               ["W01", 1, "EA", "", "VN", "X"]])], InMemoryControlNumbers(), now=NOW)  # fmt: skip
    assert gen.text.startswith(
        "ISA|00|          |00|          |ZZ|HUB            |01|3PL            |260304|0506|^|00501|000000001|0|T|:~GS|OW|"
    )
    with pytest.raises(GenerationError, match="sender_id and receiver_id"):
        EnvelopeSettings.from_profile({"envelope": {"sender_id": "X"}})
