"""Fixtures: a running 3PL emulator on loopback and a hub that talks to it the way crossdock does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncssh
import pytest

from crossdock.connectors.transfer.transport import Sftp
from crossdock.sim.tpl import TplConfig, TplEmulator
from crossdock.sim.wms import WmsConfig

from .hub import Hub

PASSWORD = "dock-door-7"
# key generation is the slow part of SSH tests: once per session
CLIENT_KEY = asyncssh.generate_private_key("ssh-ed25519")


def quiet_wms(**overrides: object) -> WmsConfig:
    """A warehouse without random faults: every test switches on exactly what it checks."""
    return WmsConfig.undisturbed(**{"seed": 7, **overrides})


def make_config(root: Path, **overrides: object) -> TplConfig:
    knobs: dict[str, object] = {
        "root": root,
        "password": PASSWORD,
        "authorized_keys": [CLIENT_KEY.convert_to_public()],
        "wms": quiet_wms(),
        "poll_interval": 0.02,
    }
    knobs.update(overrides)
    return TplConfig(**knobs)  # type: ignore[arg-type]


@pytest.fixture
async def tpl(tmp_path: Path) -> AsyncIterator[TplEmulator]:
    emulator = await TplEmulator(make_config(tmp_path / "exchange")).start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def hub(tpl: TplEmulator) -> AsyncIterator[Hub]:
    """The hub's side: crossdock's own SFTP transport, key auth, pinned to the emulator's host key."""
    sftp = Sftp(
        "127.0.0.1",
        tpl.port,
        "hub",
        client_keys=[CLIENT_KEY],
        known_hosts=tpl.host_key_line,
        connect_timeout=3,
        timeout=5,
    )
    yield Hub(sftp, tpl)
    await sftp.close()
