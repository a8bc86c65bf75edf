"""Validate transaction sets against their compiled definitions: loop walk + element checks.

The loop walk keeps a stack of open loops (each with its current position and use counts). A segment is
looked up in the innermost loop first, then in the enclosing ones (which closes the inner loops); a loop's
trigger segment at the loop's own position starts a new repetition.
"""

from __future__ import annotations

from .elements import CompiledSegment, check_segment, compile_segment, fast_ok
from .errors import EdiError
from .model import Document, TransactionSet
from .schema import KNOWN_SEGMENT_IDS, DefinitionError, LoopNode, Profile, SegmentNode, SetDef, SetDefinitions
from .tokenizer import Delimiters
from .versions import release_of


def _missing(node: SegmentNode | LoopNode, at_no: int, at_pos: int, loop_id: str) -> EdiError:
    sid = node.trigger
    code = "SEGMENT_REQUIRED_MISSING" if node.partner_required else "SEGMENT_MANDATORY_MISSING"
    what = f"loop {node.loop_id} (starting with {sid})" if isinstance(node, LoopNode) else f"segment {sid}"
    who = "the partner profile" if node.partner_required else "the definition"
    return EdiError(
        code,
        f"{what} is required by {who} but missing",
        segment_no=at_no,
        segment_id=sid,
        set_position=at_pos,
        loop_id=loop_id or None,
        expected=sid,
    )


def validate_segments(
    set_def: SetDef,
    raw: list[str],
    ids: list[str],
    delims: Delimiters,
    first_no: int,
    trace: list[tuple[tuple[str, ...], bool]] | None = None,
) -> list[EdiError]:
    """Validate one set given as raw segment strings ST..SE (``ids`` are their segment IDs).

    When ``trace`` is a list, (loop path, starts a loop pass) of every segment is appended to it (for trees).
    """
    errors: list[EdiError] = []
    sep = delims.element
    root = set_def.root
    compiled: dict[str, CompiledSegment] | None = set_def.compiled.get(delims)
    if compiled is None:
        compiled = set_def.compiled[delims] = {
            sid: compile_segment(seg, delims) for sid, seg in set_def.segments.items()
        }
    # frame = [loop, current child index, use counts per child]
    stack: list[list] = [[root, 0, [1] + [0] * (len(root.children) - 1)]]
    n = len(raw)
    if not ids or ids[0] != "ST":
        return [EdiError("ST01_INVALID", "set does not start with ST", segment_no=first_no)]
    if trace is not None:
        trace.append(((), False))
    for k in range(1, n):
        sid = ids[k]
        d = len(stack) - 1
        p = -1
        while d >= 0:
            frame = stack[d]
            positions = frame[0].index.get(sid)
            if positions is not None:
                cur = frame[1]
                for q in positions:
                    # index 0 is ST or a loop trigger: its repeat is a new loop pass, found a level up
                    if q >= cur and q > 0:
                        p = q
                        break
                if p >= 0:
                    break
            d -= 1
        seg_no = first_no + k
        if p < 0:
            errors.append(_unexpected(set_def, stack, sid, seg_no, k + 1))
            if trace is not None:
                trace.append((tuple(f[0].loop_id for f in stack[1:]), False))
            continue
        while len(stack) - 1 > d:
            _close(stack.pop(), errors, seg_no, k + 1)
        frame = stack[d]
        loop: LoopNode = frame[0]
        cur = frame[1]
        counts = frame[2]
        children = loop.children
        if p > cur:
            for i in range(cur + 1, p):
                if counts[i] == 0 and children[i].mandatory:
                    errors.append(_missing(children[i], seg_no, k + 1, loop.loop_id))
        child = children[p]
        counts[p] += 1
        frame[1] = p
        if counts[p] > child.max_use:
            if child.is_loop:
                errors.append(
                    EdiError(
                        "LOOP_TOO_MANY",
                        f"loop {child.loop_id} repeats {counts[p]} times, maximum {child.max_use}",
                        segment_no=seg_no,
                        segment_id=sid,
                        set_position=k + 1,
                        loop_id=child.loop_id,
                        expected=str(child.max_use),
                        found=str(counts[p]),
                    )
                )
            else:
                errors.append(
                    EdiError(
                        "SEGMENT_TOO_MANY",
                        f"segment {sid} used {counts[p]} times, maximum {child.max_use}",
                        segment_no=seg_no,
                        segment_id=sid,
                        set_position=k + 1,
                        loop_id=loop.loop_id or None,
                        expected=str(child.max_use),
                        found=str(counts[p]),
                    )
                )
        if child.is_loop:
            node = child.children[0]
            stack.append([child, 0, [1] + [0] * (len(child.children) - 1)])
            loop_id = child.loop_id
        else:
            node = child
            loop_id = loop.loop_id
        if trace is not None:
            trace.append((tuple(f[0].loop_id for f in stack[1:]), child.is_loop))
        if node.not_used or child.not_used:
            errors.append(
                EdiError(
                    "SEGMENT_NOT_USED",
                    f"segment {sid} is not used by this partner",
                    segment_no=seg_no,
                    segment_id=sid,
                    set_position=k + 1,
                    loop_id=loop_id or None,
                )
            )
            continue
        if sid == "SE":
            continue  # SE01/SE02 are checked by the envelope layer
        cs = compiled[sid]
        r = raw[k]
        if r not in cs.good and not fast_ok(cs, r, sep):
            errors.extend(check_segment(cs.seg, r, delims, seg_no, k + 1, loop_id or None))
    while len(stack) > 1:
        _close(stack.pop(), errors, first_no + n - 1, n)
    _close(stack[0], errors, first_no + n - 1, n)
    if set_def.set_id == "856":
        errors.extend(_check_hl(raw, ids, sep, first_no))
    return errors


