"""The source inside the real runtime: CSV events accepted, a bad file recorded as rejected, keys in the store."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select

from crossdock.config import parse_config
from crossdock.connectors.transfer.source import FileTransferSource, FileTransferSourceOptions
from crossdock.core.cursors import Cursors
from crossdock.core.runtime import Runtime
from crossdock.core.tables import messages

from .test_flatfile import HARBOR_SHIPMENTS


async def test_csv_files_through_the_runtime(tmp_path: Path):
    inbox = tmp_path / "partner" / "outbound"
    inbox.mkdir(parents=True)
    (inbox / "HBR_SHP_1.csv").write_text(HARBOR_SHIPMENTS)
    (inbox / "HBR_SHP_2.csv").write_text(HARBOR_SHIPMENTS.replace(",6,EACH", ",six,EACH"))
    config = parse_config(f"""
store: {{url: "sqlite:///{tmp_path / "crossdock.db"}"}}
systems: {{odoo: {{role: erp}}, harbor: {{role: warehouse}}}}
endpoints: {{odoo: {{kind: noop, system: odoo}}}}
routes:
  - {{type: shipment.confirmed, flow: passthrough, endpoint: odoo}}
""")
    options = FileTransferSourceOptions.model_validate(
        {
            "partner": "harbor",
            "transport": {"kind": "local", "path": str(tmp_path / "partner")},
            "format": "csv",
            "column_map": "harbor",
            "patterns": ["HBR_*.csv"],
        }
    )
    source = FileTransferSource("harbor-files", "harbor", options)
    runtime = Runtime(config, sources=[source], sinks={})
    try:
        assert await runtime._pull_sources() == 3
        with runtime.store.engine.connect() as conn:
            rows = conn.execute(
                select(messages.c.state, messages.c.business_key, messages.c.error).order_by(messages.c.id)
            ).all()
        digest = hashlib.sha256(HARBOR_SHIPMENTS.encode()).hexdigest()
        assert (
            [(r.state, r.business_key) for r in rows]
            == [
                ("queued", f"harbor:SO0042:{digest[:12]}"),  # the shipment id: partner, order, file hash
                ("queued", f"harbor:SO0043:{digest[:12]}"),
                ("rejected", None),
            ]
        )
        assert rows[2].error.startswith(
            "flat_file: HBR_SHP_2.csv: 1 problem(s): HBR_SHP_2.csv row 2, column 'QtyShipped':"
            " expected a number like 12 or 12.5, got 'six' (from file://"
        )
        assert sorted(p.name for p in (inbox / "archive").iterdir()) == ["HBR_SHP_1.csv"]
        assert sorted(p.name for p in (inbox / "error").iterdir()) == [
            "HBR_SHP_2.csv",
            "HBR_SHP_2.csv.error.json",
        ]
        # the runtime bound the store: the accepted file's keys are there for every worker
        assert Cursors(runtime.store).get(f"files:harbor:sha256:{digest}") is not None
    finally:
        runtime.store.engine.dispose()
