"""`crossdock demo`: the day runs end to end against both emulators and tells what happened."""

from __future__ import annotations

from typer.testing import CliRunner

from crossdock.cli import app


def test_the_day(tmp_path):
    result = CliRunner().invoke(
        app, ["demo", "--dir", str(tmp_path / "day"), "--orders", "12"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "the WMS is back: every waiting order delivered" in out
    assert "ship_to.street added) and replays it" in out
    assert "deliveries waiting to retry, circuit breaker open, nothing lost" in out
    released = int(
        next(line for line in out.splitlines() if "orders released to the warehouse" in line).split("│")[2]
    )
    applied = int(
        next(line for line in out.splitlines() if "shipment confirmations applied" in line).split("│")[2]
    )
    assert released >= 15 and applied >= 15  # split shipments confirm their backorders too
    assert (tmp_path / "day" / "crossdock.db").exists()