def _close(frame: list, errors: list[EdiError], seg_no: int, pos: int) -> None:
    loop: LoopNode = frame[0]
    counts = frame[2]
    for i in range(frame[1] + 1, len(loop.children)):
        child = loop.children[i]
        if counts[i] == 0 and child.mandatory:
            errors.append(_missing(child, seg_no, pos, loop.loop_id))


def _unexpected(set_def: SetDef, stack: list[list], sid: str, seg_no: int, pos: int) -> EdiError:
    loop_id = stack[-1][0].loop_id or None
    if sid not in set_def.segments:
        if sid in KNOWN_SEGMENT_IDS:
            code, msg = (
                "SEGMENT_NOT_IN_SET",
                f"segment {sid} is not defined in transaction set {set_def.set_id}",
            )
        else:
            code, msg = "SEGMENT_UNRECOGNIZED", f"unrecognized segment ID {sid!r}"
    elif any(sid in frame[0].index for frame in stack):
        code, msg = "SEGMENT_OUT_OF_ORDER", f"segment {sid} is out of sequence here"
    else:
        code, msg = "SEGMENT_UNEXPECTED", f"segment {sid} is not allowed in the current loop"
    return EdiError(code, msg, segment_no=seg_no, segment_id=sid, set_position=pos, loop_id=loop_id)


def _check_hl(raw: list[str], ids: list[str], sep: str, first_no: int) -> list[EdiError]:
    """HL01 unique, HL02 points to an earlier HL, HL04=1 only when a child follows (x12-notes §3.7)."""
    errors: list[EdiError] = []
    seen: set[str] = set()
    hls: list[tuple[int, list[str]]] = [(k, raw[k].split(sep)) for k, sid in enumerate(ids) if sid == "HL"]
    parents = {parts[2] for _, parts in hls if len(parts) > 2 and parts[2]}
    for n, (k, parts) in enumerate(hls):
        hl01 = parts[1] if len(parts) > 1 else ""
        hl02 = parts[2] if len(parts) > 2 else ""
        hl04 = parts[4] if len(parts) > 4 else ""

        def bad(element: int, msg: str, found: str, k: int = k, severity: str = "error") -> None:
            errors.append(
                EdiError(
                    "HL_STRUCTURE",
                    msg,
                    severity,
                    segment_no=first_no + k,  # type: ignore[arg-type]
                    segment_id="HL",
                    set_position=k + 1,
                    element=element,
                    found=found,
                    loop_id="HL",
                )
            )

        if hl01 in seen:
            bad(1, f"HL01 {hl01!r} is not unique", hl01)
        if hl02 and hl02 not in seen:
            bad(2, f"HL02 {hl02!r} does not point to an earlier HL", hl02)
        if not hl02 and n > 0:
            bad(2, "HL02 (parent) is empty on a child level", hl02)
        if hl04 == "1" and hl01 not in parents:
            bad(4, "HL04 says children follow, but no HL points to this one", hl04, severity="warning")
        if hl04 == "0" and hl01 in parents:
            bad(4, "HL04 says no children, but an HL points to this one", hl04, severity="warning")
        seen.add(hl01)
    return errors


def validate_set(
    ts: TransactionSet,
    profile: Profile | None = None,
    version: str | None = None,
    definitions: SetDefinitions | None = None,
    keep_trace: bool = False,
) -> list[EdiError]:
    """Validate ``ts`` and append the problems to ``ts.errors`` (also returned).

    ``definitions`` (built from ``profile``) lets a caller validating many sets look each set type up once;
    ``keep_trace`` stores the loop walk in ``ts.loop_trace`` so a tree needs no second walk.
    """
    label = version or ts.version or "004010"
    release = release_of(label)
    if release is None:
        return []
    try:
        set_def = (definitions or SetDefinitions(profile)).get(ts.set_id, release)
    except DefinitionError:
        return []
    chunk = ts.chunk
    trace: list[tuple[tuple[str, ...], bool]] | None = [] if keep_trace else None
    errors = validate_segments(
        set_def,
        chunk.raw[ts.start : ts.end + 1],
        chunk.ids[ts.start : ts.end + 1],
        chunk.delimiters,
        chunk.first_no + ts.start,
        trace,
    )
    ts.errors.extend(errors)
    ts.loop_trace = trace
    return errors


def validate_document(
    doc: Document, profile: Profile | None = None, bare_version: str = "004010", keep_trace: bool = False
) -> Document:
    """Validate every transaction set of ``doc`` in place (groups with an unsupported GS08 are skipped)."""
    definitions = SetDefinitions(profile)
    for ic in doc.interchanges:
        for g in ic.groups:
            if release_of(g.version) is None:
                continue
            for ts in g.sets:
                validate_set(ts, profile, None, definitions, keep_trace)
    for ts in doc.bare_sets:
        validate_set(ts, profile, bare_version, definitions, keep_trace)
    return doc
