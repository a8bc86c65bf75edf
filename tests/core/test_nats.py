"""The scale-out shape for real: PostgreSQL store, NATS JetStream bus, several worker processes."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import create_engine, func, select

from crossdock.config import parse_config
from crossdock.core.bus import StoreBus
from crossdock.core.runtime import Runtime
from crossdock.core.tables import ledger, outbox

from ..conftest import NATS_URL
from .helpers import incoming, order

SUBJECTS, PER_SUBJECT = 10, 30


def nats_config_text(store_url: str, names: dict, out: Path, ack_wait: float = 30) -> str:
    return f"""
store: {{url: "{store_url}"}}
bus: {{kind: nats, url: "{NATS_URL}", stream: {names["stream"]}, subject: {names["subject"]},
      durable: {names["durable"]}, ack_wait: {ack_wait}}}
runtime: {{batch_size: 10, poll_interval: 0.05}}
systems: {{odoo: {{role: erp}}, wms: {{role: warehouse}}}}
endpoints:
  wms: {{kind: sim-target, system: wms, path: "{out}", delay_ms: 2}}
routes:
  - {{type: order.released, flow: passthrough, endpoint: wms}}
"""


def start_worker(config: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "crossdock.cli", "worker", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in process.stderr:  # wait until it is connected and pulling
        if "runtime started" in line:
            return process
    raise AssertionError(f"worker did not start (exit {process.wait()})")


def test_two_worker_processes_share_the_stream_and_keep_subject_order(tmp_path, pg_url, nats_stream):
    config = tmp_path / "crossdock.yaml"
    config.write_text(nats_config_text(pg_url, nats_stream, tmp_path / "out"))
    workers = [start_worker(config), start_worker(config)]
    try:

        async def produce():
            runtime = Runtime(parse_config(config.read_text()), sources=[])
            await runtime.start()
            batch = [
                incoming(order(seq * SUBJECTS + s, subject=f"orders:{s}", event_id=f"{s}-{seq}"))
                for seq in range(PER_SUBJECT)
                for s in range(SUBJECTS)
            ]
            for start in range(0, len(batch), 25):
                await runtime.ingest(batch[start : start + 25])
            await runtime.close()

        asyncio.run(produce())
        engine = create_engine(pg_url)
        deadline = time.monotonic() + 90
        total = SUBJECTS * PER_SUBJECT
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                done = conn.execute(
                    select(func.count()).select_from(outbox).where(outbox.c.state == "acknowledged")
                ).scalar_one()
            if done == total:
                break
            time.sleep(0.1)
        assert done == total
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            code = worker.wait(timeout=30)
            assert code == 0, worker.stderr.read()[-3000:]
    with engine.connect() as conn:
        delivered = conn.execute(
            select(ledger.c.subject, ledger.c.business_key, ledger.c.detail)
            .where(ledger.c.state == "delivered")
            .order_by(ledger.c.id)
        ).all()
    engine.dispose()
    assert len(delivered) == total  # each delivered once
    sequence: dict[str, list[int]] = defaultdict(list)
    pids = set()
    for subject, business_key, detail in delivered:
        sequence[subject].append(int(business_key[2:]) // SUBJECTS)
        pids.add(json.loads(detail)["applied_by"])
    assert all(seqs == list(range(PER_SUBJECT)) for seqs in sequence.values()), sequence
    assert len(sequence) == SUBJECTS
    assert len(pids) == 2  # both worker processes did part of the work
    assert len(list((tmp_path / "out").glob("*.json"))) == total


async def test_messages_queued_but_never_announced_are_swept_onto_the_bus(tmp_path, pg_url, nats_stream):
    """A crash between the inbox commit and the publish leaves messages queued: the sweeper covers it."""
    config = parse_config(nats_config_text(pg_url, nats_stream, tmp_path / "out", ack_wait=0.5))
    silent = Runtime(config, sources=[], bus=StoreBus())  # commits to the inbox, publishes nothing
    await silent.ingest([incoming(order(n)) for n in range(5)])
    await silent.close()
    runtime = Runtime(config, sources=[])
    await runtime.run(until_idle=True)
    assert len(list((tmp_path / "out").glob("*.json"))) == 5
    await runtime.close()
