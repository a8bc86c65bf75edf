"""The source's file lifecycle: inbox -> processing -> archive | error, crash recovery, duplicates."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

import pytest

from crossdock.config import parse_config
from crossdock.connectors.transfer.source import FileTransferSource, FileTransferSourceOptions
from crossdock.connectors.transfer.transport import Sftp, TransferError
from crossdock.core.runtime import Runtime

from .samples import PASSWORD, USER, interchange_945


def local_source(root: Path, **options) -> FileTransferSource:
    settings = {"partner": "harbor", "transport": {"kind": "local", "path": str(root)}, "poll_interval": 0}
    return FileTransferSource(
        "harbor-files", "harbor", FileTransferSourceOptions.model_validate(settings | options)
    )


def drop(root: Path, name: str, content: str | bytes, mtime: int | None = None) -> Path:
    path = root / "outbound" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def tree(root: Path) -> dict[str, list[str]]:
    folder = root / "outbound"
    return {
        sub or "inbox": sorted(p.name for p in (folder / sub).iterdir() if p.is_file())
        for sub in ("", "processing", "archive", "error")
    }


async def test_inbox_processing_archive(tmp_path: Path):
    first, second = (
        interchange_945("HARBOR3PL", "000000001"),
        interchange_945("HARBOR3PL", "000000002", "SO0043"),
    )
    drop(tmp_path, "B.edi", second, mtime=2_000_000_000)
    drop(tmp_path, "A.edi", first, mtime=1_900_000_000)
    drop(tmp_path, "notes.txt", "not for us", mtime=1_900_000_000)
    source = local_source(tmp_path, patterns=["*.edi"])

    items = await source.poll(10)
    assert [(i.meta["file"], i.body) for i in items] == [("A.edi", first), ("B.edi", second)]  # oldest first
    assert items[0].meta["interchange"] == ("HARBOR3PL", "000000001")
    assert items[0].system == "harbor"
    assert items[0].origin == f"file://{tmp_path}/outbound/processing/A.edi"
    assert tree(tmp_path) == {
        "inbox": ["notes.txt"],
        "processing": ["A.edi", "B.edi"],
        "archive": [],
        "error": [],
    }
    await source.commit(items)
    assert tree(tmp_path) == {
        "inbox": ["notes.txt"],
        "processing": [],
        "archive": ["A.edi", "B.edi"],
        "error": [],
    }
    assert (tmp_path / "outbound" / "archive" / "A.edi").read_text() == first
    assert await source.poll(10) == []


async def test_an_unreadable_file_goes_to_error_with_a_sidecar_and_to_the_inbox_as_rejected(tmp_path: Path):
    drop(tmp_path, "BROKEN.edi", "GS*SW*oops~")
    source = local_source(tmp_path)
    [item] = await source.poll(10)
    assert item.meta["rejection"] == (
        "x12_envelope",
        "BROKEN.edi: does not start with an ISA segment (starts with 'GS*SW*oops')",
    )
    assert item.body == "GS*SW*oops~"
    await source.commit([item])
    assert tree(tmp_path)["error"] == ["BROKEN.edi", "BROKEN.edi.error.json"]
    sidecar = json.loads((tmp_path / "outbound" / "error" / "BROKEN.edi.error.json").read_text())
    assert sidecar["file"] == "BROKEN.edi"
    assert sidecar["reason"] == "BROKEN.edi: does not start with an ISA segment (starts with 'GS*SW*oops')"
    assert sidecar["details"] == {"kind": "x12_envelope", "partner": "harbor", "sha256": item.meta["sha256"]}
    assert sidecar["when"].endswith("Z")


async def test_a_file_left_in_processing_by_a_dead_process_is_handed_over_again(tmp_path: Path):
    content = interchange_945("HARBOR3PL", "000000005")
    drop(tmp_path, "A.edi", content)
    crashed = local_source(tmp_path)
    assert [i.meta["file"] for i in await crashed.poll(10)] == ["A.edi"]
    # the process dies here: no commit; the file stays in processing
    assert tree(tmp_path)["processing"] == ["A.edi"]

    restarted = local_source(tmp_path)
    items = await restarted.poll(10)
    assert [(i.meta["file"], i.body) for i in items] == [("A.edi", content)]
    await restarted.commit(items)
    assert tree(tmp_path) == {"inbox": [], "processing": [], "archive": ["A.edi"], "error": []}
    assert list(restarted.duplicates) == []


async def test_a_crash_after_commit_but_before_the_move_only_finishes_the_move(tmp_path: Path, store):
    content = interchange_945("HARBOR3PL", "000000006")
    drop(tmp_path, "A.edi", content)
    first = local_source(tmp_path)
    first.bind(store)
    [item] = await first.poll(10)
    first.dedupe.remember(item.meta["sha256"], None, "A.edi")  # commit got this far, then the process died

    restarted = local_source(tmp_path)
    restarted.bind(store)
    assert await restarted.poll(10) == []
    assert tree(tmp_path) == {"inbox": [], "processing": [], "archive": ["A.edi"], "error": []}
    assert list(restarted.duplicates) == []  # our own file, not a duplicate: no sidecar


async def test_duplicate_by_content_is_archived_with_a_sidecar_and_reported(tmp_path: Path, store):
    content = interchange_945("HARBOR3PL", "000000007")
    drop(tmp_path, "A.edi", content)
    source = local_source(tmp_path)
    source.bind(store)
    await source.commit(await source.poll(10))

    drop(tmp_path, "A-resent.edi", content)  # the partner resent the same bytes under another name
    restarted = local_source(tmp_path)
    restarted.bind(store)  # the seen keys come from the store, not from memory
    assert await restarted.poll(10) == []
    assert tree(tmp_path)["archive"] == ["A-resent.edi", "A-resent.edi.duplicate.json", "A.edi"]
    [report] = restarted.duplicates
    assert (report.file, report.kind, report.original["file"]) == ("A-resent.edi", "sha256", "A.edi")
    sidecar = json.loads((tmp_path / "outbound" / "archive" / "A-resent.edi.duplicate.json").read_text())
    assert sidecar["reason"] == "duplicate"
    assert sidecar["duplicate_of"]["file"] == "A.edi"
    assert sidecar["duplicate_of"]["key"] == "sha256"


async def test_duplicate_by_interchange_control_number(tmp_path: Path):
    source = local_source(tmp_path)
    drop(tmp_path, "A.edi", interchange_945("HARBOR3PL", "000000008", "SO0001"))
    await source.commit(await source.poll(10))
    # different bytes (re-enveloped, new order line) but the same sender and ISA13
    drop(tmp_path, "B.edi", "\ufeff" + interchange_945("HARBOR3PL", "000000008", "SO0002"))
    drop(tmp_path, "C.edi", interchange_945("OTHER3PL", "000000008", "SO0003"))  # another sender: fine
    items = await source.poll(10)
    assert [i.meta["file"] for i in items] == ["C.edi"]
    [report] = source.duplicates
    assert (report.file, report.kind, report.value) == ("B.edi", "isa13", "HARBOR3PL:000000008")


async def test_the_same_file_twice_in_one_poll(tmp_path: Path):
    content = interchange_945("HARBOR3PL", "000000009")
    drop(tmp_path, "A.edi", content, mtime=1_900_000_000)
    drop(tmp_path, "A-copy.edi", content, mtime=1_900_000_001)
    source = local_source(tmp_path)
    items = await source.poll(10)
    assert [i.meta["file"] for i in items] == ["A.edi"]
    assert [(d.file, d.original["file"]) for d in source.duplicates] == [("A-copy.edi", "A.edi")]


async def test_a_corrected_resend_of_a_rejected_file_is_not_a_duplicate(tmp_path: Path):
    source = local_source(tmp_path, format="json", patterns=["*.json"])
    drop(tmp_path, "E.json", '{"id": "1", "type"')
    [bad] = await source.poll(10)
    assert bad.meta["rejection"][0] == "malformed"
    await source.commit([bad])
    drop(tmp_path, "E.json", '{"id": "1"}')
    [good] = await source.poll(10)
    assert "rejection" not in good.meta and good.body == '{"id": "1"}'


async def test_limit_interval_and_once(tmp_path: Path):
    for n in range(3):
        drop(tmp_path, f"{n}.edi", interchange_945("HARBOR3PL", f"00000001{n}"), mtime=1_900_000_000 + n)
    source = local_source(tmp_path, once=True, poll_interval=3600)
    first = await source.poll(2)
    assert [i.meta["file"] for i in first] == ["0.edi", "1.edi"]
    await source.commit(first)
    second = await source.poll(2)  # the batch was full: no waiting for the interval
    assert [i.meta["file"] for i in second] == ["2.edi"]
    await source.commit(second)
    assert await source.poll(2) == []  # within the interval
    source.next_poll = 0
    assert await source.poll(2) == [] and source.exhausted is True


async def test_sftp_source_end_to_end(sftp_server, client_key_path: Path, host_key_line: str):
    content = interchange_945("HARBOR3PL", "000000100")
    drop(sftp_server.root, "A.edi", content)
    options = FileTransferSourceOptions.model_validate(
        {
            "partner": "harbor",
            "transport": {
                "kind": "sftp",
                "host": "127.0.0.1",
                "port": sftp_server.port,
                "username": USER,
                "key_path": str(client_key_path),
                "host_key": host_key_line,
            },
            "patterns": ["*.edi"],
        }
    )
    source = FileTransferSource("harbor-sftp", "harbor", options)
    assert isinstance(source.transport, Sftp)
    try:
        items = await source.poll(10)
        assert [(i.meta["file"], i.body, i.meta["interchange"]) for i in items] == [
            ("A.edi", content, ("HARBOR3PL", "000000100"))
        ]
        assert items[0].origin == f"sftp://{USER}@127.0.0.1:{sftp_server.port}/outbound/processing/A.edi"
        await source.commit(items)
        assert tree(sftp_server.root) == {"inbox": [], "processing": [], "archive": ["A.edi"], "error": []}
    finally:
        await source.close()


async def test_password_options_build_an_sftp_transport(sftp_server, host_key_line: str):
    options = FileTransferSourceOptions.model_validate(
        {
            "partner": "harbor",
            "transport": {
                "kind": "sftp",
                "host": "127.0.0.1",
                "port": sftp_server.port,
                "username": USER,
                "password": PASSWORD,
                "host_key": host_key_line,
            },
        }
    )
    source = FileTransferSource("harbor-sftp", "harbor", options)
    try:
        assert await source.poll(10) == []
        assert sorted(p.name for p in (sftp_server.root / "outbound").iterdir()) == [
            "archive",
            "error",
            "processing",
        ]
    finally:
        await source.close()


def test_csv_needs_a_column_map(tmp_path: Path):
    with pytest.raises(ValueError, match="format csv needs a column_map"):
        local_source(tmp_path, format="csv")


async def test_a_partner_outage_backs_off_in_the_runtime_and_recovers(
    sftp_server, host_key_line: str, tmp_path: Path
):
    options = FileTransferSourceOptions.model_validate(
        {
            "partner": "harbor",
            "transport": {
                "kind": "sftp",
                "host": "127.0.0.1",
                "port": sftp_server.port,
                "username": USER,
                "password": PASSWORD,
                "host_key": host_key_line,
                "connect_timeout": 2,
            },
            "poll_interval": 0,
            "max_backoff": 60,
        }
    )
    source = FileTransferSource("harbor-sftp", "harbor", options)
    config = parse_config(f"""
