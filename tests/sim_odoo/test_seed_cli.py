"""Seed determinism and speed, SQLite persistence across restarts, and the typer CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from crossdock.sim.odoo.cli import app
from crossdock.sim.odoo.orm import open_database
from crossdock.sim.odoo.seed import seed
from crossdock.sim.odoo.server import OdooServer


def test_seed_is_deterministic_and_fast() -> None:
    start = time.monotonic()
    first = seed(open_database(":memory:", "17.0"), skus=3000)
    elapsed = time.monotonic() - start
    assert elapsed < 10.0
    second = seed(open_database(":memory:", "17.0"), skus=3000)
    for model in ("product.product", "product.template", "stock.quant", "stock.lot", "res.partner"):
        rows_a = {
            k: {f: v for f, v in r.items() if f not in ("create_date", "write_date", "in_date")}
            for k, r in first.store.table(model).rows.items()
        }
        rows_b = {
            k: {f: v for f, v in r.items() if f not in ("create_date", "write_date", "in_date")}
            for k, r in second.store.table(model).rows.items()
        }
        assert rows_a == rows_b, model
    assert len(first.store.table("product.product").rows) == 3001  # 3000 SKUs + the shipping service
    assert len(first.store.table("stock.warehouse").rows) == 2
    assert len(first.store.table("delivery.carrier").rows) == 3
    tracking = [r["tracking"] for r in first.store.table("product.template").rows.values()]
    assert {"none", "lot", "serial"} <= set(tracking)
    assert len(first.store.table("product.packaging").rows) > 500


def test_persistence_across_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "odoo.db")
    db = seed(open_database(path, "18.0"), skus=20, customers=3, suppliers=1)
    with OdooServer(db) as srv:
        obj = xmlrpc.client.ServerProxy(f"{srv.url}/xmlrpc/2/object")
        pid = obj.execute_kw("crossdock", 2, "admin", "res.partner", "create", [{"name": "Survivor"}])
    db.store.close()
    again = open_database(path)
    assert again.p.series == "18.0"
    with OdooServer(again) as srv:
        obj = xmlrpc.client.ServerProxy(f"{srv.url}/xmlrpc/2/object")
        assert obj.execute_kw("crossdock", 2, "admin", "res.partner", "read", [[pid], ["name"]]) == [
            {"id": pid, "name": "Survivor"}
        ]
        new = obj.execute_kw("crossdock", 2, "admin", "res.partner", "create", [{"name": "Next"}])
        assert new == pid + 1  # id sequences persist too
    again.store.close()
    with pytest.raises(ValueError, match="holds Odoo 18.0, not 17.0"):
        open_database(path, "17.0")


def test_loopback_only() -> None:
    with pytest.raises(ValueError, match="loopback"):
        OdooServer(open_database(":memory:", "17.0"), host="0.0.0.0")


def test_cli_seed(tmp_path: Path) -> None:
    path = str(tmp_path / "cli.db")
    result = CliRunner().invoke(app, ["seed", "--version", "16.0", "--db", path, "--skus", "40"])
    assert result.exit_code == 0, result.output
    assert result.output == f"seeded {path} (Odoo 16.0, database crossdock): 41 products\n"
    db = open_database(path)
    assert db.p.series == "16.0"
    assert len(db.store.table("product.product").rows) == 41


def test_cli_serve_process(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    cmd = [
        sys.executable,
        "-c",
        "from crossdock.sim.odoo.cli import app; app()",
        "--version",
        "19.0",
        "--port",
        "0",
        "--skus",
        "30",
        "--db",
        str(tmp_path / "serve.db"),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = proc.stdout.readline().strip()
        second = proc.stdout.readline().strip()
        third = proc.stdout.readline().strip()
        assert first.startswith("Odoo 19.0 emulator listening on http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1]
        assert second == "database: crossdock  login: admin  password: admin"
        assert third == "JSON-2 API key (Authorization: bearer ...): crossdock-sim-admin-api-key"
        assert httpx.get(f"{url}/web/version").json() == {
            "version_info": [19, 0, 0, "final", 0, ""],
            "version": "19.0",
        }
        count = httpx.post(
            f"{url}/json/2/product.product/search_count",
            json={"domain": []},
            headers={"Authorization": "bearer crossdock-sim-admin-api-key"},
        )
        assert count.json() == 31
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_cli_refuses_reseeding_and_version_mismatch(tmp_path: Path) -> None:
    path = str(tmp_path / "twice.db")
    runner = CliRunner()
    assert runner.invoke(app, ["seed", "--version", "17.0", "--db", path, "--skus", "5"]).exit_code == 0
    again = runner.invoke(app, ["seed", "--version", "17.0", "--db", path, "--skus", "5"])
    assert again.exit_code == 1
    assert f"error: database {path} is already seeded" in again.output
    other = runner.invoke(app, ["seed", "--version", "18.0", "--db", path])
    assert other.exit_code == 1
    assert "holds Odoo 17.0, not 18.0" in other.output
