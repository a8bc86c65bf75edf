"""The crossdock command line. Exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 bad config,
5 store or bus unreachable."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from .config import Config, ConfigError, load_config

EXIT_FAILED, EXIT_NOT_FOUND, EXIT_CONFIG, EXIT_UNAVAILABLE = 1, 3, 4, 5

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="crossdock: Odoo <-> warehouses <-> carriers."
)
dlq_app = typer.Typer(no_args_is_help=True, help="Dead letters: list, show, correct, replay.")
app.add_typer(dlq_app, name="dlq")
# soft_wrap: messages stay on one line, so scripts can grep them; tables still fit the terminal.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

ConfigOption = typer.Option(
    None, "--config", "-c", envvar="CROSSDOCK_CONFIG", help="crossdock.yaml (default: ./crossdock.yaml)"
)


def _fail(message: str, code: int) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def _config(path: Path | None) -> Config:
    path = path or Path("crossdock.yaml")
    try:
        return load_config(path)
    except ConfigError as exc:
        raise _fail(f"invalid configuration\n{exc}", EXIT_CONFIG) from None


def _runtime(config: Config, *, with_sources: bool = True):
    from .connectors.registry import ConnectorConfigError
    from .core.runtime import Runtime
    from .core.store import StoreUnavailable

    try:
        return Runtime(config, sources=None if with_sources else [])
    except StoreUnavailable as exc:
        raise _fail(str(exc), EXIT_UNAVAILABLE) from None
    except ConnectorConfigError as exc:
        raise _fail(f"invalid configuration: {exc}", EXIT_CONFIG) from None


def _ops(config_path: Path | None):
    return _runtime(_config(config_path), with_sources=False)


def _when(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an ISO time like 2026-11-27T08:00:00Z") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _run_loop(config: Config, *, with_sources: bool, until_idle: bool) -> None:
    from .core.nats_bus import BusUnavailable

    runtime = _runtime(config, with_sources=with_sources)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await runtime.run(until_idle=until_idle, stop=stop)
        finally:
            await runtime.close()

    try:
        asyncio.run(main())
    except BusUnavailable as exc:
        raise _fail(str(exc), EXIT_UNAVAILABLE) from None


@app.command()
def run(
    config: Path | None = ConfigOption,
    until_idle: bool = typer.Option(False, help="exit once sources are drained and nothing is in flight"),
) -> None:
    """Run sources, flows and deliveries in this process (the embedded shape)."""
    _run_loop(_config(config), with_sources=True, until_idle=until_idle)


@app.command()
def worker(
    config: Path | None = ConfigOption,
    until_idle: bool = typer.Option(False, help="exit once nothing is in flight"),
) -> None:
    """Run flows and deliveries only (scale-out: start several, with bus.kind: nats)."""
    _run_loop(_config(config), with_sources=False, until_idle=until_idle)


@app.command()
def migrate(config: Path | None = ConfigOption) -> None:
    """Bring the store's schema to the latest revision (run also happens on every start)."""
    runtime = _ops(config)
    runtime.store.dispose()
    out.print("store is at the latest schema revision")


@app.command("check-config")
def check_config(config: Path | None = ConfigOption) -> None:
    """Validate crossdock.yaml (and each connector's options) without touching anything."""
    from .connectors.registry import ConnectorConfigError, build_sinks, build_sources

    loaded = _config(config)
    try:
        build_sinks(loaded)
        build_sources(loaded)
    except ConnectorConfigError as exc:
        raise _fail(f"invalid configuration: {exc}", EXIT_CONFIG) from None
    out.print(
        f"configuration is valid: {len(loaded.sources)} sources, {len(loaded.endpoints)} endpoints, "
        f"{len(loaded.routes)} routes"
    )


