"""The EDI leg through the runtime: canonical documents out as X12 files, X12 files in as events,
997s both ways, over a partner's folders (the same code runs over SFTP)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from crossdock.config import parse_config
from crossdock.connectors.base import Incoming
from crossdock.connectors.edi.acks import build_acknowledgment
from crossdock.connectors.edi.control import InMemoryControlNumbers
from crossdock.connectors.edi.generator import EnvelopeSettings, OutboundSet, generate_interchange
from crossdock.connectors.edi.hub import EdiMemory
from crossdock.connectors.edi.maps import get_map, load_partner
from crossdock.connectors.edi.parser import read
from crossdock.core.runtime import Runtime
from crossdock.core.tables import messages, outbox
from crossdock.model import SalesOrder, ShipmentConfirmation

PARTNER = load_partner("generic-3pl")
ORDER = {
    "id": "so-1",
    "source": "odoo://main",
    "type": "order.released",
    "data": {
        "order_id": "SO0042",
        "customer": {"code": "C1", "name": "Store Co"},
        "warehouse_code": "TPL1",
        "ship_to": {
            "name": "Store 7",
            "street": "1 Main St",
            "city": "Columbus",
            "state": "OH",
            "zip": "43004",
            "country": "US",
        },
        "lines": [{"line_no": "1", "sku": "SKU00001", "quantity": {"value": "12", "uom": "EA"}}],
    },
}


@pytest.fixture
def partner_dir(tmp_path) -> Path:
    folder = tmp_path / "partner"
    (folder / "inbound").mkdir(parents=True)
    (folder / "outbound").mkdir()
    return folder


def config_for(tmp_path: Path, partner_dir: Path, timeout_hours: float = 4.0):
    files = f"partner: generic3pl, transport: {{kind: local, path: '{partner_dir}'}}"
    return parse_config(f"""
store: {{url: "sqlite:///{tmp_path / "cd.db"}"}}
runtime: {{poll_interval: 0.01}}
systems: {{odoo: {{role: erp}}, tpl: {{role: warehouse}}}}
sources:
  tpl-in:
    kind: edi
    system: tpl
    profile: generic-3pl
    files: {{{files}, once: true, poll_interval: 0,
            folders: {{inbox: outbound, processing: outbound/processing, archive: outbound/archive,
                      error: outbound/error}}}}
    replies: {{{files}, upload_folder: inbound, work_dir: '{tmp_path / "acks"}'}}
    acknowledges: tpl
    ack_timeout_hours: {timeout_hours}
endpoints:
  tpl:
    kind: edi
    system: tpl
    profile: generic-3pl
    files: {{{files}, upload_folder: inbound, work_dir: '{tmp_path / "work"}'}}
routes:
  - {{type: order.released, flow: passthrough, endpoint: tpl}}
