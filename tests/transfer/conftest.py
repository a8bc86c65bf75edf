"""Fixtures for the file-transfer tests: keys, a live SFTP server, a SQLite store."""

from __future__ import annotations

from pathlib import Path

import asyncssh
import pytest

from crossdock.connectors.transfer.transport import Sftp
from crossdock.sim.tpl.sftp import TplSftpServer, Users

from .samples import PASSWORD, USER

# Key generation is the slow part of an SSH test: make the keys once per session.
HOST_KEY = asyncssh.generate_private_key("ssh-ed25519")
CLIENT_KEY = asyncssh.generate_private_key("ssh-ed25519")


@pytest.fixture
def host_key() -> asyncssh.SSHKey:
    return HOST_KEY


@pytest.fixture
def client_key_path(tmp_path: Path) -> Path:
    path = tmp_path / "id_ed25519"
    CLIENT_KEY.write_private_key(str(path))
    path.chmod(0o600)
    return path


@pytest.fixture
def host_key_line() -> str:
    return HOST_KEY.export_public_key().decode().strip()


async def start_sftp_server(root: Path) -> TplSftpServer:
    """The 3PL emulator's SFTP server, one user accepted by password or by CLIENT_KEY."""
    users = Users(USER, PASSWORD, [CLIENT_KEY.convert_to_public()])
    server = TplSftpServer(root, HOST_KEY, users, "127.0.0.1", 0)
    await server.start()
    return server


@pytest.fixture
async def sftp_server(tmp_path: Path):
    root = tmp_path / "partner"
    root.mkdir()
    server = await start_sftp_server(root)
    yield server
    await server.stop()


@pytest.fixture
async def sftp(sftp_server: TplSftpServer, host_key_line: str):
    """A password-authenticated client pinned to the test server's host key."""
    client = Sftp(
        "127.0.0.1",
        sftp_server.port,
        USER,
        password=PASSWORD,
        known_hosts=host_key_line,
        connect_timeout=3,
        timeout=5,
    )
    yield client
    await client.close()


@pytest.fixture
def store(tmp_path: Path):
    from crossdock.core.store import open_store

    opened = open_store(f"sqlite:///{tmp_path / 'crossdock.db'}")
    yield opened
    opened.engine.dispose()
