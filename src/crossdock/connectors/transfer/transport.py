"""Where a partner's files live: a watched local folder or an SFTP server, behind one interface.

Paths are relative, '/'-separated, under the transport's root. `write` is atomic: the bytes go
to a hidden temporary name in the same folder and are renamed into place, so a partner (or our
own listing) never sees half a file. Every failure becomes a `TransferError` that says whether
trying again can help: a partner that is down is worth retrying; refused credentials are not.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import posixpath
import stat
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol, TypeVar

import asyncssh
from pydantic import BaseModel, ConfigDict, Field, model_validator

T = TypeVar("T")
TEMP_PREFIX = "."
TEMP_SUFFIX = ".part"


class TransferError(Exception):
    """A file operation failed. `retryable`: whether the same call may succeed later."""

    retryable = True
    kind = "transfer_failed"
    attempts = 1  # set by with_retries: how many tries it took to give up

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


class PartnerUnavailable(TransferError):
    """The partner's server cannot be reached or dropped the connection: retry later."""

    kind = "partner_unavailable"


class AuthenticationRefused(TransferError):
    """The server refused our credentials: fix the username / password / key, retrying will not help."""

    retryable = False
    kind = "auth_refused"


class HostKeyRejected(TransferError):
    """The server's host key is not the one we trust: possibly a different server; do not retry."""

    retryable = False
    kind = "host_key_rejected"


class PathMissing(TransferError):
    """The file or folder does not exist (or vanished: another worker took it)."""

    retryable = False
    kind = "path_missing"


class AccessDenied(TransferError):
    """The server refuses this operation on this path (permissions): retrying will not help."""

    retryable = False
    kind = "access_denied"


class AlreadyExists(TransferError):
    retryable = False
    kind = "already_exists"


def is_temporary(name: str) -> bool:
    """Names we never pick up: our own in-flight uploads and other hidden files."""
    return name.startswith(TEMP_PREFIX) or name.endswith(TEMP_SUFFIX)


def temporary_name(path: str) -> str:
    folder, name = posixpath.split(path)
    return posixpath.join(folder, f"{TEMP_PREFIX}{name}.{uuid.uuid4().hex[:12]}{TEMP_SUFFIX}")


def atomic_write(path: Path, data: bytes | str, fsync: bool = True) -> None:
    """Write a local file so a crash leaves the old content or the new, never half of either.

    The temporary name is one readers skip (`is_temporary`); fsync before the rename makes the new
    content durable before it becomes visible.
    """
    temporary = path.parent / posixpath.basename(temporary_name(path.name))
    try:
        with open(temporary, "wb") as handle:
            handle.write(data.encode() if isinstance(data, str) else data)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@dataclass(frozen=True)
class RemoteFile:
    name: str
    size: int
    mtime: float


class Transport(Protocol):
    description: str

    async def list(self, folder: str) -> list[RemoteFile]:
        """Regular files directly in `folder` (not sub-folders), temporary names excluded."""
        ...

    async def read(self, path: str) -> bytes: ...

    async def write(self, path: str, data: bytes) -> None:
        """Atomically: a reader sees either no file or the whole file."""
        ...

    async def move(self, source: str, target: str, overwrite: bool = False) -> None: ...

    async def delete(self, path: str) -> None: ...

    async def exists(self, path: str) -> bool: ...

    async def ensure_folder(self, folder: str) -> None: ...

    async def close(self) -> None: ...


def _clean(path: str) -> str:
    cleaned = posixpath.normpath("/" + path.strip("/")).lstrip("/")
    return "" if cleaned == "." else cleaned


# ---- local folder ----------------------------------------------------------------------------


