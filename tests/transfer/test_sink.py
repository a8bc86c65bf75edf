"""The sink: outbox -> atomic upload -> sent, idempotent per key, patient with a partner that is down."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path

import pytest

from crossdock.connectors.base import Delivery, PermanentError, TransientError
from crossdock.connectors.transfer.sink import FileTransferSink, FileTransferSinkOptions
from crossdock.core.cursors import Cursors

from .samples import PASSWORD, USER, interchange_945


def delivery(key: str, filename: str, content: str, attempt: int = 1) -> Delivery:
    return Delivery(
        outbox_id=1,
        idempotency_key=key,
        endpoint="harbor-out",
        action="send_file",
        payload={"filename": filename, "content": content},
        attempt=attempt,
    )


def sftp_sink(
    work: Path, port: int, host_key_line: str, password: str = PASSWORD, **retry
) -> FileTransferSink:
    options = FileTransferSinkOptions.model_validate(
        {
            "partner": "harbor",
            "transport": {
                "kind": "sftp",
                "host": "127.0.0.1",
                "port": port,
                "username": USER,
                "password": password,
                "host_key": host_key_line,
                "connect_timeout": 2,
                "timeout": 5,
            },
            "upload_folder": "inbound",
            "work_dir": str(work),
            "upload_retry": {"attempts": 3, "base_delay": 0.05, "max_delay": 1, **retry},
        }
    )
    return FileTransferSink("harbor-out", options)


def names(folder: Path) -> list[str]:
    """The files in a folder (the partner server also keeps its own subfolders there)."""
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.exists() else []


async def test_the_same_key_never_uploads_twice(tmp_path: Path, sftp_server, host_key_line: str, store):
    content = interchange_945("CROSSDOCK", "000000501")
    sink = sftp_sink(tmp_path / "work", sftp_server.port, host_key_line)
    sink.bind(store)
    first = await sink.deliver(delivery("order:SO0042:940", "940_SO0042.edi", content))
    assert first.acknowledged is False  # uploaded, not yet confirmed by the partner (997 comes later)
    assert first.detail is not None
    assert (first.detail["file"], first.detail["remote_path"], first.detail["attempts"]) == (
        "940_SO0042.edi",
        "inbound/940_SO0042.edi",
        1,
    )
    assert first.detail["already_applied"] is False

    (sftp_server.root / "inbound" / "940_SO0042.edi").unlink()  # the partner picked it up
    again = await sink.deliver(delivery("order:SO0042:940", "940_SO0042.edi", content, attempt=2))
    assert again.detail is not None and again.detail["already_applied"] is True
    assert sink.uploads == 1
    assert names(sftp_server.root / "inbound") == []  # not uploaded a second time
    assert names(tmp_path / "work" / "outbox") == []
    assert names(tmp_path / "work" / "sent") == ["940_SO0042.edi"]
    assert (tmp_path / "work" / "sent" / "940_SO0042.edi").read_text() == content
    await sink.close()

    restarted = sftp_sink(tmp_path / "work2", sftp_server.port, host_key_line)
    restarted.bind(store)  # the marker is in the store: a new process (or host) knows too
    later = await restarted.deliver(delivery("order:SO0042:940", "940_SO0042.edi", content, attempt=3))
    assert later.detail is not None and later.detail["already_applied"] is True
    assert restarted.uploads == 0
    key_hash = hashlib.sha256(b"order:SO0042:940").hexdigest()[:32]
    marker = json.loads(Cursors(store).get(f"files:harbor:sent:{key_hash}") or "{}")
    assert (marker["file"], marker["remote_path"]) == ("940_SO0042.edi", "inbound/940_SO0042.edi")
    assert marker["sha256"] == hashlib.sha256(content.encode()).hexdigest()
    await restarted.close()


async def test_markers_without_a_store_live_in_the_work_dir(tmp_path: Path):
    partner = tmp_path / "partner"
    options = {
        "partner": "harbor",
        "transport": {"kind": "local", "path": str(partner)},
        "work_dir": str(tmp_path / "w"),
    }
    sink = FileTransferSink("out", FileTransferSinkOptions.model_validate(options))
    await sink.deliver(delivery("k1", "A.csv", "sku,qty\nX,1\n"))
    again = FileTransferSink("out", FileTransferSinkOptions.model_validate(options))  # a restart
    outcome = await again.deliver(delivery("k1", "A.csv", "sku,qty\nX,1\n"))
    assert outcome.detail is not None and outcome.detail["already_applied"] is True
    assert (sink.uploads, again.uploads) == (1, 0)
    assert (partner / "inbound" / "A.csv").read_text() == "sku,qty\nX,1\n"
    assert len(names(tmp_path / "w" / "markers")) == 1


async def test_a_partner_that_is_down_is_retried_with_backoff_until_it_is_back(
    tmp_path: Path, sftp_server, host_key_line: str
):
    content = interchange_945("CROSSDOCK", "000000502") * 200
    sink = sftp_sink(
        tmp_path / "work", sftp_server.port, host_key_line, attempts=8, base_delay=0.1, jitter=0.2
    )
    await sink.deliver(delivery("warmup", "warmup.edi", "x"))  # an open connection that will break
    await sftp_server.stop()

    async def come_back() -> None:
        await asyncio.sleep(0.5)
        await sftp_server.start()

    comeback = asyncio.create_task(come_back())
    outcome = await sink.deliver(delivery("order:SO0043:940", "940_SO0043.edi", content))
    await comeback
    assert outcome.detail is not None
    attempts, delays = outcome.detail["attempts"], outcome.detail["delays"]
    assert attempts >= 3 and len(delays) == attempts - 1
    assert all(later > earlier for earlier, later in zip(delays, delays[1:], strict=False))  # exponential
    assert 0.08 <= delays[0] <= 0.12  # base 0.1 +- 20 % jitter
    assert (sftp_server.root / "inbound" / "940_SO0043.edi").read_text() == content
    assert names(sftp_server.root / "inbound") == ["940_SO0043.edi", "warmup.edi"]  # no temp names left
    assert names(tmp_path / "work" / "outbox") == []
    await sink.close()


async def test_attempts_run_out_the_file_waits_in_the_outbox_and_flush_sends_it(
    tmp_path: Path, sftp_server, host_key_line: str
):
    sink = sftp_sink(tmp_path / "work", sftp_server.port, host_key_line, attempts=2, base_delay=0.01)
    await sftp_server.stop()
    with pytest.raises(TransientError) as later:
        await sink.deliver(delivery("k2", "B.edi", "payload"))
    assert later.value.retryable is True
    assert later.value.detail is not None and later.value.detail["attempts"] == 2
    assert later.value.detail["kind"] == "partner_unavailable"
    [waiting] = names(tmp_path / "work" / "outbox")
    assert waiting.endswith("--B.edi")  # on local disk, nothing lost

    await sftp_server.start()
    [sent] = await sink.flush()
    assert sent.detail is not None and sent.detail["file"] == "B.edi"
    assert (sftp_server.root / "inbound" / "B.edi").read_text() == "payload"
    assert names(tmp_path / "work" / "outbox") == []
    redelivered = await sink.deliver(delivery("k2", "B.edi", "payload", attempt=2))  # the runtime's retry
    assert redelivered.detail is not None and redelivered.detail["already_applied"] is True
    assert sink.uploads == 1
    await sink.close()


async def test_refused_credentials_are_permanent_at_once(tmp_path: Path, sftp_server, host_key_line: str):
    sink = sftp_sink(tmp_path / "work", sftp_server.port, host_key_line, password="wrong", attempts=5)
    with pytest.raises(PermanentError) as refused:
        await sink.deliver(delivery("k3", "C.edi", "x"))
    assert refused.value.detail is not None
    assert (refused.value.detail["attempts"], refused.value.detail["kind"]) == (1, "auth_refused")
    assert "refused user 'harbor' (password)" in str(refused.value)
    await sink.close()


async def test_a_crash_between_upload_and_marker_does_not_send_twice(tmp_path: Path):
    partner = tmp_path / "partner"
    (partner / "inbound").mkdir(parents=True)
    (partner / "inbound" / "D.edi").write_text("same")  # uploaded before the crash
    options = {
        "partner": "harbor",
        "transport": {"kind": "local", "path": str(partner)},
        "work_dir": str(tmp_path / "w"),
    }
    sink = FileTransferSink("out", FileTransferSinkOptions.model_validate(options))
    outcome = await sink.deliver(delivery("k4", "D.edi", "same"))
    assert outcome.detail is not None and outcome.detail["already_applied"] is False
    assert sink.uploads == 0
    (partner / "inbound" / "E.edi").write_text("another file of that name")
    with pytest.raises(PermanentError, match="a different file named E.edi is already waiting at harbor"):
        await sink.deliver(delivery("k5", "E.edi", "ours"))
    assert (partner / "inbound" / "E.edi").read_text() == "another file of that name"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"content": "x"}, "the payload needs 'filename' and 'content' strings"),
        ({"filename": "../../etc/passwd.part", "content": "x"}, "is not a usable file name"),
        ({"filename": "A.edi", "content": "é", "encoding": "ascii"}, "cannot encode A.edi as ascii"),
    ],
)
async def test_bad_payloads_are_permanent(tmp_path: Path, payload: dict, message: str):
    options = {
        "partner": "harbor",
        "transport": {"kind": "local", "path": str(tmp_path / "p")},
        "work_dir": str(tmp_path / "w"),
    }
    sink = FileTransferSink("out", FileTransferSinkOptions.model_validate(options))
    bad = Delivery(1, "k", "out", "send_file", payload, 1)
    with pytest.raises(PermanentError, match=message):
        await sink.deliver(bad)


async def test_base64_content(tmp_path: Path):
    options = {
        "partner": "harbor",
        "transport": {"kind": "local", "path": str(tmp_path / "p")},
        "work_dir": str(tmp_path / "w"),
    }
    sink = FileTransferSink("out", FileTransferSinkOptions.model_validate(options))
    await sink.deliver(
        Delivery(
            1, "k", "out", "send_file", {"filename": "X.bin", "content": "AAEC/w==", "encoding": "base64"}, 1
        )
    )
    assert (tmp_path / "p" / "inbound" / "X.bin").read_bytes() == b"\x00\x01\x02\xff"


def test_upload_retry_is_the_shared_retry_policy_with_attempts_as_alias():
    from crossdock.config import RetryPolicy
    from crossdock.connectors.transfer.lifecycle import RetryOptions

    assert isinstance(RetryOptions(), RetryPolicy)
    assert RetryOptions.model_validate({"attempts": 3}).max_attempts == 3
    assert RetryOptions.model_validate({"max_attempts": 5}).attempts == 5
    assert (RetryOptions().attempts, RetryOptions().max_delay) == (4, 30.0)
