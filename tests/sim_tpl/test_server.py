"""The SFTP face: authentication, pinned host key, layout; persistence across restarts; the CLI."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import asyncssh
import httpx
import pytest

from crossdock.connectors.transfer.transport import AuthenticationRefused, HostKeyRejected, Sftp
from crossdock.sim.tpl import TplEmulator

from .conftest import CLIENT_KEY, PASSWORD, make_config
from .hub import Hub, sales_order


async def test_password_login_sees_the_folder_layout(tpl: TplEmulator) -> None:
    sftp = Sftp("127.0.0.1", tpl.port, "hub", password=PASSWORD, known_hosts=tpl.host_key_line)
    try:
        assert await sftp.list("") == []  # only folders at the top
        for folder in ("inbound", "inbound/processed", "inbound/rejected", "outbound"):
            assert await sftp.exists(folder)
    finally:
        await sftp.close()


@pytest.mark.parametrize(
    ("user", "password", "keys"),
    [("hub", "wrong", None), ("root", PASSWORD, None), ("hub", None, "other")],
)
async def test_bad_credentials_are_refused(tpl: TplEmulator, user: str, password: str, keys: str) -> None:
    client_keys = [asyncssh.generate_private_key("ssh-ed25519")] if keys else None
    sftp = Sftp(
        "127.0.0.1",
        tpl.port,
        user,
        password=password,
        client_keys=client_keys,
        known_hosts=tpl.host_key_line,
        connect_timeout=3,
    )
    with pytest.raises(AuthenticationRefused):
        await sftp.list("outbound")
    await sftp.close()


async def test_the_host_key_is_pinned(tpl: TplEmulator) -> None:
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    sftp = Sftp("127.0.0.1", tpl.port, "hub", client_keys=[CLIENT_KEY], known_hosts=other, connect_timeout=3)
    with pytest.raises(HostKeyRejected):
        await sftp.list("outbound")
    await sftp.close()


def test_only_loopback(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="only binds loopback"):
        TplEmulator(make_config(tmp_path, host="0.0.0.0"))


async def test_state_and_control_numbers_survive_a_restart(tmp_path: Path) -> None:
    config = make_config(tmp_path / "x", state_dir=tmp_path / "state")
    async with TplEmulator(config) as tpl:
        key_line = tpl.host_key_line
        sftp = Sftp("127.0.0.1", tpl.port, "hub", client_keys=[CLIENT_KEY], known_hosts=key_line)
        hub = Hub(sftp, tpl)
        await hub.send("940_SO0042.edi", hub.interchange("940", sales_order()))
        await hub.wait_for("997_")
        assert tpl.advance(120) == ["945_SO0042_000000002.edi"]
        await sftp.close()
    async with TplEmulator(config) as tpl:
        assert tpl.host_key_line == key_line  # the hub's pin still holds
        state = tpl.state()
        assert state["now"] == "2027-01-04T10:00:00Z"
        assert state["orders"] == {"SO0042": "SHIPPED"}
        assert state["control_numbers"] == {"isa": 2, "gs": 2, "st": 2}
        sftp = Sftp("127.0.0.1", tpl.port, "hub", client_keys=[CLIENT_KEY], known_hosts=key_line)
        hub = Hub(sftp, tpl)
        hub.numbers.next("tpl", "isa")  # the hub's own numbers continue too
        await hub.send(
            "940_SO0043.edi", hub.interchange("940", sales_order("SO0043", [("1", "SKU00001", "3")]))
        )
        await hub.wait_for("997_", count=2)
        assert tpl.advance(120) == ["945_SO0043_000000004.edi"]
        names = await hub.outbound()
        await sftp.close()
    assert names == [
        "945_SO0042_000000002.edi",
        "945_SO0043_000000004.edi",
        "997_000000001.edi",
        "997_000000003.edi",
    ]
    isa13 = [(tmp_path / "x" / "outbound" / n).read_text()[90:99] for n in names]
    assert sorted(isa13) == ["000000001", "000000002", "000000003", "000000004"]


async def test_cli_serves_and_prints_the_host_key(tmp_path: Path) -> None:
    key_file = tmp_path / "hub.pub"
    CLIENT_KEY.write_public_key(str(key_file))
    code = "from crossdock.sim.tpl.cli import app; app()"
    args = [
        "--port",
        "0",
        "--control-port",
        "0",
        "--root",
        str(tmp_path / "x"),
        "--authorized-key",
        str(key_file),
    ]
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines: dict[str, str] = {}
        while "interchange" not in lines:
            line = await asyncio.to_thread(proc.stdout.readline)  # type: ignore[union-attr]
            assert line, f"the CLI stopped: {lines}"
            head, _, rest = line.strip().partition(": ")
            lines[head] = rest
        banner = next(k for k in lines if k.startswith("3PL emulator"))
        port = int(re.search(r"sftp://127\.0\.0\.1:(\d+)", banner).group(1))  # type: ignore[union-attr]
        assert lines["user"] == "hub  auth: 1 key(s)"
        assert lines["interchange"] == "3PL GENERIC3PL -> hub CROSSDOCK"
        sftp = Sftp(
            "127.0.0.1",
            port,
            "hub",
            client_keys=[CLIENT_KEY],
            known_hosts=lines["host key"],
            connect_timeout=3,
        )
        assert await sftp.list("outbound") == []
        await sftp.close()
        control = re.match(r"(http://127\.0\.0\.1:\d+)/tpl/state \(Bearer (\S+)\)", lines["control API"])
        assert control is not None
        url, token = control.groups()
        auth = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=url, timeout=5) as http:
            assert (await http.get("/tpl/state")).status_code == 401
            answer = (await http.post("/tpl/advance", json={"minutes": 960}, headers=auth)).json()
            assert answer["now"] == "2027-01-05T00:00:00Z"
            assert answer["files"] == ["846_SNAP-000001_000000001.edi"]
            assert (await http.post("/tpl/faults", json={"duplicate": 2}, headers=auth)).json()[
                "duplicate"
            ] == 2
            assert (await http.get("/_sim/faults", headers=auth)).status_code == 200  # the warehouse behind
            assert (await http.post("/tpl/faults", json={"bogus": 1}, headers=auth)).status_code == 400
        assert (tmp_path / "x" / "outbound" / "846_SNAP-000001_000000001.edi").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_cli_needs_a_way_to_log_in(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from crossdock.sim.tpl.cli import app

    result = CliRunner().invoke(app, ["--root", str(tmp_path)])
    assert result.exit_code == 2
    assert "give --password and/or --authorized-key" in result.output


async def test_a_files_control_numbers_are_saved_before_it_is_published(tmp_path: Path) -> None:
    config = make_config(tmp_path / "x", state_dir=tmp_path / "state")
    async with TplEmulator(config) as tpl:
        published: list[tuple[str, int]] = []
        publish = tpl._publish

        def checking_publish(name: str, text: str) -> None:
            saved = json.loads((tmp_path / "state" / "tpl-state.json").read_text())
            published.append((text[90:99], saved["control"]["isa"]))  # ISA13, last ISA saved
            publish(name, text)

        tpl._publish = checking_publish  # type: ignore[method-assign]
        sftp = Sftp("127.0.0.1", tpl.port, "hub", client_keys=[CLIENT_KEY], known_hosts=tpl.host_key_line)
        hub = Hub(sftp, tpl)
        await hub.send("940_SO0042.edi", hub.interchange("940", sales_order()))
        await hub.wait_for("997_")
        assert tpl.advance(120) == ["945_SO0042_000000002.edi"]
        await sftp.close()
    assert published == [("000000001", 1), ("000000002", 2)]  # the 997, then the 945
