"""The runtime end to end on SQLite and PostgreSQL: inbox, flows, outbox, deliveries, ledger."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select

from crossdock.core import ledger
from crossdock.core.runtime import Runtime
from crossdock.core.tables import messages, outbox

from .helpers import RecordingSink, incoming, make_config, order


def runtime_with(store_url: str, wms: RecordingSink | None = None, extra: str = "", **runtime) -> Runtime:
    config = make_config(store_url, extra, **runtime)
    return Runtime(config, sources=[], sinks={"wms": wms or RecordingSink(), "odoo": RecordingSink()})


def states(rt: Runtime, key: str) -> list[str]:
    with rt.store.engine.connect() as conn:
        return [e.state for e in ledger.trace(conn, key)]


async def drain(rt: Runtime) -> None:
    await rt.run(until_idle=True)


async def test_order_travels_through_every_state(store_url):
    sink = RecordingSink()
    rt = runtime_with(store_url, sink)
    report = await rt.ingest([incoming(order(1))])
    assert len(report.accepted) == 1 and not report.rejected
    await drain(rt)
    assert states(rt, "SO0001") == [
        "received",
        "validated",
        "queued",
        "transformed",
        "queued",
        "delivering",
        "delivered",
        "acknowledged",
    ]
    assert [d.business_key for d in sink.applied] == ["SO0001"]
    assert sink.applied[0].payload["lines"][0]["quantity"] == {"value": "2", "uom": "EA"}
    await rt.close()


async def test_duplicate_is_recorded_and_has_no_second_effect(store_url):
    sink = RecordingSink()
    rt = runtime_with(store_url, sink)
    first = await rt.ingest([incoming(order(1)), incoming(order(1))])  # twice in one batch
    second = await rt.ingest([incoming(order(1))])  # and again later
    assert len(first.accepted) == 1 and len(first.duplicates) == 1
    assert len(second.duplicates) == 1 and second.duplicates[0][0] == first.accepted[0][0]
    await drain(rt)
    assert sink.calls == 1
    assert states(rt, "SO0001").count("duplicate") == 2
    await rt.close()


@pytest.mark.parametrize(
    ("body", "kind", "fragment"),
    [
        ("{not json", "malformed", "not valid JSON"),
        ("[1, 2]", "malformed", "must be a JSON object"),
        (
            {"id": "x", "source": "odoo://main", "type": "order.shipped_to_mars", "data": {}},
            "unknown_type",
            "unknown event type 'order.shipped_to_mars'",
        ),
        ({"id": "x", "source": "odoo://main", "data": {}}, "envelope", "type: Field required"),
        (
            {"id": "x", "source": "odoo://main", "type": "order.released", "specversion": "0.3", "data": {}},
            "envelope",
            "unsupported CloudEvents specversion",
        ),
        ({**order(5), "data": {**order(5)["data"], "lines": []}}, "invalid_document", "at least one line"),
        ({**order(6), "time": "2026-11-27T08:00:00"}, "envelope", "time must carry a timezone"),
    ],
)
async def test_bad_input_is_rejected_with_a_reason_and_kept(store_url, body, kind, fragment):
    rt = runtime_with(store_url)
    report = await rt.ingest([incoming(body)])
    assert not report.accepted and len(report.rejected) == 1
    message_id, reason = report.rejected[0]
    assert reason.startswith(f"{kind}:") and fragment in reason
    with rt.store.engine.connect() as conn:
        row = conn.execute(select(messages).where(messages.c.id == message_id)).one()
    assert row.state == "rejected"
    kept = row.payload if isinstance(body, str) else json.loads(row.payload)
    assert kept == body  # nothing lost: the raw input is stored as it came
    assert [d.ref for d in rt.ops.dead_letters()] == [f"m{message_id}"]
    await rt.close()


async def test_oversized_message_is_rejected(store_url):
    rt = runtime_with(store_url, max_message_bytes=2048)
    big = order(1)
    big["data"]["ship_to"]["name"] = "x" * 5000
    report = await rt.ingest([incoming(big)])
    assert report.rejected and report.rejected[0][1].startswith("oversized: message is ")
    await rt.close()


async def test_ownership_violation_is_rejected_with_the_field_named(store_url):
    rt = runtime_with(store_url)
    shipment = {
        "id": "sh-1",
        "source": "wms://dc1",
        "type": "shipment.confirmed",
        "data": {
            "shipment_id": "SH1",
            "order_id": "SO0001",
            "warehouse_code": "DC1",
            "shipped_at": "2026-11-27T10:00:00Z",
            "lines": [
                {
                    "line_no": "1",
                    "sku": "A",
                    "shipped_quantity": {"value": "1"},
                    "unit_price": {"amount": "3.10"},
                }
            ],
        },
    }
    report = await rt.ingest([incoming(shipment, system="wms")])
    assert report.rejected[0][1] == (
        "ownership: field 'lines.0.unit_price' of ShipmentConfirmation is owned by erp; "
        "source system 'wms' (role warehouse) may not set it (from test)"
    )
    del shipment["data"]["lines"][0]["unit_price"]
    shipment["id"] = "sh-2"
    assert (await rt.ingest([incoming(shipment, system="wms")])).accepted
    await rt.close()


async def test_per_subject_order_and_parallel_subjects(store_url):
    sink = RecordingSink()
    rt = runtime_with(store_url, sink, batch_size=7)
    batch = []
    for seq in range(6):
        for subject in ("A", "B", "C"):
            batch.append(incoming(order(seq, subject=f"orders:{subject}", event_id=f"{subject}-{seq}")))
    await rt.ingest(batch)
    await drain(rt)
    for subject in ("A", "B", "C"):
        delivered = [
            d.idempotency_key.split("#")[1].split("|")[0]
            for d in sink.applied
            if d.idempotency_key.startswith(f"odoo://main#{subject}-")
        ]
        assert delivered == [f"{subject}-{seq}" for seq in range(6)]
    await rt.close()


async def test_processor_defers_a_message_whose_subject_has_an_earlier_queued_one(store_url):
    rt = runtime_with(store_url)
    report = await rt.ingest(
        [
            incoming(order(1, subject="S", event_id="e1")),
            incoming(order(2, subject="S", event_id="e2")),
            incoming(order(3, subject="T", event_id="e3")),
        ]
    )
    first, second, third = (id_ for id_, _ in report.accepted)
    # A worker handed only the second and third messages (as NATS may) must not overtake the first.
    result = rt.processor.process([second, third])
    assert result.deferred == [second] and result.processed == [third]
    result = rt.processor.process([first, second])
    assert result.processed == [first, second]
    await rt.close()


async def test_transient_failures_retry_with_backoff_then_deliver(store_url):
    sink = RecordingSink(fail_times=2)
    rt = runtime_with(store_url, sink)
    await rt.ingest([incoming(order(1))])
    await drain(rt)
    assert states(rt, "SO0001")[5:] == [
        "delivering",
        "failed",
        "retry_scheduled",
        "delivering",
        "failed",
        "retry_scheduled",
        "delivering",
        "delivered",
        "acknowledged",
    ]
    with rt.store.engine.connect() as conn:
        row = conn.execute(select(outbox)).one()
    assert row.state == "acknowledged" and row.attempts == 3
    await rt.close()


async def test_exhausted_retries_dead_letter_then_replay_delivers(store_url):
    sink = RecordingSink(fail_times=3)  # max_attempts is 3
    rt = runtime_with(store_url, sink)
    await rt.ingest([incoming(order(1))])
    await drain(rt)
    [dead] = rt.ops.dead_letters()
    assert dead.kind == "command" and dead.attempts == 3 and dead.error == "target down"
    assert rt.ops.replay(dead.ref, "tester") == "pending"
    await drain(rt)
    assert [d.business_key for d in sink.applied] == ["SO0001"]
    trail = states(rt, "SO0001")
    assert trail[-4:] == ["replayed", "delivering", "delivered", "acknowledged"]
    await rt.close()


async def test_permanent_failure_dead_letters_at_once_and_correction_is_recorded(store_url):
    sink = RecordingSink(permanent_for={"SO0002"})
    rt = runtime_with(store_url, sink)
    await rt.ingest([incoming(order(1)), incoming(order(2, sku="OLD"))])
    await drain(rt)
    [dead] = rt.ops.dead_letters()
    assert dead.business_key == "SO0002" and dead.attempts == 1
    sink.permanent_for.clear()
    version = rt.ops.correct(
        dead.ref, "alice", "customer accepted a substitute", changes={"lines.0.sku": "NEW"}
    )
    assert version == 2
    rt.ops.replay(dead.ref, "alice")
    await drain(rt)
    assert [d.payload["lines"][0]["sku"] for d in sink.applied if d.business_key == "SO0002"] == ["NEW"]
    with rt.store.engine.connect() as conn:
        [corrected] = ledger.query(conn, business_key="SO0002", state="corrected")
    assert corrected.actor == "alice" and corrected.payload_version == 2
    assert json.loads(corrected.detail) == {
        "reason": "customer accepted a substitute",
        "changes": {"lines.0.sku": {"from": "OLD", "to": "NEW"}},
    }
    shown = rt.ops.show(dead.ref)
    assert [v["version"] for v in shown["versions"]] == [1]
    assert json.loads(shown["versions"][0]["payload"])["lines"][0]["sku"] == "OLD"
    await rt.close()


async def test_rejected_message_corrected_and_replayed_passes_the_same_gate(store_url):
    sink = RecordingSink()
    rt = runtime_with(store_url, sink)
    bad = order(9)
    bad["data"]["lines"][0]["quantity"]["value"] = "-4"
    [(message_id, reason)] = (await rt.ingest([incoming(bad)])).rejected
    assert "quantity cannot be negative" in reason
    ref = f"m{message_id}"
    rt.ops.correct(ref, "bob", "typo", changes={"data.lines.0.quantity.value": "2"})
    assert rt.ops.replay(ref, "bob") == "queued"
    await drain(rt)
    assert [d.business_key for d in sink.applied] == ["SO0009"]
    assert states(rt, "SO0009")[:6] == [
        "received",
        "rejected",
        "corrected",
        "replayed",
        "validated",
        "queued",
    ]
    # A correction that is still wrong is rejected again, with the new reason.
    bad2 = order(10, qty="-1")
    [(message_id, _)] = (await rt.ingest([incoming(bad2)])).rejected
    rt.ops.correct(f"m{message_id}", "bob", "second try", changes={"data.lines.0.quantity.value": "-2"})
    assert rt.ops.replay(f"m{message_id}", "bob") == "rejected"
    await rt.close()


async def test_replay_of_a_document_and_of_a_time_range_has_no_second_effect(store_url):
    sink = RecordingSink()
    rt = runtime_with(store_url, sink)
    await rt.ingest([incoming(order(n)) for n in range(1, 4)])
    await drain(rt)
    assert rt.ops.replay_document("SO0002", "ops") == ["queued"]
    await drain(rt)
    from datetime import UTC, datetime, timedelta

    counts = rt.ops.replay_range(datetime.now(UTC) - timedelta(hours=1), None, "ops", only_failed=False)
    assert counts == {"messages": 3, "commands": 0}
    await drain(rt)
    assert sorted(d.business_key for d in sink.applied) == ["SO0001", "SO0002", "SO0003"]
    assert sink.calls == 3 + 1 + 3  # redelivered with the same keys: the target deduplicated
    await rt.close()


async def test_circuit_opens_and_deliveries_wait_without_burning_attempts(store_url):
    sink = RecordingSink(fail_times=2)
    rt = runtime_with(store_url, sink)
    rt.dispatcher.breakers["wms"].policy.failure_threshold = 2
    rt.config.endpoints["wms"].retry.max_attempts = 10
    await rt.ingest([incoming(order(n, subject=f"s{n}")) for n in range(1, 6)])
    rt.processor.process()
    rt.dispatcher.record(await rt.dispatcher.deliver(rt.dispatcher.claim(2)))
    assert rt.dispatcher.breakers["wms"].state == "open"
    assert rt.dispatcher.claim(10) == []  # open: nothing is claimed
    await asyncio.sleep(0.06)
    probe = rt.dispatcher.claim(10)
    assert len(probe) == 1  # half-open: one trial
    rt.dispatcher.record(await rt.dispatcher.deliver(probe))
    assert rt.dispatcher.breakers["wms"].state == "closed"
    await drain(rt)
    assert len(sink.applied) == 5
    await rt.close()


async def test_expired_lease_is_redelivered_and_the_stale_outcome_is_dropped(store_url):
    sink = RecordingSink()
    rt = runtime_with(store_url, sink, lease_seconds=0.05)
    await rt.ingest([incoming(order(1))])
    rt.processor.process()
    [stale] = rt.dispatcher.claim(10)  # a worker claims, then stalls past its lease
    await asyncio.sleep(0.1)
    [fresh] = rt.dispatcher.claim(10)
    assert fresh.delivery.attempt == 2 and fresh.recovered
    rt.dispatcher.record(await rt.dispatcher.deliver([fresh]))
    rt.dispatcher.record(await rt.dispatcher.deliver([stale]))  # late outcome: must not overwrite
    with rt.store.engine.connect() as conn:
        row = conn.execute(select(outbox)).one()
        delivered = ledger.query(conn, business_key="SO0001", state="delivered")
    assert row.state == "acknowledged" and len(delivered) == 1
    assert len(sink.applied) == 1
    await rt.close()


async def test_flow_failure_dead_letters_the_message(store_url):
    extra = "  - {type: order.cancelled, flow: passthrough}\n"  # no endpoint: the flow refuses
    rt = runtime_with(store_url, extra=extra)
    cancel = {
        "id": "c1",
        "source": "odoo://main",
        "type": "order.cancelled",
        "data": {"order_id": "SO0001", "cancelled_at": "2026-11-27T09:00:00Z"},
    }
    await rt.ingest([incoming(cancel)])
    await drain(rt)
    [dead] = rt.ops.dead_letters()
    assert dead.ref.startswith("m") and dead.state == "dead_lettered"
    assert dead.error == "FlowError: passthrough needs an endpoint on its route"
    await rt.close()


async def test_late_acknowledgment_and_rejection(store_url):
    rt = runtime_with(store_url, RecordingSink())
    await rt.ingest([incoming(order(1)), incoming(order(2))])
    await drain(rt)
    with rt.store.engine.connect() as conn:
        keys = dict(conn.execute(select(outbox.c.business_key, outbox.c.idempotency_key)).all())
    assert rt.ops.acknowledge(keys["SO0001"], "edi", detail={"ack": "997 AK5*A"})
    assert rt.ops.acknowledge(keys["SO0002"], "edi", rejected="997 AK5*R: segment N1 missing")
    assert not rt.ops.acknowledge("no-such-key", "edi")
    assert states(rt, "SO0001")[-1] == "acknowledged"
    assert states(rt, "SO0002")[-2:] == ["failed", "dead_lettered"]
    await rt.close()


async def test_ledger_queries_by_system_state_and_time(store_url):
    from datetime import UTC, datetime, timedelta

    rt = runtime_with(store_url, RecordingSink(permanent_for={"SO0002"}))
    await rt.ingest([incoming(order(1)), incoming(order(2))])
    await drain(rt)
    with rt.store.engine.connect() as conn:
        dead = ledger.query(conn, system="wms", state="dead_lettered")
        recent = ledger.query(conn, since=datetime.now(UTC) - timedelta(minutes=5), state="received")
        future = ledger.query(conn, since=datetime.now(UTC) + timedelta(minutes=5))
    assert [e.business_key for e in dead] == ["SO0002"]
    assert sorted(e.business_key for e in recent) == ["SO0001", "SO0002"]
    assert future == []
    await rt.close()


async def test_a_failing_source_does_not_stop_the_runtime(store_url):
    class Down:
        name = "down"
        exhausted = True

        def __init__(self):
            self.polls = 0

        async def poll(self, limit):
            self.polls += 1
            raise ConnectionError("partner unreachable")

        async def commit(self, items):
            return None

        async def close(self):
            return None

    sink = RecordingSink()
    rt = Runtime(make_config(store_url), sources=[Down()], sinks={"wms": sink, "odoo": RecordingSink()})
    await rt.ingest([incoming(order(1))])
    await rt.run(until_idle=True)
    assert [d.business_key for d in sink.applied] == ["SO0001"] and rt.sources[0].polls >= 1
    await rt.close()
