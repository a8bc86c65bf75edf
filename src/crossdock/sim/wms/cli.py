"""`crossdock sim wms`: serve the WMS emulator."""

from __future__ import annotations

import typer

from .server import WmsServer
from .warehouse import WmsConfig

app = typer.Typer(help="WMS emulator speaking crossdock's WMS contract v1 (HTTP + JSON, webhooks).")


@app.callback(invoke_without_command=True)
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Loopback address to bind."),
    port: int = typer.Option(8071, help="Port (0 picks a free one)."),
    db: str = typer.Option(":memory:", "--db", help="SQLite file keeping state across restarts."),
    seed: int = typer.Option(42, "--seed", help="Seed of the warehouse's random behaviour."),
    api_key: str = typer.Option("crossdock-wms-key", "--api-key", help="Bearer key clients must send."),
    facility: str = typer.Option("WH1", help="Facility code of this warehouse."),
    speed: float = typer.Option(0.0, help="Simulated minutes per wall-clock second (0: only /_sim/advance)."),
    verbose: bool = typer.Option(False, help="Log every HTTP request."),
) -> None:
    """Start the emulator (when no sub-command is given)."""
    if ctx.invoked_subcommand is not None:
        return
    config = WmsConfig(seed=seed, api_key=api_key, facility=facility, speed=speed)
    try:
        server = WmsServer(db, config=config, host=host, port=port, verbose=verbose)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"WMS emulator (facility {server.warehouse.facility}) listening on {server.url}")
    typer.echo(f"API key (Authorization: Bearer ...): {api_key}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        typer.echo("stopping")
    finally:
        server.httpd.server_close()
