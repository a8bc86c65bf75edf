"""``crossdock edi`` commands: parse, validate, ack. Exit codes: 0 valid, 1 errors found, 2 usage error."""

from __future__ import annotations

import shutil
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from .acks import build_acknowledgment
from .control import InMemoryControlNumbers
from .errors import EdiError
from .model import Document
from .parser import read
from .schema import DefinitionError, Profile, load_profile
from .tree import LoopBranch, SegmentLeaf, set_tree

app = typer.Typer(help="ANSI X12: parse, validate and acknowledge interchanges.", no_args_is_help=True)
# wide enough that trees and error lines are not cropped when the output is piped
console = Console(highlight=False, width=max(shutil.get_terminal_size((160, 24)).columns, 120))
err_console = Console(stderr=True, highlight=False)


class PolicyOption(StrEnum):
    strict = "strict"
    lenient = "lenient"


class AckKindOption(StrEnum):
    k997 = "997"
    k999 = "999"
    ta1 = "ta1"


FileArg = Annotated[Path, typer.Argument(help="X12 file to read")]
PolicyOpt = Annotated[PolicyOption, typer.Option("--policy", help="envelope error policy")]


def _load(
    path: Path, policy: PolicyOption, profile: Profile | None = None, keep_trace: bool = False
) -> Document:
    if not path.is_file():
        err_console.print(f"[red]error:[/red] no such file: {escape(str(path))}")
        raise typer.Exit(2)
    return read(path.read_bytes(), policy.value, profile, keep_trace=keep_trace)


def _visible(text: str) -> str:
    return escape("".join(c if ord(c) >= 32 else f"\\x{ord(c):02x}" for c in text))


def _print_errors(errors: list[EdiError]) -> None:
    n_err = sum(1 for e in errors if e.severity == "error")
    console.print(f"[bold]{n_err} error(s), {len(errors) - n_err} warning(s)[/bold]")
    for e in errors:
        colour = "red" if e.severity == "error" else "yellow"
        console.print(f"[{colour}]{e.severity:<7}[/{colour}] {_visible(str(e))}", soft_wrap=True)


def _add_branch(node: Tree, branch: LoopBranch, sep: str, budget: list[int]) -> None:
    for child in branch.children:
        if budget[0] <= 0:
            node.add("[dim]…[/dim]")
            return
        if isinstance(child, LoopBranch):
            sub = node.add(f"[cyan]loop {escape(child.loop_id)}[/cyan]")
            _add_branch(sub, child, sep, budget)
        elif isinstance(child, SegmentLeaf):
            budget[0] -= 1
            seg_id, *rest = child.elements
            node.add(
                f"[dim]{child.position:>4}[/dim] [bold]{escape(seg_id)}[/bold] {_visible(sep.join(rest))}"
            )


def _exit_code(doc: Document) -> int:
    return 0 if doc.accepted and doc.valid else 1


@app.command()
def parse(
    file: FileArg,
    policy: PolicyOpt = PolicyOption.lenient,
    max_segments: Annotated[int, typer.Option(help="segments shown per set")] = 500,
) -> None:
    """Show the interchange as a tree (envelopes, sets, loops, segments) and any problems."""
    doc = _load(file, policy, keep_trace=True)  # the validation's loop walk gives the trees
    root = Tree(f"[bold]{escape(file.name)}[/bold]  ({doc.segment_count} segments, policy {doc.policy.name})")
    for ic in doc.interchanges:
        d = ic.delimiters
        ic_node = root.add(
            f"[magenta]ISA {escape(ic.control)}[/magenta] {escape(ic.sender[1])} → {escape(ic.receiver[1])}"
            f"  version {escape(ic.version)}  usage {escape(ic.usage)}  delimiters {_visible(d.describe())}"
        )
        for g in ic.groups:
            g_node = ic_node.add(
                f"[green]GS {escape(g.functional_id)} {escape(g.control)}[/green]"
                f"  version {escape(g.version)}"
                f"  {len(g.sets)} set(s)"
            )
            for ts in g.sets:
                s_node = g_node.add(f"[yellow]ST {escape(ts.set_id)} {escape(ts.control)}[/yellow]")
                _add_branch(s_node, set_tree(ts), d.element, [max_segments])
    for ts in doc.bare_sets:
        s_node = root.add(f"[yellow]ST {escape(ts.set_id)} {escape(ts.control)}[/yellow] (no envelope)")
        _add_branch(s_node, set_tree(ts), ts.chunk.delimiters.element, [max_segments])
    console.print(root, soft_wrap=True)
    errors = doc.all_errors()
    if errors:
        _print_errors(errors)
    raise typer.Exit(_exit_code(doc))


@app.command()
def validate(
    file: FileArg,
    partner: Annotated[Path | None, typer.Option("--partner", help="partner profile (YAML or JSON)")] = None,
    policy: PolicyOpt = PolicyOption.lenient,
) -> None:
    """Check envelopes and every transaction set; list every problem with its position."""
    profile: Profile | None = None
    if partner is not None:
        try:
            profile = load_profile(partner)
        except (OSError, DefinitionError, ValueError) as exc:
            err_console.print(f"[red]error:[/red] cannot read partner profile: {escape(str(exc))}")
            raise typer.Exit(2) from exc
    doc = _load(file, policy, profile)
    errors = doc.all_errors()
    sets = list(doc.sets())
    bad_sets = sum(1 for s in sets if s.has_errors)
    verdict = "accepted" if doc.accepted else "REJECTED"
    console.print(
        f"{escape(file.name)}: {len(doc.interchanges)} interchange(s), "
        f"{sum(1 for _ in doc.groups())} group(s), {len(sets)} set(s), {bad_sets} with errors; "
        f"{doc.segment_count} segments; policy {doc.policy.name}: "
        f"{verdict}",
        soft_wrap=True,
    )
    if errors:
        _print_errors(errors)
    else:
        console.print("[green]valid[/green]")
    raise typer.Exit(_exit_code(doc))


@app.command()
def ack(
    file: FileArg,
    kind: Annotated[
        AckKindOption, typer.Option("--kind", help="acknowledgment to build")
    ] = AckKindOption.k997,
    policy: PolicyOpt = PolicyOption.lenient,
) -> None:
    """Print the acknowledgment (997, 999 or TA1) this hub would send for FILE."""
    doc = _load(file, policy)
    if not doc.interchanges:
        err_console.print(
            "[red]no interchange to acknowledge[/red] (bare sets and unreadable data get no ack)"
        )
        for e in doc.all_errors():
            err_console.print(_visible(str(e)))
        raise typer.Exit(1)
    text = build_acknowledgment(doc, kind.value, InMemoryControlNumbers())  # type: ignore[arg-type]
    if text:
        typer.echo(text, nl=False)
    else:
        err_console.print("nothing to acknowledge (only FA groups: acknowledgments are never acknowledged)")
    raise typer.Exit(_exit_code(doc))
