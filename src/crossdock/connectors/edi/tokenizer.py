"""Byte/str -> segments, with delimiters read from the fixed ISA positions.

Speed matters (files of 200k segments): the work is done by ``str.replace``/``str.split`` on the whole body;
Python-level loops only run on the rare paths (line breaks inside segments, a second interchange with other
delimiters). Segments are kept as raw strings; elements are split on demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import EdiError

BOM = "\ufeff"
# Offsets of the element separator inside a fixed-width ISA, then ISA16 and the segment terminator.
ISA_SEPARATOR_OFFSETS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
ISA_COMPONENT_OFFSET = 104
ISA_TERMINATOR_OFFSET = 105
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)  # ISA01..ISA16
ISA_NAMES = {
    1: "authorization qualifier",
    2: "authorization information",
    3: "security qualifier",
    4: "security information",
    5: "sender ID qualifier",
    6: "sender ID",
    7: "receiver ID qualifier",
    8: "receiver ID",
    9: "date",
    10: "time",
    11: "standards ID / repetition separator",
    12: "version",
    13: "control number",
    14: "acknowledgment requested",
    15: "usage indicator",
    16: "component separator",
}
LINE_BREAKS = "\r\n"
LIKELY_TERMINATORS = "~'!$|\x1c\x1e\x85"


@dataclass(frozen=True, slots=True)
class Delimiters:
    element: str = "*"
    component: str | None = ">"
    segment: str = "~"
    repetition: str | None = None
    suffix: str = ""  # cosmetic characters written/accepted after each terminator, e.g. "\n"

    def chars(self) -> str:
        return "".join(c for c in (self.element, self.component, self.segment, self.repetition) if c)

    def describe(self) -> str:
        def show(c: str | None) -> str:
            return "none" if c is None else repr(c)

        return (
            f"element {show(self.element)}, component {show(self.component)}, "
            f"segment {show(self.segment)}, repetition {show(self.repetition)}"
        )


@dataclass(slots=True)
class Chunk:
    """Consecutive segments that share one delimiter set: one or more interchanges, or a bare ST..SE."""

    delimiters: Delimiters
    raw: list[str]  # segment text without terminator
    ids: list[str]
    first_no: int  # file segment number of raw[0] (1-based)
    enveloped: bool = True
    _split: list[list[str]] | None = field(default=None, repr=False)

    def elements(self, index: int) -> list[str]:
        return self.raw[index].split(self.delimiters.element)

    @property
    def segments(self) -> list[list[str]]:
        """All segments split into elements (computed once, on demand)."""
        if self._split is None:
            sep = self.delimiters.element
            self._split = [s.split(sep) for s in self.raw]
        return self._split


@dataclass(slots=True)
class Tokenized:
    chunks: list[Chunk]
    errors: list[EdiError]

    @property
    def fatal(self) -> bool:
        return not self.chunks

    def segment_count(self) -> int:
        return sum(len(c.raw) for c in self.chunks)


def decode(data: bytes | str) -> str:
    """UTF-8 when it decodes, else latin-1 (never fails); a leading BOM is dropped."""
    if isinstance(data, bytes):
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    else:
        text = data
    return text[1:] if text.startswith(BOM) else text


def _segment_ids(raw: list[str], sep: str) -> list[str]:
    # IDs are 2 or 3 characters; slicing beats partition() for 200k segments.
    return [s[:2] if s[2:3] == sep else (s[:3] if s[3:4] in (sep, "") else s.partition(sep)[0]) for s in raw]


@dataclass(slots=True)
class _IsaRead:
    delimiters: Delimiters
    raw: str  # ISA text without terminator
    end: int  # index just after terminator + suffix
    errors: list[EdiError]
    fatal: bool = False


def _isa_error(code: str, message: str, seg_no: int, element: int | None = None, **kw: str) -> EdiError:
    return EdiError(code, message, segment_no=seg_no, segment_id="ISA", element=element, **kw)


def read_isa(text: str, start: int, seg_no: int) -> _IsaRead:
    """Read delimiters from an ISA at ``start``; falls back to separator counting when not fixed width."""
    errors: list[EdiError] = []
    sep = text[start + 3 : start + 4]
    if not sep or sep.isalnum() or sep in LINE_BREAKS + " ":
        errors.append(
            _isa_error(
                "DELIMITER_INVALID",
                "the element separator (4th character of ISA) is unusable",
                seg_no,
                expected="a non-alphanumeric character",
                found=sep,
            )
        )
        return _IsaRead(Delimiters(), "", len(text), errors, fatal=True)
    fixed = len(text) >= start + 106 and all(text[start + o] == sep for o in ISA_SEPARATOR_OFFSETS)
    if fixed:
        comp = text[start + ISA_COMPONENT_OFFSET]
        term = text[start + ISA_TERMINATOR_OFFSET]
        isa_raw = text[start : start + ISA_COMPONENT_OFFSET + 1]
        end = start + ISA_TERMINATOR_OFFSET + 1
    else:
        positions: list[int] = []
        p = start + 3
        limit = min(len(text), start + 250)
        while len(positions) < 16:
            p = text.find(sep, p, limit)
            if p < 0:
                break
            positions.append(p)
            p += 1
        if len(positions) < 16 or positions[-1] + 2 >= len(text):
            errors.append(
                _isa_error(
                    "ISA_TRUNCATED",
                    f"the ISA has only {len(positions)} element separators",
                    seg_no,
                    expected="16",
                    found=str(len(positions)),
                )
            )
            return _IsaRead(Delimiters(element=sep), "", len(text), errors, fatal=True)
        last = positions[-1]
        comp = text[last + 1]
        term = text[last + 2]
        isa_raw = text[start : last + 2]
        end = last + 3
        bounds = [*positions, last + 2]
        for i in range(16):
            width = bounds[i + 1] - bounds[i] - 1
            if width != ISA_WIDTHS[i]:
                value = text[bounds[i] + 1 : bounds[i + 1]]
                errors.append(
                    _isa_error(
                        "ISA_WIDTH",
                        f"ISA{i + 1:02d} ({ISA_NAMES[i + 1]}) is {width} characters wide, "
                        f"expected {ISA_WIDTHS[i]}: the ISA is not fixed width",
                        seg_no,
                        i + 1,
                        expected=f"{ISA_WIDTHS[i]} characters",
                        found=value,
                    )
                )
    # ISA ending "*P*~" + LF: "~" lands in ISA16 and LF becomes the terminator, so every later segment
    # ends with the would-be component separator. Detect it on the next segment.
    if term in LINE_BREAKS and comp not in LINE_BREAKS:
        nxt = text.find(term, end)
        following = text[end : nxt if nxt >= 0 else len(text)].rstrip("\r")
        if following[:2] == "GS" and following.endswith(comp):
            errors.append(
                _isa_error(
                    "ISA16_MISSING",
                    f"ISA16 is missing: the ISA ends {text[end - 4 : end - 1]!r} and the next segment ends "
                    f"with {comp!r}, so {comp!r} is the segment terminator, not the component separator",
                    seg_no,
                    16,
                    expected="component separator, then segment terminator",
                    found=f"{comp!r} then {term!r}",
                )
            )
            isa_raw = isa_raw[:-1]
            term, comp = comp, None  # type: ignore[assignment]
            end -= 1
    suffix = ""
    if term not in LINE_BREAKS:
        while end < len(text) and text[end] in LINE_BREAKS and len(suffix) < 2:
            suffix += text[end]
            end += 1
    elif term == "\r" and text[end : end + 1] == "\n":
        suffix, end = "\n", end + 1
    chars = [c for c in (sep, comp, term) if c is not None]
    if len(set(chars)) != len(chars) or any(c.isalnum() for c in chars):
        errors.append(
            _isa_error(
                "DELIMITER_INVALID",
                "the delimiters must be distinct and non-alphanumeric",
                seg_no,
                16,
                found=f"element {sep!r}, component {comp!r}, segment {term!r}",
            )
        )
        if term == sep or term.isalnum():
            return _IsaRead(Delimiters(element=sep), isa_raw, end, errors, fatal=True)
    parts = isa_raw.split(sep)
    rep = None
    if len(parts) > 12:
        isa11, isa12 = parts[11], parts[12]
        # ISA11 became the repetition separator in 00402+; trust it only when it is not alphanumeric.
        if len(isa11) == 1 and not isa11.isalnum() and isa11 not in chars and isa12 >= "00402":
            rep = isa11
    return _IsaRead(Delimiters(sep, comp, term, rep, suffix), isa_raw, end, errors)


def _split_body(body: str, delims: Delimiters, first_no: int, errors: list[EdiError]) -> list[str]:
    term = delims.segment
    if delims.suffix:
        body = body.replace(term + delims.suffix, term)
    raw = body.split(term)
    while raw and not raw[-1].strip():  # final terminator present, or trailing blank lines
        raw.pop()
    if term == "\n":
        if "\r" in body:
            raw = [s.rstrip("\r") for s in raw]
    elif "\n" in body or "\r" in body:
        raw = [s.strip(LINE_BREAKS) if ("\n" in s or "\r" in s) else s for s in raw]
    if "" in raw:
        kept: list[str] = []
        for s in raw:
            if s:
                kept.append(s)
            else:
                errors.append(
                    EdiError(
                        "EMPTY_SEGMENT",
                        "empty segment (two terminators in a row) skipped",
                        "warning",
                        segment_no=first_no + len(kept),
                    )
                )
        raw = kept
    if term != "\n" and ("\n" in body or "\r" in body):
        for i, s in enumerate(raw):
            if "\n" in s or "\r" in s:
                errors.append(_line_break_error(s, delims, first_no + i))
    return raw


def _line_break_error(segment: str, delims: Delimiters, segment_no: int) -> EdiError:
    term = delims.segment
    brk = min(p for p in (segment.find("\n"), segment.find("\r")) if p >= 0)
    before = segment[brk - 1] if brk else ""
    hint = (
        f"; {before!r} right before it looks like a foreign segment terminator"
        if before and before in LIKELY_TERMINATORS and before != term
        else ""
    )
    sid = segment[:3].split(delims.element)[0]
    return EdiError(
        "EMBEDDED_LINE_BREAK",
        f"segment {sid!r} contains a line break inside its data (segment terminator is {term!r}); "
        f"the segment terminator is probably missing{hint}",
        segment_no=segment_no,
        segment_id=sid,
        found=segment[max(0, brk - 20) : brk + 20],
    )


def _guess_bare_delimiters(text: str) -> Delimiters:
    sep = text[2]
    nl = text.find("\n")
    first = (text[:nl] if nl >= 0 else text).rstrip("\r")
    last = first[-1:] if first else ""
    if last and not last.isalnum() and last not in (sep, " "):
        return Delimiters(sep, None, last, None, "\n" if nl >= 0 else "")
    return Delimiters(sep, None, "\n", None, "")


def tokenize(data: bytes | str) -> Tokenized:
    """Split ``data`` into chunks of segments. Fatal problems leave ``chunks`` empty."""
    text = decode(data)
    errors: list[EdiError] = []
    stripped = text.lstrip()
    if not stripped.startswith("ISA"):
        if stripped.startswith("ST") and len(stripped) > 3 and not stripped[2].isalnum():
            delims = _guess_bare_delimiters(stripped)
            errors.append(
                EdiError(
                    "BARE_SET",
                    "transaction set without ISA/GS envelope; delimiters guessed as " + delims.describe(),
                    "warning",
                    segment_no=1,
                    segment_id="ST",
                )
            )
            raw = _split_body(stripped, delims, 1, errors)
            ids = _segment_ids(raw, delims.element)
            return Tokenized([Chunk(delims, raw, ids, 1, enveloped=False)], errors)
        at = stripped.find("ISA")
        if at < 0:
            errors.append(
                EdiError(
                    "NO_ISA",
                    "the data does not start with ISA and holds no ISA segment",
                    expected="ISA",
                    found=stripped[:20],
                )
            )
            return Tokenized([], errors)
        errors.append(
            EdiError(
                "LEADING_DATA",
                f"{at} characters before the first ISA were skipped",
                found=stripped[: min(at, 40)],
            )
        )
        stripped = stripped[at:]
    chunks: list[Chunk] = []
    seg_no = 1
    rest = stripped
    while rest:
        isa = read_isa(rest, 0, seg_no)
        errors.extend(isa.errors)
        if isa.fatal:
            break
        delims = isa.delimiters
        mark = len(errors)
        raw = [isa.raw, *_split_body(rest[isa.end :], delims, seg_no + 1, errors)]
        ids = _segment_ids(raw, delims.element)
        if rest.find("ISA", isa.end) >= 0:
            # A later interchange with other delimiters restarts delimiter discovery from its ISA.
            for i in range(1, len(raw)):
                if raw[i].startswith("ISA") and not _same_isa_delimiters(raw[i], delims):
                    rest = (delims.segment + delims.suffix).join(raw[i:])
                    del raw[i:], ids[i:]
                    # the remainder is re-read with its own delimiters: drop what this pass said about it
                    cut = seg_no + i
                    errors[mark:] = [e for e in errors[mark:] if (e.segment_no or 0) < cut]
                    break
            else:
                rest = ""
        else:
            rest = ""
        chunks.append(Chunk(delims, raw, ids, seg_no))
        seg_no += len(raw)
    return Tokenized(chunks, errors)


def _same_isa_delimiters(isa_raw: str, delims: Delimiters) -> bool:
    return len(isa_raw) >= 105 and isa_raw[3] == delims.element and isa_raw[104] == delims.component
