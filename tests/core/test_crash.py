"""Crash safety: SIGKILL the runtime mid-batch, restart it, and prove nothing was lost or applied twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select

from crossdock.core.tables import messages, outbox

from .helpers import order

ORDERS = 600


def write_setup(folder: Path, store_url: str, bus: str = "") -> Path:
    inbox = folder / "in"
    inbox.mkdir()
    for f in range(6):
        lines = [json.dumps(order(n)) for n in range(f * 100, (f + 1) * 100)]
        (inbox / f"orders-{f}.jsonl").write_text("\n".join(lines) + "\n")
    config = folder / "crossdock.yaml"
    config.write_text(f"""
store: {{url: "{store_url}"}}
{bus}
runtime: {{batch_size: 40, poll_interval: 0.01, lease_seconds: 2}}
systems: {{odoo: {{role: erp}}, wms: {{role: warehouse}}}}
sources:
  odoo: {{kind: files, system: odoo, path: "{inbox}", watch: false}}
endpoints:
  wms: {{kind: sim-target, system: wms, path: "{folder / "out"}", delay_ms: 3}}
routes:
  - {{type: order.released, flow: passthrough, endpoint: wms}}
""")
    return config


def crossdock(*args: str) -> list[str]:
    return [sys.executable, "-m", "crossdock.cli", *args]


def applied_orders(folder: Path) -> list[str]:
    files = [p for p in (folder / "out").glob("*.json")]
    return [json.loads(p.read_text())["payload"]["order_id"] for p in files]


def kill_midway(config: Path, folder: Path, command: str = "run") -> int:
    process = subprocess.Popen(
        crossdock(command, "-c", str(config), "--until-idle"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = len(list((folder / "out").glob("*.json"))) if (folder / "out").exists() else 0
        if done >= ORDERS // 4:
            break
        if process.poll() is not None:
            raise AssertionError(f"runtime exited early: {process.stderr.read().decode()}")
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return done


def check_exactly_once(folder: Path, store_url: str) -> None:
    applied = applied_orders(folder)
    assert len(applied) == ORDERS, (
        f"{ORDERS - len(applied)} orders lost" if len(applied) < ORDERS else "dupes"
    )
    assert sorted(applied) == sorted(f"SO{n:04d}" for n in range(ORDERS))
    engine = create_engine(store_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(messages)).scalar_one() == ORDERS
        states = dict(conn.execute(select(outbox.c.state, func.count()).group_by(outbox.c.state)).all())
    engine.dispose()
    assert states == {"acknowledged": ORDERS}


def crash_and_recover(tmp_path: Path, store_url: str) -> None:
    config = write_setup(tmp_path, store_url)
    done_at_kill = kill_midway(config, tmp_path)
    assert 0 < done_at_kill < ORDERS  # the kill landed in the middle of the work
    subprocess.run(
        crossdock("run", "-c", str(config), "--until-idle"), check=True, timeout=120, capture_output=True
    )
    check_exactly_once(tmp_path, store_url)


def test_sigkill_mid_batch_on_sqlite(tmp_path):
    crash_and_recover(tmp_path, f"sqlite:///{tmp_path / 'crossdock.db'}")


def test_sigkill_mid_batch_on_postgres(tmp_path, pg_url):
    crash_and_recover(tmp_path, pg_url)
