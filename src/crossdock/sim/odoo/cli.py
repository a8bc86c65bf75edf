"""`crossdock sim odoo`: start the emulator (default) or seed a database file."""

from __future__ import annotations

import typer

from .models.base import ADMIN_API_KEY, ADMIN_PASSWORD
from .orm import Database, open_database
from .seed import seed as seed_db
from .server import OdooServer
from .versions import SUPPORTED

app = typer.Typer(help="Odoo emulator (XML-RPC, JSON-RPC, JSON-2) for 16.0-19.0.", no_args_is_help=False)

VERSION_HELP = f"Odoo series to emulate: {', '.join(SUPPORTED)}."


def _open(db_path: str, version: str, name: str) -> Database:
    try:
        return open_database(db_path, version, name)
    except ValueError as exc:  # e.g. a file created for another version
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None


@app.callback(invoke_without_command=True)
def serve(
    ctx: typer.Context,
    version: str = typer.Option("17.0", "--version", help=VERSION_HELP),
    host: str = typer.Option("127.0.0.1", help="Loopback address to bind."),
    port: int = typer.Option(8069, help="Port (0 picks a free one)."),
    db: str = typer.Option(":memory:", "--db", help="SQLite file (default: in memory)."),
    db_name: str = typer.Option("crossdock", "--db-name", help="Database name clients log into."),
    seed: bool = typer.Option(
        True, "--seed/--no-seed", help="Seed demo data unless the database already is."
    ),
    skus: int = typer.Option(3000, help="SKUs to seed into a new database."),
    verbose: bool = typer.Option(False, help="Log every HTTP request."),
) -> None:
    """Start the emulator (when no sub-command is given)."""
    if ctx.invoked_subcommand is not None:
        return
    database = _open(db, version, db_name)
    if seed and not database.store.meta.get("seeded"):
        seed_db(database, skus=skus)
    server = OdooServer(database, host=host, port=port, verbose=verbose)
    typer.echo(f"Odoo {database.p.series} emulator listening on {server.url}")
    typer.echo(f"database: {database.name}  login: admin  password: {ADMIN_PASSWORD}")
    if database.p.has_json2:
        typer.echo(f"JSON-2 API key (Authorization: bearer ...): {ADMIN_API_KEY}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        typer.echo("stopping")
    finally:
        server.httpd.server_close()


@app.command("seed")
def seed_command(
    version: str = typer.Option("17.0", "--version", help=VERSION_HELP),
    db: str = typer.Option(..., "--db", help="SQLite file to create or extend."),
    db_name: str = typer.Option("crossdock", "--db-name", help="Database name clients log into."),
    skus: int = typer.Option(3000, help="Number of SKUs."),
    customers: int = typer.Option(200, help="Number of customers."),
    suppliers: int = typer.Option(30, help="Number of suppliers."),
    random_seed: int = typer.Option(42, "--random-seed", help="Seed of the deterministic generator."),
) -> None:
    """Seed a database file with the demo distributor."""
    database = _open(db, version, db_name)
    try:
        seed_db(database, skus=skus, customers=customers, suppliers=suppliers, random_seed=random_seed)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    products = len(database.store.table("product.product").rows)
    typer.echo(f"seeded {db} (Odoo {database.p.series}, database {database.name}): {products} products")
