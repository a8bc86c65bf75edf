"""Envelope errors (TA1), duplicates, the hub's own 997s, and 999s for a 5010 partner."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crossdock.connectors.edi import build_acknowledgment, read
from crossdock.connectors.edi.maps.partner import PROFILES_DIR
from crossdock.connectors.transfer.transport import Sftp
from crossdock.sim.tpl import TplEmulator

from .conftest import CLIENT_KEY, make_config
from .hub import Hub, sales_order
from .test_orders import ack_segments


def ta1(text: str) -> list[str]:
    """The TA1 segment of an interchange that the codec reads cleanly."""
    doc = read(text, "strict")
    assert doc.accepted and doc.valid
    return next(s.strip().split("*") for s in text.split("~") if s.strip().startswith("TA1"))


async def test_a_broken_envelope_gets_a_ta1_and_nothing_is_used(hub: Hub) -> None:
    text = hub.interchange("940", sales_order()).replace("IEA*1*000000100", "IEA*1*000000999")
    await hub.send("940_bad_iea.edi", text)
    (name,) = await hub.wait_for("TA1_")
    assert name == "TA1_000000001.edi"
    assert ta1(await hub.text(name)) == ["TA1", "000000100", "270104", "0730", "R", "001"]
    assert await hub.outbound() == [name]  # no 997 for an interchange that was not opened
    assert hub.tpl.state()["orders"] == {}
    assert hub.tpl.state()["inbound"][0]["interchanges"][0]["errors"] == ["IEA02_MISMATCH"]


async def test_a_duplicate_interchange_is_refused_with_ta1_025(hub: Hub) -> None:
    text = hub.interchange("940", sales_order())
    await hub.send("940_SO0042.edi", text)
    await hub.wait_for("997_")
    await hub.send("940_SO0042_again.edi", text)  # resent under another name
    (name,) = await hub.wait_for("TA1_")
    assert ta1(await hub.text(name))[4:] == ["R", "025"]
    assert hub.tpl.state()["orders"] == {"SO0042": "RECEIVED"}
    assert sorted(f.name for f in await hub.sftp.list("inbound/rejected")) == ["940_SO0042_again.edi"]


async def test_the_hubs_997_is_recorded_and_never_answered(hub: Hub) -> None:
    await hub.send("940_SO0042.edi", hub.interchange("940", sales_order()))
    await hub.wait_for("997_")
    (name,) = hub.tpl.advance(120)
    sent = hub.tpl.state()["sent"]
    assert sent == {"2": {"file": name, "set_id": "945", "st02": "0002", "isa13": "000000002", "ack": None}}
    ack = build_acknowledgment(
        read(await hub.text(name), "strict", hub.partner.raw), "997", hub.numbers, "tpl"
    )
    await hub.send("997_for_945.edi", ack)
    await hub.wait_for_state(lambda s: s["sent"]["2"]["ack"])
    assert hub.tpl.state()["sent"]["2"]["ack"] == "A"
    assert await hub.outbound() == [name, "997_000000001.edi"]  # no acknowledgment of an acknowledgment
    assert hub.tpl.state()["inbound"][-1]["outcome"] == "processed"


async def test_isa14_asks_for_a_ta1_as_well(hub: Hub) -> None:
    text = hub.interchange("940", sales_order())
    assert text[99:102] == "*0*"
    text = text[:100] + "1" + text[101:]  # ISA14 = 1: acknowledgment requested
    await hub.send("940_SO0042.edi", text)
    assert await hub.wait_for("", count=2) == ["997_000000002.edi", "TA1_000000001.edi"]
    assert ack_segments(await hub.text("997_000000002.edi"))[-1] == ["AK9", "A", "1", "1", "1"]
    assert ta1(await hub.text("TA1_000000001.edi"))[4:] == ["A", "000"]


async def test_999_for_a_5010_partner(tmp_path: Path) -> None:
    config = make_config(tmp_path / "x", profile="lakeside-3pl", ack="999")
    async with TplEmulator(config) as tpl:
        sftp = Sftp("127.0.0.1", tpl.port, "hub", client_keys=[CLIENT_KEY], known_hosts=tpl.host_key_line)
        try:
            hub = Hub(sftp, tpl, "lakeside-3pl")
            await hub.send("940.edi", hub.interchange("940", sales_order()))
            (name,) = await hub.wait_for("999_")
            text = await hub.text(name)
            assert text.startswith("ISA|00|          |00|          |01|LAKESIDE       |ZZ|CROSSDOCK      |")
            doc = read(text, "strict")
            (ts,) = list(doc.sets())
            assert (ts.set_id, ts.implementation) == ("999", "005010X231A1")
            assert ts.segments[1:-1] == [
                ["AK1", "OW", "100", "005010"],
                ["AK2", "940", "0100"],
                ["IK5", "A"],
                ["AK9", "A", "1", "1", "1"],
            ]
            (shipment,) = tpl.advance(120)
            assert (await hub.document(shipment)).order_id == "SO0042"
        finally:
            await sftp.close()


async def test_a_file_without_an_interchange_is_rejected_unanswered(hub: Hub) -> None:
    await hub.send("notes.txt", "hello, this is not X12")
    await hub.wait_for_state(lambda s: s["inbound"])
    (entry,) = hub.tpl.state()["inbound"]
    assert (entry["outcome"], entry["errors"], entry["acks"]) == ("rejected", ["NO_ISA"], [])
    assert [f.name for f in await hub.sftp.list("inbound/rejected")] == ["notes.txt"]
    assert await hub.outbound() == []


async def test_the_profile_chooses_the_acknowledgment(tmp_path: Path) -> None:
    raw = yaml.safe_load((PROFILES_DIR / "lakeside-3pl.yaml").read_text())
    path = tmp_path / "lakeside-999.yaml"
    path.write_text(yaml.safe_dump({**raw, "acknowledgment": "999"}))
    tpl = TplEmulator(make_config(tmp_path / "a", profile=str(path)))
    assert tpl.ack_kind == "999"
    await tpl.stop()
    with pytest.raises(ValueError, match="a 999 needs a 5010 profile"):
        TplEmulator(make_config(tmp_path / "b", ack="999"))
