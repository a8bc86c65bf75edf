"""The 3PL's SFTP server: asyncssh on loopback, chrooted to the exchange folder, password and key auth.

The folder layout is created on start; the host key is pinned (loaded from, or created in, the state
folder) so the hub can check it like a real partner's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from ..http import check_loopback

FOLDERS = ("inbound", "inbound/processing", "inbound/processed", "inbound/rejected", "outbound")
HOST_KEY_FILE = "ssh_host_ed25519_key"


def make_layout(root: Path) -> None:
    for folder in FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)


def load_host_key(state_dir: Path | None) -> asyncssh.SSHKey:
    """The pinned key: kept in the state folder so the hub's pin survives a restart."""
    if state_dir is None:
        return asyncssh.generate_private_key("ssh-ed25519")
    path = state_dir / HOST_KEY_FILE
    if path.exists():
        return asyncssh.read_private_key(str(path))
    key = asyncssh.generate_private_key("ssh-ed25519")
    key.write_private_key(str(path))
    path.chmod(0o600)
    return key


@dataclass
class Users:
    """Who may log in: one user, with a password and/or authorized public keys."""

    username: str = "hub"
    password: str | None = None
    authorized_keys: list[asyncssh.SSHKey] = field(default_factory=list)

    @staticmethod
    def read_keys(path: Path) -> list[asyncssh.SSHKey]:
        return list(asyncssh.read_public_key_list(str(path)))


class _Server(asyncssh.SSHServer):
    def __init__(self, owner: TplSftpServer) -> None:
        self.owner = owner
        self.users = owner.users
        self.conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.owner.accepted += 1
        self.owner.connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        self.owner.connections.discard(self.conn)

    def begin_auth(self, username: str) -> bool:
        return True  # always authenticate, even an unknown user (no hint that the name exists)

    def password_auth_supported(self) -> bool:
        return self.users.password is not None

    def validate_password(self, username: str, password: str) -> bool:
        return username == self.users.username and password == self.users.password

    def public_key_auth_supported(self) -> bool:
        return bool(self.users.authorized_keys)

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        return username == self.users.username and any(
            key.public_data == k.public_data for k in self.users.authorized_keys
        )


class TplSftpServer:
    def __init__(self, root: Path, host_key: asyncssh.SSHKey, users: Users, host: str, port: int) -> None:
        check_loopback(host, "3PL emulator")
        self.root = root
        self.host_key = host_key
        self.users = users
        self.host = host
        self.port = port
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self.connections: set[asyncssh.SSHServerConnection] = set()  # open now
        self.accepted = 0  # connections accepted so far (shows whether a client reuses one)

    @property
    def host_key_line(self) -> str:
        """The public key line a hub pins (``host_key:`` in its transport configuration)."""
        return self.host_key.export_public_key().decode().strip()

    @property
    def fingerprint(self) -> str:
        return self.host_key.convert_to_public().get_fingerprint("sha256")

    async def start(self) -> None:
        make_layout(self.root)
        chroot = str(self.root).encode()
        self._acceptor = await asyncssh.listen(
            self.host,
            self.port,
            server_host_keys=[self.host_key],
            server_factory=lambda: _Server(self),
            sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=chroot),
            allow_scp=False,
            reuse_address=True,
        )
        self.port = self._acceptor.get_port()

    async def stop(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
            self._acceptor = None
        # closing the listener leaves sessions open: drop them too, so a stopped partner is down
        for conn in list(self.connections):
            conn.close()
            await conn.wait_closed()
        self.connections.clear()
