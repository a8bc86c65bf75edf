"""Element-level checks: a fast whole-segment regex per (segment, delimiters), and the precise slow path.

A valid segment costs one ``re.fullmatch`` (plus date and syntax-rule checks where the segment has them);
only segments that fail the regex go through the per-element Python checks that produce AK4-grade errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from .errors import EdiError
from .schema import ElementDef, Pattern, Rule, SegmentDef
from .tokenizer import Delimiters

_NUMERIC = re.compile(r"-?\d+", re.ASCII)
_DECIMAL = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_TIME = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d(?:[0-5]\d(?:\d{1,2})?)?", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f]")
GOOD_CACHE_LIMIT = 50_000


@lru_cache(maxsize=65_536)
def valid_date(value: str) -> bool:
    try:
        if len(value) == 8:
            date(int(value[:4]), int(value[4:6]), int(value[6:]))
        elif len(value) == 6:
            date(2000 + int(value[:2]), int(value[2:4]), int(value[4:]))
        else:
            return False
    except ValueError:
        return False
    return value.isascii() and value.isdigit()


def _data_class(delims: Delimiters) -> str:
    chars = "".join(sorted(set(delims.chars())))
    return "[^" + re.escape(chars) + r"\x00-\x1f]"


def _element_pattern(el: ElementDef, delims: Delimiters, data: str) -> str:
    if el.not_used:
        return ""
    t = el.type
    if t == "C":
        comp = delims.component
        parts = el.components if comp else el.components[:1]
        return _nested(
            [(_element_pattern(c, delims, data), c.mandatory) for c in parts], re.escape(comp or "")
        )
    if el.codes is not None:
        return "(?:" + "|".join(re.escape(c) for c in sorted(el.codes, key=len, reverse=True)) + ")"
    if t in ("AN", "ID"):
        return f"{data}{{{el.min},{el.max}}}"
    if t.startswith("N"):
        return rf"-?\d{{{el.min},{el.max}}}"
    if t == "R":
        return rf"-?(?=\.?(?:\d\.?){{{el.min},{el.max}}}(?![\d.]))(?:\d+(?:\.\d*)?|\.\d+)"
    if t == "DT":
        return rf"\d{{{el.min},{el.max}}}"
    if t == "TM":
        return r"(?:[01]\d|2[0-3])[0-5]\d" + (r"(?:[0-5]\d(?:\d{1,2})?)?" if el.max > 4 else "")
    return f"{data}{{{el.min},{el.max}}}"


def _nested(items: list[tuple[str, bool]], sep: str) -> str:
    """``first(sep e2(sep e3)?)?``: trailing optional elements may be omitted, mandatory ones may not."""
    if not items:
        return ""
    tail = ""
    must = False
    for pattern, mandatory in reversed(items[1:]):
        body = pattern if mandatory else f"(?:{pattern})?"
        must = must or mandatory
        group = sep + body + tail
        tail = group if must else f"(?:{group})?"
    first, first_m = items[0]
    return (first if first_m else f"(?:{first})?") + tail


@dataclass(slots=True)
class CompiledSegment:
    seg: SegmentDef
    regex: re.Pattern[str]
    date_positions: tuple[int, ...]
    needs_split: bool
    good: set[str] = field(default_factory=set)
    rules_ok: dict[tuple[bool, ...], bool] = field(default_factory=dict)


_compiled: dict[tuple[int, Delimiters], CompiledSegment] = {}


def clear_caches() -> None:
    """Forget memoised results (known-good segments, dates); used to time cold runs."""
    for cs in _compiled.values():
        cs.good.clear()
        cs.rules_ok.clear()
    valid_date.cache_clear()


def compile_segment(seg: SegmentDef, delims: Delimiters) -> CompiledSegment:
    key = (id(seg), delims)
    hit = _compiled.get(key)
    if hit is not None and hit.seg is seg:
        return hit
    data = _data_class(delims)
    sep = re.escape(delims.element)
    pattern = re.escape(seg.id) + (
        sep + _nested([(_element_pattern(e, delims, data), e.mandatory) for e in seg.elements], sep)
        if seg.elements
        else ""
    )
    if seg.elements and not any(e.mandatory for e in seg.elements):
        pattern = re.escape(seg.id) + f"(?:{pattern[len(re.escape(seg.id)) :]})?"
    dates = tuple(i + 1 for i, e in enumerate(seg.elements) if e.type == "DT")
    compiled = CompiledSegment(
        seg, re.compile(pattern, re.ASCII), dates, bool(dates or seg.rules or seg.patterns)
    )
    _compiled[key] = compiled
    return compiled


def fast_ok(cs: CompiledSegment, raw: str, sep: str) -> bool:
    if raw in cs.good:
        return True
    if cs.regex.fullmatch(raw) is None:
        return False
    if cs.needs_split:
        parts = raw.split(sep)
        n = len(parts)
        for p in cs.date_positions:
            if p < n and parts[p] and not valid_date(parts[p]):
                return False
        if cs.seg.rules:
            # syntax rules only depend on which elements are present: memoise per presence pattern
            presence = tuple(map(bool, parts))
            ok = cs.rules_ok.get(presence)
            if ok is None:
                ok = all(_rule_violation(rule, parts) is None for rule in cs.seg.rules)
                cs.rules_ok[presence] = ok
            if not ok:
                return False
        for pat in cs.seg.patterns:
            if _pattern_violation(pat, parts):
                return False
    if len(cs.good) < GOOD_CACHE_LIMIT:
        cs.good.add(raw)
    return True


def _pattern_violation(pat: Pattern, parts: list[str]) -> bool:
    n = len(parts)
    if pat.when_element < n and parts[pat.when_element] == pat.when_value and pat.element < n:
        value = parts[pat.element]
        return value != "" and pat.regex.fullmatch(value) is None
    return False


def _present(parts: list[str], pos: int) -> bool:
    return pos < len(parts) and parts[pos] != ""


def _rule_violation(rule: Rule, parts: list[str]) -> tuple[str, int, str] | None:
    """(error code, element position, explanation) when the syntax note is violated."""
    pos = rule.positions
    present = [_present(parts, p) for p in pos]
    k = rule.kind
    names = ", ".join(f"{p:02d}" for p in pos)
    if k == "P" and any(present) and not all(present):
        missing = pos[present.index(False)]
        return "ELEMENT_CONDITIONAL_MISSING", missing, f"elements {names} must be used together ({rule.text})"
    if k == "R" and not any(present):
        return (
            "ELEMENT_CONDITIONAL_MISSING",
            pos[0],
            f"at least one of elements {names} is required ({rule.text})",
        )
    if k == "C" and present[0] and not all(present[1:]):
        missing = pos[1 + present[1:].index(False)]
        return (
            "ELEMENT_CONDITIONAL_MISSING",
            missing,
            f"element {pos[0]:02d} requires {names[4:]} ({rule.text})",
        )
    if k == "E" and sum(present) > 1:
        second = [p for p, f in zip(pos, present, strict=True) if f][1]
        return "ELEMENT_EXCLUSION_VIOLATED", second, f"only one of elements {names} may be used ({rule.text})"
    if k == "L" and present[0] and not any(present[1:]):
        return (
            "ELEMENT_CONDITIONAL_MISSING",
            pos[1],
            f"element {pos[0]:02d} requires one of {names[4:]} ({rule.text})",
        )
    return None


def _check_value(el: ElementDef, value: str, delims: Delimiters) -> tuple[str, str, str] | None:
    """(code, message, expected) for one simple element value, or None when fine."""
    if value == "":
        if el.mandatory:
            return "ELEMENT_MANDATORY_MISSING", f"{el.ref} is mandatory", "a value"
        return None
    if el.not_used:
        return "ELEMENT_NOT_USED", f"{el.ref} is not used by this partner", "empty"
    if delims.repetition and delims.repetition in value:
        return "ELEMENT_TOO_MANY_REPETITIONS", f"{el.ref} is not repeatable", "one value"
    if delims.component and delims.component in value:
        return "ELEMENT_TOO_MANY_COMPONENTS", f"{el.ref} is not a composite", "no component separator"
    if _CONTROL.search(value):
        return "ELEMENT_INVALID_CHARACTER", f"{el.ref} contains a control character", "printable characters"
    t = el.type
    if t.startswith("N") or t == "R":
        if not (_NUMERIC if t.startswith("N") else _DECIMAL).fullmatch(value):
            kind = "an integer" if t.startswith("N") else "a decimal number"
            return "ELEMENT_INVALID_CHARACTER", f"{el.ref} must be {kind}", kind
        size = sum(c in "0123456789" for c in value)
    elif t == "DT":
        if not valid_date(value) or not el.min <= len(value) <= el.max:
            fmt = "CCYYMMDD" if el.max == 8 else "YYMMDD"
            return "ELEMENT_INVALID_DATE", f"{el.ref} is not a valid {fmt} date", fmt
        return None
    elif t == "TM":
        if not _TIME.fullmatch(value) or not el.min <= len(value) <= el.max:
            return "ELEMENT_INVALID_TIME", f"{el.ref} is not a valid HHMM[SS[dd]] time", "HHMM[SS[dd]]"
        return None
    else:
        size = len(value)
    if size < el.min:
        return "ELEMENT_TOO_SHORT", f"{el.ref} is {size} long, minimum {el.min}", f"{el.min}-{el.max}"
    if size > el.max:
        return "ELEMENT_TOO_LONG", f"{el.ref} is {size} long, maximum {el.max}", f"{el.min}-{el.max}"
    if el.codes is not None and value not in el.codes:
        code = "ELEMENT_CODE_NOT_USED" if el.partner_codes else "ELEMENT_INVALID_CODE"
        shown = "|".join(sorted(el.codes)) if len(el.codes) <= 12 else f"one of {len(el.codes)} codes"
        return code, f"{el.ref} value {value!r} is not in its code list", shown
    return None


def check_segment(
    seg: SegmentDef, raw: str, delims: Delimiters, segment_no: int, set_position: int, loop_id: str | None
) -> list[EdiError]:
    """Every element problem of one segment, with positions (the slow, precise path)."""
    errors: list[EdiError] = []
    parts = raw.split(delims.element)

    def add(
        code: str,
        msg: str,
        pos: int,
        comp: int | None,
        el: ElementDef | None,
        exp: str | None,
        found: str | None,
    ):
        errors.append(
            EdiError(
                code,
                msg,
                segment_no=segment_no,
                segment_id=seg.id,
                set_position=set_position,
                element=pos,
                component=comp,
                expected=exp,
                found=found,
                loop_id=loop_id,
                data_element=el.de if el else None,
            )
        )

    defined = len(seg.elements)
    if len(parts) - 1 > defined:
        extra = parts[defined + 1 :]
        if any(extra):
            add(
                "ELEMENT_TOO_MANY",
                f"{seg.id} defines {defined} elements, found {len(parts) - 1}",
                defined + 1,
                None,
                None,
                str(defined),
                "*".join(extra)[:40],
            )
    for i, el in enumerate(seg.elements):
        pos = i + 1
        value = parts[pos] if pos < len(parts) else ""
        if el.type == "C":
            if value == "":
                if el.mandatory:
                    add("ELEMENT_MANDATORY_MISSING", f"{el.ref} is mandatory", pos, None, el, "a value", "")
                continue
            if el.not_used:
                add(
                    "ELEMENT_NOT_USED", f"{el.ref} is not used by this partner", pos, None, el, "empty", value
                )
                continue
            comps = value.split(delims.component) if delims.component else [value]
            if len(comps) > len(el.components):
                add(
                    "ELEMENT_TOO_MANY_COMPONENTS",
                    f"{el.ref} has {len(comps)} components, at most {len(el.components)}",
                    pos,
                    len(el.components) + 1,
                    el,
                    str(len(el.components)),
                    value,
                )
            for j, comp_def in enumerate(el.components):
                cval = comps[j] if j < len(comps) else ""
                problem = _check_value(comp_def, cval, Delimiters(delims.element, None, delims.segment))
                if problem:
                    add(problem[0], problem[1], pos, j + 1, comp_def, problem[2], cval)
            continue
        problem = _check_value(el, value, delims)
        if problem:
            add(problem[0], problem[1], pos, None, el, problem[2], value)
    for pat in seg.patterns:
        if _pattern_violation(pat, parts):
            el = seg.elements[pat.element - 1]
            qualifier = f"{seg.id}{pat.when_element:02d}={pat.when_value}"
            add(
                "ELEMENT_PATTERN_MISMATCH",
                f"{el.ref} must be {pat.meaning} when {qualifier}",
                pat.element,
                None,
                el,
                pat.regex.pattern,
                parts[pat.element],
            )
    for rule in seg.rules:
        violation = _rule_violation(rule, parts)
        if violation:
            code, pos, msg = violation
            el = seg.elements[pos - 1] if pos - 1 < defined else None
            add(code, f"{seg.id}: {msg}", pos, None, el, None, parts[pos] if pos < len(parts) else "")
    return errors
