"""Faults on demand: each one produces exactly what it says, once per occurrence asked for."""

from __future__ import annotations

import pytest

from crossdock.connectors.edi import read

from .hub import Hub, sales_order
from .test_orders import ack_segments


async def _adjustment_files(hub: Hub) -> list[str]:
    hub.tpl.wms_call("POST", "/_sim/config", {"cycle_count_variance_rate": 1.0})
    return hub.tpl.cycle_count(sku="SKU00001")


async def test_duplicate_writes_the_same_file_twice(hub: Hub) -> None:
    assert hub.tpl.faults(duplicate=1)["duplicate"] == 1
    first, again = await _adjustment_files(hub)
    assert (first, again) == ("947_ADJ-000001_000000001.edi", "947_ADJ-000001_000000001_dup.edi")
    assert await hub.text(first) == await hub.text(again)
    assert hub.tpl.faults()["duplicate"] == 0
    assert len(await _adjustment_files(hub)) == 1  # used up


@pytest.mark.parametrize(
    ("kind", "code", "accepted"),
    [
        ("se01_count", "SE01_COUNT", False),
        ("missing_iea", "IEA_MISSING", False),
        ("control_mismatch", "IEA02_MISMATCH", False),
        ("bad_element", "ELEMENT_TOO_LONG", True),
    ],
)
async def test_malformed_outbound_files_are_caught_by_the_codec(
    hub: Hub, kind: str, code: str, accepted: bool
) -> None:
    hub.tpl.faults(malformed=kind)
    (name,) = await _adjustment_files(hub)
    doc = read(await hub.text(name), "strict", hub.partner.raw)
    assert [e.code for e in doc.all_errors() if e.severity == "error"] == [code]
    assert doc.accepted is accepted  # envelope faults reject the interchange; a bad element rejects the set
    (record,) = hub.tpl.state()["sent"].values()
    assert record["malformed"] == kind
    (clean,) = await _adjustment_files(hub)  # the queue is used up: the next file is clean again
    assert read(await hub.text(clean), "strict", hub.partner.raw).valid


async def test_withheld_997(hub: Hub) -> None:
    hub.tpl.faults(withhold_ack=1)
    await hub.send("940_SO0042.edi", hub.interchange("940", sales_order()))
    await hub.send("940_SO0043.edi", hub.interchange("940", sales_order("SO0043")))
    (name,) = await hub.wait_for("997_")
    assert ack_segments(await hub.text(name))[0] == ["AK1", "OW", "101"]  # only the second order's group
    inbound = hub.tpl.state()["inbound"]
    assert [(e["file"], e["acks"]) for e in inbound] == [
        ("940_SO0042.edi", ["withheld"]),
        ("940_SO0043.edi", ["997_000000001.edi"]),
    ]
    assert hub.tpl.state()["orders"] == {"SO0042": "RECEIVED", "SO0043": "RECEIVED"}  # both were used


async def test_delayed_files_appear_when_due(hub: Hub) -> None:
    hub.tpl.faults(delay_minutes=30)
    await hub.send("940_SO0042.edi", hub.interchange("940", sales_order()))
    await hub.wait_for_state(lambda s: s["held"])
    assert hub.tpl.state()["held"] == [{"name": "997_000000001.edi", "due": "2027-01-04T08:30:00Z"}]
    assert hub.tpl.advance(29) == []
    assert await hub.outbound() == []
    assert hub.tpl.advance(1) == ["997_000000001.edi"]
    assert await hub.outbound() == ["997_000000001.edi"]
    hub.tpl.faults(delay_minutes=0)
    assert hub.tpl.advance(90) == ["945_SO0042_000000002.edi"]  # no delay any more


async def test_reject_inbound_rejects_the_interchange(hub: Hub) -> None:
    hub.tpl.faults(reject_inbound=1)
    await hub.send("940_SO0042.edi", hub.interchange("940", sales_order()))
    (name,) = await hub.wait_for("997_")
    assert ack_segments(await hub.text(name)) == [
        ["AK1", "OW", "100"],
        ["AK2", "940", "0100"],
        ["AK5", "R"],
        ["AK9", "R", "1", "1", "0"],
    ]
    assert hub.tpl.state()["orders"] == {}
    assert [f.name for f in await hub.sftp.list("inbound/rejected")] == ["940_SO0042.edi"]


def test_unknown_faults_are_refused() -> None:
    from crossdock.sim.tpl import faults

    with pytest.raises(ValueError, match="unknown fault 'explode'"):
        faults.configure({}, explode=1)
    with pytest.raises(ValueError, match="unknown malformed kind 'typo'"):
        faults.configure({}, malformed="typo")
    assert faults.configure({"duplicate": 2}, clear=True) == faults.DEFAULTS
