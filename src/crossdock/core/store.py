"""The store: one SQLAlchemy engine on SQLite (embedded default, WAL) or PostgreSQL (psycopg 3).

The schema is owned by Alembic migrations shipped in crossdock.core.migrations; `open_store`
brings any database up to the latest revision before the runtime touches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from .. import secrets

MIGRATIONS = Path(__file__).with_name("migrations")


class StoreUnavailable(RuntimeError):
    """The database cannot be reached; nothing was read or written."""


@dataclass
class Store:
    engine: Engine
    url: str

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers (status, trace) run beside the writer; FULL makes each commit durable
    # against power loss, which is what the inbox promises to its sources.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin_immediate(conn) -> None:
    # Take the write lock at BEGIN so two processes never deadlock upgrading a read lock.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def create_store_engine(url: str, connect_timeout: float = 5.0) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # A pool keeps connections (and their PRAGMAs) open across transactions; connections
        # are handed between the event loop's worker threads, never used by two at once.
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=4)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling would defer BEGIN; take control of it.
        event.listen(engine, "connect", lambda c, r: setattr(c, "isolation_level", None))
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.password:
        secrets.remember(parsed.password)
    return create_engine(
        parsed,
        pool_size=8,
        max_overflow=8,
        pool_pre_ping=True,
        connect_args={"connect_timeout": max(1, int(connect_timeout))},
    )


def migrate(engine: Engine) -> None:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def open_store(url: str, connect_timeout: float = 5.0, run_migrations: bool = True) -> Store:
    """Connect, check the database answers, and migrate it; StoreUnavailable if it does not."""
    engine = create_store_engine(url, connect_timeout)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        reason = secrets.redact(str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc))
        raise StoreUnavailable(f"cannot reach the store at {safe_url(url)}: {reason}") from None
    if run_migrations:
        migrate(engine)
    return Store(engine=engine, url=url)