store: {{url: "sqlite:///{tmp_path / "crossdock.db"}"}}
systems: {{odoo: {{role: erp}}, harbor: {{role: warehouse}}}}
endpoints: {{odoo: {{kind: noop, system: odoo}}}}
runtime: {{poll_interval: 1}}
routes: []
""")
    runtime = Runtime(config, sources=[source], sinks={})
    try:
        await sftp_server.stop()
        with pytest.raises(TransferError) as failed:  # the source says so; the runtime backs it off
            await source.poll(10)
        assert failed.value.kind == "partner_unavailable"
        assert await runtime._pull_sources() == 0  # no exception leaves the runtime
        assert runtime._source_backoff["harbor-sftp"] > time.monotonic() + 1  # 2 s +- 20 %
        assert await runtime._pull_sources() == 0  # still backing off: not even tried
        assert runtime._source_failures["harbor-sftp"] == 1

        await sftp_server.start()
        drop(sftp_server.root, "A.edi", interchange_945("HARBOR3PL", "000000200"))
        runtime._source_backoff.clear()
        assert await runtime._pull_sources() == 1  # recovered: the file was not lost
        assert "harbor-sftp" not in runtime._source_failures
        assert sorted(p.name for p in (sftp_server.root / "outbound" / "archive").iterdir()) == ["A.edi"]
    finally:
        await source.close()
        runtime.store.engine.dispose()


async def test_a_failed_archive_move_is_finished_at_the_next_poll(tmp_path: Path):
    drop(tmp_path, "A.edi", interchange_945("HARBOR3PL", "000000300"))
    source = local_source(tmp_path)
    items = await source.poll(10)
    archive = tmp_path / "outbound" / "archive"
    archive.rmdir()
    archive.write_text("not a folder")  # the move into archive fails
    await source.commit(items)  # logged, not raised
    assert tree_files(tmp_path / "outbound" / "processing") == ["A.edi"]
    archive.unlink()
    archive.mkdir()
    assert await source.poll(10) == []  # already committed: only the move is finished
    assert tree(tmp_path)["archive"] == ["A.edi"]
    assert list(source.duplicates) == []


def tree_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def test_json_files_one_item_per_event(tmp_path: Path):
    drop(tmp_path, "events.json", '[{"id": "e1"}, {"id": "e2"}]')
    drop(tmp_path, "one.json", '{"id": "e3"}', mtime=2_000_000_000)
    source = local_source(tmp_path, format="json", patterns=["*.json"])
    items = await source.poll(10)
    assert [(i.body, i.origin.rsplit("/", 1)[-1]) for i in items] == [
        ({"id": "e1"}, "events.json[0]"),
        ({"id": "e2"}, "events.json[1]"),
        ('{"id": "e3"}', "one.json"),
    ]
    await source.commit(items)
    assert tree(tmp_path)["archive"] == ["events.json", "one.json"]


async def test_a_file_still_being_written_is_left_until_it_settles(tmp_path: Path):
    path = drop(tmp_path, "A.edi", interchange_945("HARBOR3PL", "000000400")[:50])  # the partner is writing
    source = local_source(tmp_path, settle_seconds=0.2)
    assert await source.poll(10) == []  # first sighting
    await asyncio.sleep(0.1)
    path.write_text(interchange_945("HARBOR3PL", "000000400"))  # still growing
    assert await source.poll(10) == []
    assert await source.poll(10) == []  # unchanged, but not for long enough yet
    await asyncio.sleep(0.25)
    [item] = await source.poll(10)
    assert item.body == interchange_945("HARBOR3PL", "000000400")


async def test_a_later_file_of_the_same_name_is_archived_beside_the_first(tmp_path: Path):
    source = local_source(tmp_path)
    checked: list[str] = []
    exists = source.transport.exists

    async def counting_exists(path: str) -> bool:
        checked.append(path)
        return await exists(path)

    source.transport.exists = counting_exists  # type: ignore[method-assign]
    for control in ("000000401", "000000402"):
        drop(tmp_path, "A.edi", interchange_945("HARBOR3PL", control))
        await source.commit(await source.poll(10))
    archive = tree(tmp_path)["archive"]
    assert len(archive) == 2 and archive[0] == "A.edi" and archive[1].startswith("A~")
    assert checked == []  # a plain archive lets the move refuse a taken name: no extra round trip