class LocalDirectory:
    """A watched local folder (a mounted share, a folder another tool drops files into)."""

    def __init__(self, root: Path, fsync: bool = True):
        self.root = Path(root)
        self.fsync = fsync
        self.description = f"file://{self.root}"

    def _path(self, path: str) -> Path:
        return self.root / _clean(path)  # _clean keeps '..' from leaving the root

    async def _run(self, what: str, path: str, call: Callable[[], T]) -> T:
        try:
            return await asyncio.to_thread(call)
        except FileNotFoundError:
            raise PathMissing(f"{what}: {self.description}/{_clean(path)} does not exist", path) from None
        except FileExistsError:
            raise AlreadyExists(f"{what}: {self.description}/{_clean(path)} already exists", path) from None
        except PermissionError as exc:
            raise AccessDenied(f"{what}: permission denied on {exc.filename}", path) from None
        except OSError as exc:
            raise TransferError(f"{what} {self.description}/{_clean(path)} failed: {exc}", path) from None

    async def list(self, folder: str) -> list[RemoteFile]:
        def scan() -> list[RemoteFile]:
            found = []
            with os.scandir(self._path(folder)) as entries:
                for entry in entries:
                    if entry.is_file(follow_symlinks=False) and not is_temporary(entry.name):
                        info = entry.stat(follow_symlinks=False)
                        found.append(RemoteFile(entry.name, info.st_size, info.st_mtime))
            return found

        return await self._run("list", folder, scan)

    async def read(self, path: str) -> bytes:
        return await self._run("read", path, self._path(path).read_bytes)

    async def write(self, path: str, data: bytes) -> None:
        target = self._path(path)

        def put() -> None:
            atomic_write(target, data, self.fsync)

        await self._run("write", path, put)

    async def move(self, source: str, target: str, overwrite: bool = False) -> None:
        src, dst = self._path(source), self._path(target)

        def rename() -> None:
            if overwrite:
                os.replace(src, dst)
            else:
                # link + unlink refuses an existing target atomically (os.rename would overwrite it)
                try:
                    os.link(src, dst)
                except OSError as exc:
                    if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
                        raise
                    # a share without hard links: check, then rename (a small race, same folder owner)
                    if dst.exists():
                        raise FileExistsError(errno.EEXIST, "exists", str(dst)) from None
                    os.rename(src, dst)
                    return
                os.unlink(src)

        await self._run("move", f"{source} -> {target}", rename)

    async def delete(self, path: str) -> None:
        await self._run("delete", path, self._path(path).unlink)

    async def exists(self, path: str) -> bool:
        return await self._run("exists", path, self._path(path).exists)

    async def ensure_folder(self, folder: str) -> None:
        await self._run("mkdir", folder, lambda: self._path(folder).mkdir(parents=True, exist_ok=True))

    async def close(self) -> None:
        return None


# ---- SFTP ------------------------------------------------------------------------------------


