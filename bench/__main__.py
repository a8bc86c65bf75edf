"""`make bench`: every benchmark, each beside its baseline measured in the same run.

Each module's run() returns rows (dicts); each module gets one table with its own columns.
"""

from __future__ import annotations

import importlib
import sys
import time

from rich.console import Console
from rich.table import Table

SUITES = [
    ("runtime: messages through inbox, ledger, flow, outbox, sink, ack", "bench.runtime_bench"),
    ("Odoo: RPC calls to release orders and apply shipments, beside a naive client", "bench.odoo_bench"),
    ("X12: parse with full validation, and generate", "bench.bench_edi"),
]


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def main(selected: list[str]) -> int:
    console = Console(width=170)
    for title, module_name in SUITES:
        if selected and not any(s in module_name for s in selected):
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            console.print(f"[yellow]{title}: skipped ({exc})[/yellow]")
            continue
        started = time.perf_counter()
        rows = module.run()
        columns = list(dict.fromkeys(key for row in rows for key in row))
        table = Table(title=f"{title}  ({time.perf_counter() - started:.0f}s)")
        for column in columns:
            table.add_column(
                column.replace("_", " "),
                justify="left" if column in ("benchmark", "subject", "note", "baseline") else "right",
            )
        for row in rows:
            table.add_row(*(_cell(row.get(column)) for column in columns))
        console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
