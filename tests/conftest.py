"""Shared fixtures. PostgreSQL and NATS are real servers on this machine (127.0.0.1)."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_SERVER = os.environ.get("CROSSDOCK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NATS_URL = os.environ.get("CROSSDOCK_TEST_NATS", "nats://127.0.0.1:4222")
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def pg_url():
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path):
    """Every runtime test runs on both stores."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'crossdock.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def nats_stream():
    """Names for a JetStream stream, subject and consumer of this test only (deleted after)."""
    token = uuid.uuid4().hex[:10]
    names = {"stream": f"TEST_{token}", "subject": f"test.{token}.work", "durable": f"w_{token}"}
    yield names
    import asyncio

    import nats

    async def cleanup():
        nc = await nats.connect(NATS_URL)
        with contextlib.suppress(Exception):
            await nc.jetstream().delete_stream(names["stream"])
        await nc.close()

    asyncio.run(cleanup())


@pytest.fixture
def unused_tcp_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
