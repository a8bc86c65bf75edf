"""A real SFTP server for the tests: asyncssh on 127.0.0.1, chrooted to a temporary folder.

One user, accepted with a password or with an authorized key. `stop()` closes the listener and
every open connection (the partner goes down); `start()` again listens on the same port.
"""

from __future__ import annotations

from pathlib import Path

import asyncssh

USER = "harbor"
PASSWORD = "correct-horse-battery"


class _Server(asyncssh.SSHServer):
    def __init__(self, owner: SftpTestServer):
        self.owner = owner

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.owner.open_connections.add(conn)
        self.owner.accepted += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self.owner.open_connections = {c for c in self.owner.open_connections if not c.is_closed()}

    def begin_auth(self, username: str) -> bool:
        return True  # every user must authenticate

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == USER and password == PASSWORD

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        return username == USER and key.public_data == self.owner.client_key.public_data


class SftpTestServer:
    def __init__(self, root: Path, host_key: asyncssh.SSHKey, client_key: asyncssh.SSHKey):
        self.root = root
        self.host_key = host_key
        self.client_key = client_key.convert_to_public()
        self.port = 0
        self.accepted = 0
        self.open_connections: set[asyncssh.SSHServerConnection] = set()
        self._acceptor: asyncssh.SSHAcceptor | None = None

    async def start(self) -> SftpTestServer:
        root = str(self.root).encode()
        self._acceptor = await asyncssh.listen(
            "127.0.0.1",
            self.port,
            server_host_keys=[self.host_key],
            server_factory=lambda: _Server(self),
            sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=root),
            allow_scp=False,
            reuse_address=True,
        )
        self.port = self._acceptor.get_port()
        return self

    async def stop(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
            self._acceptor = None
        for conn in list(self.open_connections):
            conn.close()
            await conn.wait_closed()
        self.open_connections.clear()
