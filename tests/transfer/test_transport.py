"""Both transports behave the same; SFTP auth, host keys and outages give clear, classified errors."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncssh
import pytest

from crossdock.connectors.transfer.transport import (
    AlreadyExists,
    AuthenticationRefused,
    HostKeyRejected,
    LocalDirectory,
    PartnerUnavailable,
    PathMissing,
    Sftp,
    SftpSettings,
    atomic_write,
    open_transport,
)

from .conftest import start_sftp_server
from .samples import PASSWORD, USER


@pytest.fixture(params=["local", "sftp"])
async def transport(request, tmp_path: Path, host_key_line: str):
    if request.param == "local":
        root = tmp_path / "local"
        root.mkdir()
        yield LocalDirectory(root), root
        return
    root = tmp_path / "partner"
    root.mkdir()
    server = await start_sftp_server(root)
    client = Sftp("127.0.0.1", server.port, USER, password=PASSWORD, known_hosts=host_key_line, timeout=5)
    yield client, root
    await client.close()
    await server.stop()


async def test_list_read_write_move_delete(transport):
    t, root = transport
    await t.ensure_folder("out/archive")
    await t.write("out/A.edi", b"first")
    await t.write("out/B.csv", b"second")
    (root / "out" / ".C.edi.abc.part").write_bytes(b"in flight")  # someone else's upload in progress
    listed = sorted((f.name, f.size) for f in await t.list("out"))
    assert listed == [("A.edi", 5), ("B.csv", 6)]  # the sub-folder and the temp file are not listed
    assert await t.read("out/A.edi") == b"first"

    await t.move("out/A.edi", "out/archive/A.edi")
    assert (root / "out" / "archive" / "A.edi").read_bytes() == b"first"
    assert not await t.exists("out/A.edi")

    await t.write("out/A.edi", b"again")
    with pytest.raises(AlreadyExists):
        await t.move("out/A.edi", "out/archive/A.edi")
    await t.move("out/A.edi", "out/archive/A.edi", overwrite=True)
    assert (root / "out" / "archive" / "A.edi").read_bytes() == b"again"

    await t.delete("out/B.csv")
    assert sorted(p.name for p in (root / "out").iterdir()) == [".C.edi.abc.part", "archive"]


async def test_missing_paths_are_not_retryable(transport):
    t, _ = transport
    with pytest.raises(PathMissing) as missing:
        await t.read("nowhere/X.edi")
    assert missing.value.retryable is False
    assert "nowhere/X.edi does not exist" in str(missing.value)
    with pytest.raises(PathMissing):
        await t.list("nowhere")
    with pytest.raises(PathMissing):
        await t.move("nowhere/X.edi", "Y.edi")


async def test_paths_cannot_escape_the_root(tmp_path: Path):
    root = tmp_path / "root"
    root.mkdir()
    t = LocalDirectory(root)
    await t.write("../../escape.txt", b"x")
    assert (root / "escape.txt").read_bytes() == b"x"
    assert not (tmp_path / "escape.txt").exists()


async def test_upload_is_atomic_for_a_concurrent_reader(transport):
    """A reader polling the folder during the upload sees no file or the whole file, never a part."""
    t, root = transport
    await t.ensure_folder("in")
    content = bytes(range(256)) * 8192  # 2 MiB: many SFTP write requests
    seen: list[int] = []
    done = asyncio.Event()

    async def reader() -> None:
        while not done.is_set():
            final = root / "in" / "BIG.edi"
            if final.exists():
                seen.append(len(final.read_bytes()))
            await asyncio.sleep(0)

    watcher = asyncio.create_task(reader())
    await t.write("in/BIG.edi", content)
    await asyncio.sleep(0.01)
    done.set()
    await watcher
    assert seen and set(seen) == {len(content)}
    assert (root / "in" / "BIG.edi").read_bytes() == content
    assert [p.name for p in (root / "in").iterdir()] == ["BIG.edi"]  # no temporary name left behind


async def test_key_auth_and_connection_reuse(sftp_server, client_key_path: Path, host_key_line: str):
    settings = SftpSettings(
        host="127.0.0.1",
        port=sftp_server.port,
        username=USER,
        key_path=client_key_path,
        host_key=host_key_line,
        connect_timeout=3,
    )
    t = open_transport(settings)
    assert isinstance(t, Sftp)
    try:
        await t.write("X.edi", b"by key")
        assert await t.read("X.edi") == b"by key"
        assert [f.name for f in await t.list("")] == ["X.edi"]
        assert t.connections == 1  # one connection for all three operations
        assert sftp_server.accepted == 1
    finally:
        await t.close()


async def test_wrong_password_is_refused_clearly(sftp_server, host_key_line: str):
    t = Sftp("127.0.0.1", sftp_server.port, USER, password="wrong", known_hosts=host_key_line)
    with pytest.raises(AuthenticationRefused) as refused:
        await t.list("")
    assert refused.value.retryable is False
    assert str(refused.value) == (
        f"sftp://{USER}@127.0.0.1:{sftp_server.port}: the server refused user 'harbor' (password);"
        " check the username, password or key - retrying will not help"
    )


async def test_unknown_host_key_is_rejected(sftp_server):
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    t = Sftp("127.0.0.1", sftp_server.port, USER, password=PASSWORD, known_hosts=other)
    with pytest.raises(HostKeyRejected) as rejected:
        await t.list("")
    assert rejected.value.retryable is False
    assert "host key is not trusted" in str(rejected.value)


async def test_partner_down_is_retryable_and_reconnects(sftp_server, sftp):
    await sftp.write("A.edi", b"1")
    await sftp_server.stop()
    with pytest.raises(PartnerUnavailable) as down:
        await sftp.read("A.edi")
    assert down.value.retryable is True
    with pytest.raises(PartnerUnavailable) as refused:
        await sftp.read("A.edi")  # reconnecting fails too: nothing listens
    assert "cannot connect" in str(refused.value)
    await sftp_server.start()
    assert await sftp.read("A.edi") == b"1"
    assert sftp.connections == 2


def test_settings_require_credentials_and_host_key_checking():
    with pytest.raises(ValueError, match="give a password or a key_path"):
        SftpSettings(host="127.0.0.1", username="u", host_key="ssh-ed25519 AAAA")
    with pytest.raises(ValueError, match="give host_key or known_hosts"):
        SftpSettings(host="127.0.0.1", username="u", password="p")
    assert SftpSettings(host="127.0.0.1", username="u", password="p", check_host_key=False).port == 22


def test_an_unreadable_key_is_a_configuration_error(tmp_path: Path, host_key_line: str):
    settings = SftpSettings(
        host="127.0.0.1", username=USER, key_path=tmp_path / "missing_key", host_key=host_key_line
    )
    with pytest.raises(ValueError, match=r"cannot read the SFTP key .*missing_key"):
        open_transport(settings)
    (tmp_path / "garbage_key").write_text("not a key")
    with pytest.raises(ValueError, match=r"cannot read the SFTP key .*garbage_key"):
        open_transport(settings.model_copy(update={"key_path": tmp_path / "garbage_key"}))


def test_atomic_write_replaces_whole_and_leaves_no_temporary(tmp_path: Path):
    target = tmp_path / "state.json"
    atomic_write(target, "old")
    atomic_write(target, b"new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
    with pytest.raises(TypeError):
        atomic_write(target, 42)  # type: ignore[arg-type]  # fails mid-write: old content stays
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