@app.command()
def ingest(
    files: list[Path],
    config: Path | None = ConfigOption,
    system: str = typer.Option(..., help="the system these messages come from (ownership is checked)"),
) -> None:
    """Put CloudEvents from JSON / JSON-lines files into the inbox (they are processed by run/worker)."""
    from .connectors.files.source import read_file

    runtime = _ops(config)
    items = []
    for file in files:
        if not file.is_file():
            raise _fail(f"{file}: no such file", EXIT_NOT_FOUND)
        items.extend(read_file(file, system))

    async def main():
        await runtime.start()
        try:
            return await runtime.ingest(items)
        finally:
            await runtime.close()

    report = asyncio.run(main())
    out.print(
        f"accepted {len(report.accepted)}, rejected {len(report.rejected)}, duplicates {len(report.duplicates)}"
    )
    for id_, reason in report.rejected:
        out.print(f"  m{id_} rejected: {reason}", highlight=False)


@app.command()
def status(config: Path | None = ConfigOption, as_json: bool = typer.Option(False, "--json")) -> None:
    """Counts by state: messages per source system, commands per endpoint."""
    runtime = _ops(config)
    counts = runtime.ops.status()
    runtime.store.dispose()
    if as_json:
        print(json.dumps(counts))
        return
    for title, rows, who in (
        ("messages", counts["messages"], "system"),
        ("commands", counts["commands"], "endpoint"),
    ):
        table = Table(title=f"{title} by state")
        states = sorted({r["state"] for r in rows})
        table.add_column(who)
        for state in states:
            table.add_column(state, justify="right")
        for name in sorted({r[who] for r in rows}):
            cells = {r["state"]: r["count"] for r in rows if r[who] == name}
            table.add_row(name, *(str(cells.get(s, "")) for s in states))
        out.print(table)


def _entries_table(entries: list, title: str) -> Table:
    table = Table(title=title)
    for column in ("at (UTC)", "state", "system", "ref", "actor", "detail / error"):
        table.add_column(column, overflow="fold")
    for e in entries:
        ref = f"o{e.outbox_id}" if e.outbox_id else (f"m{e.message_id}" if e.message_id else "")
        text = e.error or e.detail or ""
        style = "red" if e.state in ("rejected", "failed", "dead_lettered") else None
        table.add_row(
            e.at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3], e.state, e.system, ref, e.actor, text, style=style
        )
    return table


def _entries_json(entries: list) -> str:
    return json.dumps([{**e.__dict__, "at": e.at.isoformat()} for e in entries])


@app.command()
def trace(
    key: str, config: Path | None = ConfigOption, as_json: bool = typer.Option(False, "--json")
) -> None:
    """The life of one document (business key, correlation id or subject) as a timeline."""
    from .core import ledger

    runtime = _ops(config)
    with runtime.store.engine.connect() as conn:
        entries = ledger.trace(conn, key)
    runtime.store.dispose()
    if not entries:
        raise _fail(f"nothing in the ledger for {key!r}", EXIT_NOT_FOUND)
    if as_json:
        print(_entries_json(entries))
    else:
        out.print(_entries_table(entries, f"trace of {key}"))


