"""Loop tree of a transaction set (for display): nested loops with their segments."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import TransactionSet
from .schema import DefinitionError, load_set
from .validator import validate_segments
from .versions import release_of


@dataclass(slots=True)
class SegmentLeaf:
    position: int  # from ST = 1
    segment_no: int
    elements: list[str]


@dataclass(slots=True)
class LoopBranch:
    loop_id: str
    children: list[SegmentLeaf | LoopBranch] = field(default_factory=list)


def set_tree(ts: TransactionSet, version: str | None = None) -> LoopBranch:
    """Segments of ``ts`` nested in their loops; flat when no definition applies.

    Uses the loop walk validation kept (``read(..., keep_trace=True)``), else walks the set here.
    """
    root = LoopBranch("")
    segs = ts.segments
    release = release_of(version or ts.version or "004010")
    # a kept walk is for the set's own version; another version needs its own walk
    trace = ts.loop_trace if version is None else None
    if trace is None:
        try:
            set_def = load_set(ts.set_id, release or "", None) if release else None
        except DefinitionError:
            set_def = None
        if set_def is not None:
            trace = []
            chunk = ts.chunk
            validate_segments(
                set_def, ts.raw, chunk.ids[ts.start : ts.end + 1], chunk.delimiters, ts.first_no, trace
            )
    first = ts.first_no
    if trace is None:
        root.children = [SegmentLeaf(i + 1, first + i, s) for i, s in enumerate(segs)]
        return root
    stack = [root]
    for i, (path, started) in enumerate(trace):
        keep = len(path) - 1 if started else len(path)
        # keep the open branches that still match the path prefix
        depth = 0
        while depth < min(keep, len(stack) - 1) and stack[depth + 1].loop_id == path[depth]:
            depth += 1
        del stack[depth + 1 :]
        while len(stack) - 1 < len(path):
            branch = LoopBranch(path[len(stack) - 1])
            stack[-1].children.append(branch)
            stack.append(branch)
        stack[-1].children.append(SegmentLeaf(i + 1, first + i, segs[i]))
    return root