""")


def as_the_3pl(document, set_id: str) -> str:
    """What the 3PL would write: our map, with the envelope seen from their side."""
    settings = EnvelopeSettings.from_profile(PARTNER.raw).swapped()
    segments = get_map(set_id).to_x12(document, PARTNER)
    return generate_interchange(
        "3pl",
        settings,
        [OutboundSet(set_id, segments)],
        InMemoryControlNumbers(100),
        now=datetime(2026, 11, 27, 15, 0, tzinfo=UTC),
    ).text


async def run(config) -> Runtime:
    runtime = Runtime(config)
    await runtime.run(until_idle=True)
    return runtime


def state_of(runtime: Runtime) -> str:
    with runtime.store.engine.connect() as conn:
        return conn.execute(select(outbox.c.state)).scalar_one()


async def test_an_order_goes_out_as_a_940_and_the_997_acknowledges_it(tmp_path, partner_dir):
    config = config_for(tmp_path, partner_dir)
    runtime = await run(config)
    await runtime.ingest([Incoming(ORDER, "odoo", "test")])
    await runtime.run(until_idle=True)
    [sent] = list((partner_dir / "inbound").glob("940_*.edi"))
    doc = read(sent.read_text(), "strict", PARTNER.raw)
    assert doc.accepted and not doc.all_errors()
    [ts] = list(doc.sets())
    assert get_map("940").from_x12(ts, PARTNER).order_id == "SO0042"
    assert state_of(runtime) == "delivered"  # uploaded; waiting for the partner's 997
    await runtime.close()
    ack = build_acknowledgment(doc, "997", InMemoryControlNumbers(500), "3pl")
    (partner_dir / "outbound" / "997_500.edi").write_text(ack)
    runtime = await run(config)
    assert state_of(runtime) == "acknowledged"
    assert [p.name for p in (partner_dir / "outbound" / "archive").iterdir()] == ["997_500.edi"]
    await runtime.close()


async def test_a_rejecting_997_dead_letters_the_command_with_its_codes(tmp_path, partner_dir):
    config = config_for(tmp_path, partner_dir)
    runtime = await run(config)
    await runtime.ingest([Incoming(ORDER, "odoo", "test")])
    await runtime.run(until_idle=True)
    await runtime.close()
    [sent] = list((partner_dir / "inbound").glob("940_*.edi"))
    text = sent.read_text()
    gs06 = read(text).interchanges[0].groups[0].control
    st02 = next(read(text).sets()).control
    # The 3PL refuses the set: AK5 R with a reason code.
    rejecting = generate_interchange(
        "3pl",
        EnvelopeSettings.from_profile(PARTNER.raw).swapped(),
        [
            OutboundSet(
                "997",
                [["AK1", "OW", gs06], ["AK2", "940", st02], ["AK5", "R", "5"], ["AK9", "R", "1", "1", "0"]],
            )
        ],
        InMemoryControlNumbers(700),
    ).text
    (partner_dir / "outbound" / "997_700.edi").write_text(rejecting)
    runtime = await run(config)
    [dead] = runtime.ops.dead_letters()
    assert dead.ref.startswith("o") and dead.error == f"997 from generic3pl: set {st02} rejected (5)"
    await runtime.close()


async def test_a_945_comes_in_as_a_shipment_and_is_answered_with_a_997(tmp_path, partner_dir):
    shipment = ShipmentConfirmation.model_validate(
        {
            "shipment_id": "SH-77",
            "order_id": "SO0042",
            "warehouse_code": "TPL1",
            "shipped_at": "2026-11-27T14:00:00Z",
            "carrier": "ups",
            "tracking_number": "1Z999AA10123456784",
            "lines": [
                {
                    "line_no": "1",
                    "sku": "SKU00001",
                    "ordered_quantity": {"value": "12", "uom": "EA"},
                    "shipped_quantity": {"value": "10", "uom": "EA"},
                }
            ],
        }
    )
    text = as_the_3pl(shipment, "945")
    (partner_dir / "outbound" / "945_100.edi").write_text(text)
    (partner_dir / "outbound" / "945_100_again.edi").write_text(text)  # the partner sends it twice
    runtime = await run(config_for(tmp_path, partner_dir))
    with runtime.store.engine.connect() as conn:
        rows = conn.execute(select(messages.c.type, messages.c.state, messages.c.payload)).all()
    assert [(t, s) for t, s, _ in rows] == [("shipment.confirmed", "processed")]
    import json

    received = ShipmentConfirmation.model_validate(json.loads(rows[0].payload)["data"])
    assert (received.shipment_id, received.lines[0].shipped_quantity.value, received.tracking_number) == (
        "SH-77",
        10,
        "1Z999AA10123456784",
    )
    [reply] = [p for p in (partner_dir / "inbound").glob("997_*.edi")]
    ack = read(reply.read_text(), "strict")
    assert ack.accepted and [s.set_id for s in ack.sets()] == ["997"]
    assert "AK5*A" in reply.read_text()
    duplicates = list((partner_dir / "outbound" / "archive").glob("*.duplicate.json"))
    assert len(duplicates) == 1  # the second copy was recognised by its content and not read again
    await runtime.close()


async def test_a_broken_set_is_rejected_with_its_error_and_a_negative_997(tmp_path, partner_dir):
    order_back = SalesOrder.model_validate(ORDER["data"])
    text = as_the_3pl(order_back, "940").replace("SE*", "SE*9", 1)  # wrong segment count
    (partner_dir / "outbound" / "940_bad.edi").write_text(text)
    runtime = await run(config_for(tmp_path, partner_dir))
    [dead] = runtime.ops.dead_letters()
    assert dead.state == "rejected" and "SE01" in dead.error
    [reply] = list((partner_dir / "inbound").glob("997_*.edi"))
    assert "AK5*R" in reply.read_text()
    await runtime.close()


async def test_a_missing_997_is_overdue_and_dead_lettered_for_a_resend(tmp_path, partner_dir):
    config = config_for(tmp_path, partner_dir, timeout_hours=0.000001)
    runtime = await run(config)
    await runtime.ingest([Incoming(ORDER, "odoo", "test")])
    await runtime.run(until_idle=True)
    await runtime.close()
    runtime = await run(config)  # the next poll finds it overdue
    [dead] = runtime.ops.dead_letters()
    assert dead.error.startswith("no 997 from generic3pl within")
    assert runtime.ops.replay(dead.ref, "ops") == "pending"
    await runtime.run(until_idle=True)
    assert len(list((partner_dir / "inbound").glob("940_*.edi"))) == 1  # the same file: same control numbers
    await runtime.close()


async def test_a_file_with_a_refused_set_moves_to_error_with_a_sidecar(tmp_path, partner_dir):
    order_back = SalesOrder.model_validate(ORDER["data"])
    text = as_the_3pl(order_back, "940").replace("SE*", "SE*9", 1)
    (partner_dir / "outbound" / "940_bad.edi").write_text(text)
    runtime = await run(config_for(tmp_path, partner_dir))
    error = partner_dir / "outbound" / "error"
    assert sorted(p.name for p in error.iterdir()) == ["940_bad.edi", "940_bad.edi.error.json"]
    assert "SE01" in (error / "940_bad.edi.error.json").read_text()
    await runtime.close()


async def test_a_partial_997_rejects_only_the_set_it_lists(tmp_path, partner_dir):
    """AK9*P listing only the rejected set: the set it leaves out was accepted (docs/edi.md, reconcile)."""
    config = config_for(tmp_path, partner_dir)
    runtime = await run(config)
    second = {**ORDER, "id": "so-2", "data": {**ORDER["data"], "order_id": "SO0043"}}
    await runtime.ingest([Incoming(ORDER, "odoo", "test"), Incoming(second, "odoo", "test")])
    await runtime.run(until_idle=True)
    sent = sorted((partner_dir / "inbound").glob("940_*.edi"))
    assert len(sent) == 2
    docs = [read(p.read_text()) for p in sent]
    gs06 = docs[0].interchanges[0].groups[0].control
    (st02_a, st02_b) = (next(d.sets()).control for d in docs)
    assert st02_a != st02_b
    # The sink writes one set per group; put both sets in the first group, as a batching sender would.
    memory = EdiMemory("generic3pl")
    memory.bind(runtime.store)
    [(_, key_a)] = memory.sent_group(gs06)
    [(_, key_b)] = memory.sent_group(docs[1].interchanges[0].groups[0].control)
    memory.keys.set(f"edi:generic3pl:group:{int(gs06)}", json.dumps([[st02_a, key_a], [st02_b, key_b]]))
    await runtime.close()
    partial = generate_interchange(
        "3pl",
        EnvelopeSettings.from_profile(PARTNER.raw).swapped(),
        [
            OutboundSet(
                "997",
                [["AK1", "OW", gs06], ["AK2", "940", st02_b], ["AK5", "R", "5"], ["AK9", "P", "2", "2", "1"]],
            )
        ],
        InMemoryControlNumbers(800),
    ).text
    (partner_dir / "outbound" / "997_800.edi").write_text(partial)
    runtime = await run(config)
    with runtime.store.engine.connect() as conn:
        states = dict(conn.execute(select(outbox.c.idempotency_key, outbox.c.state)).all())
    assert states == {key_a: "acknowledged", key_b: "dead_lettered"}
    [dead] = runtime.ops.dead_letters()
    assert dead.error == f"997 from generic3pl: set {st02_b} rejected (5)"
    await runtime.close()