@app.command("ledger")
def ledger_query(
    config: Path | None = ConfigOption,
    business_key: str | None = typer.Option(None, "--key"),
    correlation_id: str | None = typer.Option(None, "--correlation"),
    system: str | None = None,
    state: str | None = None,
    since: str | None = typer.Option(None, help="ISO time"),
    until: str | None = typer.Option(None, help="ISO time"),
    limit: int = 200,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Query the ledger by business key, correlation id, system, state and time."""
    from .core import ledger

    runtime = _ops(config)
    with runtime.store.engine.connect() as conn:
        entries = ledger.query(
            conn,
            business_key=business_key,
            correlation_id=correlation_id,
            system=system,
            state=state,
            since=_when(since) if since else None,
            until=_when(until) if until else None,
            limit=limit,
        )
    runtime.store.dispose()
    if as_json:
        print(_entries_json(entries))
    else:
        out.print(_entries_table(entries, f"ledger ({len(entries)} entries)"))


def _operation(call) -> Any:
    from .core.operations import InvalidOperation, NotFound

    try:
        return call()
    except NotFound as exc:
        raise _fail(str(exc), EXIT_NOT_FOUND) from None
    except InvalidOperation as exc:
        raise _fail(str(exc), EXIT_FAILED) from None


@dlq_app.command("list")
def dlq_list(config: Path | None = ConfigOption, as_json: bool = typer.Option(False, "--json")) -> None:
    """Rejected and dead-lettered messages (m<id>) and commands (o<id>)."""
    runtime = _ops(config)
    items = runtime.ops.dead_letters()
    runtime.store.dispose()
    if as_json:
        print(json.dumps([{**d.__dict__, "updated_at": d.updated_at.isoformat()} for d in items]))
        return
    table = Table(title=f"dead letters ({len(items)})")
    for column in ("ref", "business key", "system / endpoint", "type / action", "state", "tries", "error"):
        table.add_column(column, overflow="fold")
    for d in items:
        table.add_row(d.ref, d.business_key or "", d.system, d.what, d.state, str(d.attempts), d.error or "")
    out.print(table)


@dlq_app.command("show")
def dlq_show(ref: str, config: Path | None = ConfigOption) -> None:
    """One dead letter: its payload, error, payload versions and ledger history."""
    runtime = _ops(config)
    shown = _operation(lambda: runtime.ops.show(ref))
    runtime.store.dispose()
    row = shown["row"]
    out.print(f"[bold]{ref}[/bold] {shown['kind']} state={row['state']} version={row['payload_version']}")
    if row.get("error"):
        out.print(f"[red]error:[/red] {row['error']}", highlight=False)
    try:
        out.print_json(row["payload"])
    except Exception:  # a rejected raw payload that is not JSON: show it as text
        out.print(row["payload"], highlight=False, markup=False)
    for version in shown["versions"]:
        out.print(f"version {version['version']} replaced by {version['actor']}: {version['reason']}")
    out.print(_entries_table(shown["history"], "history"))


def _parse_sets(sets: list[str]) -> dict[str, Any]:
    changes = {}
    for item in sets:
        if "=" not in item:
            raise typer.BadParameter(f"--set takes path=value, got {item!r}")
        path, raw = item.split("=", 1)
        try:
            changes[path] = json.loads(raw)
        except json.JSONDecodeError:
            changes[path] = raw
    return changes


@dlq_app.command("correct")
def dlq_correct(
    ref: str,
    reason: str = typer.Option(..., help="why the payload is changed (kept in the ledger)"),
    set_: list[str] = typer.Option(
        [], "--set", help="path=value, e.g. data.lines.0.sku=AB-12 (value as JSON)"
    ),
    file: Path | None = typer.Option(None, help="replace the whole payload with this file"),
    actor: str = typer.Option(os.environ.get("USER", "operator"), help="who makes the correction"),
    replay: bool = typer.Option(False, help="replay right after correcting"),
    config: Path | None = ConfigOption,
) -> None:
    """Edit a dead letter's payload (recorded with who and why), optionally replaying it."""
    if not set_ and file is None:
        raise typer.BadParameter("give --set path=value (repeatable) or --file")
    runtime = _ops(config)
    payload = file.read_text() if file else None
    version = _operation(
        lambda: runtime.ops.correct(ref, actor, reason, payload=payload, changes=_parse_sets(set_))
    )
    out.print(f"{ref} corrected: payload version {version}")
    if replay:
        out.print(f"{ref} replayed: now {_operation(lambda: runtime.ops.replay(ref, actor, reason))}")
    runtime.store.dispose()


@dlq_app.command("replay")
def dlq_replay(
    ref: str,
    config: Path | None = ConfigOption,
    actor: str = typer.Option(os.environ.get("USER", "operator")),
    reason: str = typer.Option("replay from the dead-letter queue"),
) -> None:
    """Send one dead letter back through the runtime."""
    runtime = _ops(config)
    state = _operation(lambda: runtime.ops.replay(ref, actor, reason))
    runtime.store.dispose()
    out.print(f"{ref} replayed: now {state}")
    if state == "rejected":
        raise typer.Exit(EXIT_FAILED)


@app.command("replay")
def replay(
    key: str | None = typer.Argument(None, help="business key of a document to replay (e.g. SO0042)"),
    since: str | None = typer.Option(None, help="replay what was received from this ISO time"),
    until: str | None = typer.Option(None, help="... up to this ISO time"),
    all_: bool = typer.Option(False, "--all", help="with --since: every message, not only failed ones"),
    actor: str = typer.Option(os.environ.get("USER", "operator")),
    config: Path | None = ConfigOption,
) -> None:
    """Replay a document, or a time range (failed items by default). Targets dedupe what they already have."""
    if (key is None) == (since is None):
        raise typer.BadParameter("give a business key or --since (not both)")
    runtime = _ops(config)
    if key is not None:
        states = _operation(lambda: runtime.ops.replay_document(key, actor))
        out.print(f"{key}: {len(states)} messages replayed ({', '.join(states)})")
    else:
        counts = runtime.ops.replay_range(
            _when(since), _when(until) if until else None, actor, only_failed=not all_
        )
        out.print(f"replayed {counts['messages']} messages and {counts['commands']} commands")
    runtime.store.dispose()


@app.command()
def schemas(folder: Path = typer.Option(Path("docs/schemas"), "--out")) -> None:
    """Write the JSON Schema of every canonical document."""
    from .model.schemas import write_schemas

    written = write_schemas(folder)
    out.print(f"wrote {len(written)} schemas to {folder}")


@app.command()
def demo(
    folder: Path = typer.Option(Path("demo-run"), "--dir", help="working folder (recreated)"),
    orders: int = typer.Option(40, min=1, help="sale orders in the morning"),
    files: bool = typer.Option(False, "--files", help="the file-only pipeline instead (no emulators)"),
) -> None:
    """A day between the Odoo and WMS emulators (or, with --files, a small file pipeline)."""
    if files:
        from .demo_files import run_demo as run_files

        run_files(folder, orders, out)
        return
    from .demo import run_demo

    run_demo(folder, orders, out)


def _mount_sub_apps() -> None:
    """Sub-apps that live beside their connectors and emulators."""
    import importlib
    import importlib.util

    def sub_app(module: str) -> typer.Typer | None:
        try:
            found = importlib.util.find_spec(module)
        except ModuleNotFoundError:  # the parent package is not there either
            found = None
        return importlib.import_module(module).app if found else None

    edi_app = sub_app("crossdock.connectors.edi.cli")
    if edi_app is not None:
        app.add_typer(edi_app, name="edi", help="X12: parse, validate, acknowledge.")
    odoo_app = sub_app("crossdock.sim.odoo.cli")
    if odoo_app is not None:
        sim_app = typer.Typer(no_args_is_help=True, help="Emulators of the systems crossdock connects.")
        sim_app.add_typer(odoo_app, name="odoo", help="The Odoo emulator (16.0-19.0).")
        wms_app = sub_app("crossdock.sim.wms.cli")
        if wms_app is not None:
            sim_app.add_typer(wms_app, name="wms", help="The WMS emulator (crossdock's WMS contract).")
        tpl_app = sub_app("crossdock.sim.tpl.cli")
        if tpl_app is not None:
            sim_app.add_typer(tpl_app, name="tpl", help="The 3PL emulator (SFTP and X12 EDI).")
        app.add_typer(sim_app, name="sim")


_mount_sub_apps()


def main() -> None:
    logging.basicConfig(
        level=os.environ.get("CROSSDOCK_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("alembic", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    app()


if __name__ == "__main__":
    main()