class Sftp:
    """An SFTP client that keeps one connection open and reconnects after the partner drops it."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        *,
        password: str | None = None,
        client_keys: list[Any] | None = None,
        known_hosts: Any = (),
        root: str = "",
        connect_timeout: float = 10.0,
        timeout: float = 30.0,
    ):
        """known_hosts: a known_hosts file path, a pinned public key (str or SSHKey), or None to skip
        checking (loopback tests only). The default, (), means the user's ~/.ssh/known_hosts."""
        self.host, self.port, self.username = host, port, username
        self.password = password
        self.client_keys = client_keys
        self.known_hosts = _known_hosts(known_hosts)
        self.root = root.rstrip("/")
        self.connect_timeout = connect_timeout
        self.timeout = timeout
        self.description = (
            f"sftp://{username}@{host}:{port}{'/' + self.root.lstrip('/') if self.root else ''}"
        )
        self.connections = 0  # how many times we connected: reuse keeps this at 1
        self._conn: asyncssh.SSHClientConnection | None = None
        self._sftp: asyncssh.SFTPClient | None = None
        self._lock = asyncio.Lock()

    def _path(self, path: str) -> str:
        cleaned = _clean(path)
        if not self.root:
            return cleaned or "."
        return posixpath.join(self.root, cleaned) if cleaned else self.root

    async def _client(self) -> asyncssh.SFTPClient:
        async with self._lock:
            if self._sftp is not None:
                return self._sftp
            options: dict[str, Any] = {
                "username": self.username,
                "known_hosts": self.known_hosts,
                "connect_timeout": self.connect_timeout,
                "client_keys": self.client_keys,
                "config": [],  # only what crossdock's settings say, never the host's ~/.ssh/config
            }
            if self.password is not None:
                options["password"] = self.password
            options["agent_path"] = None  # only the credentials configured, never the caller's SSH agent
            try:
                conn = await asyncssh.connect(self.host, self.port, **options)
            except asyncssh.PermissionDenied:
                how = " and ".join(
                    what for what, given in (("password", self.password), ("key", self.client_keys)) if given
                )
                raise AuthenticationRefused(
                    f"{self.description}: the server refused user {self.username!r} ({how or 'no credentials'});"
                    " check the username, password or key - retrying will not help"
                ) from None
            except asyncssh.HostKeyNotVerifiable as exc:
                raise HostKeyRejected(
                    f"{self.description}: the server's host key is not trusted ({exc.reason});"
                    " check the pinned host_key / known_hosts before connecting again"
                ) from None
            except (TimeoutError, OSError, asyncssh.Error) as exc:
                raise PartnerUnavailable(f"{self.description}: cannot connect: {_reason(exc)}") from None
            try:
                self._sftp = await asyncio.wait_for(conn.start_sftp_client(), self.timeout)
            except (TimeoutError, OSError, asyncssh.Error) as exc:
                conn.close()
                raise PartnerUnavailable(f"{self.description}: no SFTP service: {_reason(exc)}") from None
            self._conn = conn
            self.connections += 1
            return self._sftp

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = self._sftp = None

    async def _call(self, what: str, path: str, call: Callable[[asyncssh.SFTPClient], Awaitable[T]]) -> T:
        sftp = await self._client()
        where = f"{self.description}/{_clean(path)}"
        try:
            return await asyncio.wait_for(call(sftp), self.timeout)
        except asyncssh.SFTPNoSuchFile:
            raise PathMissing(f"{what}: {where} does not exist", path) from None
        except asyncssh.SFTPPermissionDenied as exc:
            raise AccessDenied(f"{what}: {where}: permission denied ({exc.reason})", path) from None
        except asyncssh.SFTPFileAlreadyExists:
            raise AlreadyExists(f"{what}: {where} already exists", path) from None
        except asyncssh.SFTPError as exc:
            if exc.code in (asyncssh.FX_CONNECTION_LOST, asyncssh.FX_NO_CONNECTION):
                self._drop()
                raise PartnerUnavailable(f"{what}: {where}: connection lost", path) from None
            raise TransferError(f"{what}: {where} failed: {exc.reason}", path) from None
        except (TimeoutError, OSError, asyncssh.Error) as exc:
            self._drop()  # the connection is in an unknown state: the next call reconnects
            raise PartnerUnavailable(f"{what}: {where}: {_reason(exc)}", path) from None

    async def list(self, folder: str) -> list[RemoteFile]:
        names = await self._call("list", folder, lambda s: s.readdir(self._path(folder)))
        found = []
        for entry in names:
            name = entry.filename if isinstance(entry.filename, str) else entry.filename.decode()
            mode = entry.attrs.permissions
            if name in (".", "..") or is_temporary(name) or mode is None or not stat.S_ISREG(mode):
                continue
            found.append(RemoteFile(name, entry.attrs.size or 0, float(entry.attrs.mtime or 0)))
        return found

    async def read(self, path: str) -> bytes:
        async def get(sftp: asyncssh.SFTPClient) -> bytes:
            async with sftp.open(self._path(path), "rb") as handle:
                return await handle.read()

        return await self._call("read", path, get)

    async def write(self, path: str, data: bytes) -> None:
        temporary = self._path(temporary_name(_clean(path)))

        async def put(sftp: asyncssh.SFTPClient) -> None:
            try:
                async with sftp.open(temporary, "wb") as handle:
                    await handle.write(data)
                await _rename(sftp, temporary, self._path(path), overwrite=True)
            except (asyncssh.Error, OSError):
                # best effort: a stray temporary file is hidden from listings anyway
                with contextlib.suppress(asyncssh.Error, OSError):
                    await sftp.remove(temporary)
                raise

        await self._call("write", path, put)

    async def move(self, source: str, target: str, overwrite: bool = False) -> None:
        async def rename(sftp: asyncssh.SFTPClient) -> None:
            await _rename(sftp, self._path(source), self._path(target), overwrite)

        await self._call("move", f"{source} -> {target}", rename)

    async def delete(self, path: str) -> None:
        await self._call("delete", path, lambda s: s.remove(self._path(path)))

    async def exists(self, path: str) -> bool:
        return await self._call("exists", path, lambda s: s.exists(self._path(path)))

    async def ensure_folder(self, folder: str) -> None:
        await self._call("mkdir", folder, lambda s: s.makedirs(self._path(folder), exist_ok=True))

    async def close(self) -> None:
        if self._conn is not None:
            conn = self._conn
            self._drop()
            await conn.wait_closed()


