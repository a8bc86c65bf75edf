"""The CLI as scripts use it: commands, output, and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crossdock.cli import app

from .helpers import order

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "crossdock.yaml"
    path.write_text(f"""
store: {{url: "sqlite:///{tmp_path / "cd.db"}"}}
runtime: {{poll_interval: 0.01}}
systems: {{odoo: {{role: erp}}}}
endpoints:
  wms:
    kind: sim-target
    path: "{tmp_path / "out"}"
    reject: [{{field: lines.0.sku, equals: BAD, reason: unknown SKU}}]
routes:
  - {{type: order.released, flow: passthrough, endpoint: wms}}
""")
    return path


def test_invalid_config_exits_4_naming_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("runtime:\n  batch_size: -1\n")
    result = invoke("status", "-c", str(path))
    assert result.exit_code == 4
    assert f"{path}:2: runtime.batch_size: Input should be greater than or equal to 1" in result.stderr


def test_unreachable_store_exits_5(tmp_path):
    path = tmp_path / "pg.yaml"
    path.write_text(
        'store: {url: "postgresql://nobody:hunter2-secret@127.0.0.1:1/none", connect_timeout: 1}\n'
    )
    result = invoke("status", "-c", str(path))
    assert result.exit_code == 5
    assert "cannot reach the store at postgresql://nobody:***@127.0.0.1:1/none" in result.stderr
    assert "hunter2" not in result.stderr


def test_ingest_run_status_trace_and_dead_letters(config, tmp_path):
    feed = tmp_path / "orders.jsonl"
    feed.write_text("\n".join([json.dumps(order(1)), json.dumps(order(2, sku="BAD")), "{oops"]) + "\n")
    result = invoke("ingest", str(feed), "-c", str(config), "--system", "odoo")
    assert result.exit_code == 0, result.output
    assert "accepted 2, rejected 1, duplicates 0" in result.stdout
    assert invoke("run", "-c", str(config), "--until-idle").exit_code == 0

    counts = json.loads(invoke("status", "-c", str(config), "--json").stdout)
    assert sorted((c["state"], c["count"]) for c in counts["commands"]) == [
        ("acknowledged", 1),
        ("dead_lettered", 1),
    ]
    assert sorted((c["state"], c["count"]) for c in counts["messages"]) == [("processed", 2), ("rejected", 1)]

    timeline = json.loads(invoke("trace", "SO0001", "-c", str(config), "--json").stdout)
    assert [e["state"] for e in timeline][-3:] == ["delivering", "delivered", "acknowledged"]
    missing = invoke("trace", "SO9999", "-c", str(config))
    assert missing.exit_code == 3 and "nothing in the ledger for 'SO9999'" in missing.stderr

    dead = json.loads(invoke("dlq", "list", "-c", str(config), "--json").stdout)
    command = next(d for d in dead if d["kind"] == "command")
    assert (
        command["business_key"] == "SO0002" and command["error"] == "wms refused order.released: unknown SKU"
    )
    shown = invoke("dlq", "show", command["ref"], "-c", str(config))
    assert shown.exit_code == 0 and '"sku": "BAD"' in shown.stdout

    fixed = invoke(
        "dlq",
        "correct",
        command["ref"],
        "--set",
        "lines.0.sku=GOOD",
        "--reason",
        "substitute",
        "--actor",
        "carol",
        "--replay",
        "-c",
        str(config),
    )
    assert fixed.exit_code == 0 and "payload version 2" in fixed.stdout and "now pending" in fixed.stdout
    assert invoke("run", "-c", str(config), "--until-idle").exit_code == 0
    ledger_rows = json.loads(
        invoke("ledger", "--key", "SO0002", "--state", "corrected", "--json", "-c", str(config)).stdout
    )
    assert [(r["actor"], json.loads(r["detail"])["reason"]) for r in ledger_rows] == [("carol", "substitute")]

    assert invoke("dlq", "replay", "m999", "-c", str(config)).exit_code == 3
    assert invoke("dlq", "replay", "x1", "-c", str(config)).exit_code == 1
    replayed = invoke("replay", "SO0001", "-c", str(config))
    assert replayed.exit_code == 0 and "1 messages replayed (queued)" in replayed.stdout
    ranged = invoke("replay", "--since", "2000-01-01T00:00:00Z", "-c", str(config))
    assert ranged.exit_code == 0 and "replayed 1 messages and 0 commands" in ranged.stdout  # the broken line
    assert invoke("replay", "-c", str(config)).exit_code == 2


def test_demo_runs_and_resolves_its_dead_letter(tmp_path):
    result = invoke("demo", "--files", "--dir", str(tmp_path / "demo"), "--orders", "12")
    assert result.exit_code == 0, result.output
    assert "corrected o7 (SO0007): lines.0.sku DISC-0001 -> SKU-0007, replayed" in result.stdout
    assert "the WMS holds 12 orders, Odoo 9 shipment confirmations" in result.stdout
