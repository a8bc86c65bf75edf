"""`crossdock sim tpl`: serve the 3PL emulator (SFTP + X12) until interrupted."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from .emulator import TplConfig, TplEmulator
from .sftp import Users

app = typer.Typer(help="3PL emulator: an SFTP server exchanging X12 files, backed by the WMS emulator.")


async def _serve(config: TplConfig) -> None:
    async with TplEmulator(config) as tpl:
        typer.echo(
            f"3PL emulator ({tpl.partner.name}, {tpl.ack_kind} acks) on sftp://{config.host}:{tpl.port}"
        )
        typer.echo(f"user: {config.username}  auth: {_auth(config)}")
        typer.echo(f"root: {tpl.root}  (hub drops into inbound/, reads outbound/)")
        typer.echo(f"host key: {tpl.host_key_line}")
        typer.echo(f"fingerprint: {tpl.sftp.fingerprint}")
        if tpl.control is not None:
            typer.echo(
                f"control API: http://{config.host}:{tpl.control.port}/tpl/state (Bearer {config.control_token})"
            )
        typer.echo(f"interchange: 3PL {tpl.envelope.sender_id} -> hub {tpl.envelope.receiver_id}")
        await asyncio.Event().wait()  # until Ctrl-C


def _auth(config: TplConfig) -> str:
    kinds = (["password"] if config.password is not None else []) + (
        [f"{len(config.authorized_keys)} key(s)"] if config.authorized_keys else []
    )
    return ", ".join(kinds)


@app.callback(invoke_without_command=True)
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Loopback address to bind."),
    port: int = typer.Option(2222, help="SFTP port (0 picks a free one)."),
    root: Path = typer.Option(Path("tpl-exchange"), help="Exchange folder served over SFTP."),
    user: str = typer.Option("hub", help="The one SFTP user (the hub)."),
    password: str | None = typer.Option(None, help="Password for the user."),
    authorized_key: Path | None = typer.Option(None, help="OpenSSH public key file(s) allowed to log in."),
    profile: str = typer.Option("generic-3pl", help="Partner profile (bundled name or YAML/JSON path)."),
    seed: int = typer.Option(42, help="Seed of the warehouse's random behaviour."),
    state_dir: Path | None = typer.Option(None, help="Folder keeping state across restarts."),
    ack: str | None = typer.Option(None, help="997 or 999 (5010 profiles); default from the profile."),
    speed: float = typer.Option(0.0, help="Simulated minutes per wall-clock second (0: clock stands still)."),
    control_port: int = typer.Option(
        8072, help="HTTP control API port (0 picks a free one, -1 disables it)."
    ),
    control_token: str = typer.Option("crossdock-tpl-key", help="Bearer token of the control API."),
) -> None:
    """Start the emulator (when no sub-command is given)."""
    if ctx.invoked_subcommand is not None:
        return
    if password is None and authorized_key is None:
        typer.echo("error: give --password and/or --authorized-key", err=True)
        raise typer.Exit(code=2)
    try:
        keys = Users.read_keys(authorized_key) if authorized_key else []
        config = TplConfig(
            root=root,
            profile=profile,
            state_dir=state_dir,
            seed=seed,
            ack=ack,
            username=user,
            password=password,
            authorized_keys=keys,
            host=host,
            port=port,
            speed=speed,
            control_port=None if control_port < 0 else control_port,
            control_token=control_token,
        )
        asyncio.run(_serve(config))
    except KeyboardInterrupt:
        typer.echo("stopping")
    except (ValueError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