async def _rename(sftp: asyncssh.SFTPClient, source: str, target: str, overwrite: bool) -> None:
    if overwrite:
        try:
            await sftp.posix_rename(source, target)  # atomic replace (OpenSSH extension, widely supported)
            return
        except asyncssh.SFTPOpUnsupported:
            # a server without posix-rename: plain rename, after clearing the target (the sink
            # only writes names that are not there, so the gap between the two is harmless)
            if await sftp.exists(target):
                await sftp.remove(target)
            await sftp.rename(source, target)
            return
    # SFTP v3 rename refuses an existing target on OpenSSH, but not on every server: check first
    if await sftp.exists(target):
        raise asyncssh.SFTPFileAlreadyExists(f"{target} already exists")
    await sftp.rename(source, target)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    text = getattr(exc, "reason", None) or str(exc) or type(exc).__name__
    return str(text)


def _known_hosts(value: Any) -> Any:
    if value == ():
        return ()
    if value is None:
        return None
    if isinstance(value, asyncssh.SSHKey):
        return ([value], [], [])
    text = str(value).strip()
    if text.startswith(("ssh-", "ecdsa-", "sk-")):  # a pinned public key, as in a .pub file
        return ([asyncssh.import_public_key(text)], [], [])
    return text  # a known_hosts file


# ---- settings (shared by the source and the sink) --------------------------------------------


class LocalSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["local"] = "local"
    path: Path
    fsync: bool = True


class SftpSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["sftp"] = "sftp"
    host: str
    port: int = Field(default=22, ge=1, le=65535)
    username: str
    password: str | None = None
    key_path: Path | None = Field(default=None, description="private key file (OpenSSH or PEM)")
    key_passphrase: str | None = None
    host_key: str | None = Field(default=None, description="pinned server public key: 'ssh-ed25519 AAAA...'")
    known_hosts: Path | None = Field(default=None, description="an OpenSSH known_hosts file")
    check_host_key: bool = Field(default=True, description="false only for throwaway test servers")
    root: str = Field(default="", description="folder all paths are relative to; '' = the login folder")
    connect_timeout: float = Field(default=10.0, gt=0)
    timeout: float = Field(default=30.0, gt=0, description="seconds per file operation")

    @model_validator(mode="after")
    def _credentials(self) -> SftpSettings:
        if self.password is None and self.key_path is None:
            raise ValueError("give a password or a key_path")
        if self.check_host_key and self.host_key is None and self.known_hosts is None:
            raise ValueError("give host_key or known_hosts (or check_host_key: false for a test server)")
        return self


TransportSettings = Annotated[LocalSettings | SftpSettings, Field(discriminator="kind")]


def open_transport(settings: LocalSettings | SftpSettings) -> Transport:
    if isinstance(settings, LocalSettings):
        return LocalDirectory(settings.path, settings.fsync)
    known: Any = None
    if settings.check_host_key:
        known = settings.host_key if settings.host_key else str(settings.known_hosts)
    keys = None
    if settings.key_path is not None:
        # read the key now: a missing or unreadable key is a configuration error, not an outage
        try:
            keys = [asyncssh.read_private_key(settings.key_path, settings.key_passphrase)]
        except (OSError, asyncssh.KeyImportError, asyncssh.KeyEncryptionError) as exc:
            raise ValueError(f"cannot read the SFTP key {settings.key_path}: {_reason(exc)}") from None
    return Sftp(
        settings.host,
        settings.port,
        settings.username,
        password=settings.password,
        client_keys=keys,
        known_hosts=known,
        root=settings.root,
        connect_timeout=settings.connect_timeout,
        timeout=settings.timeout,
    )
