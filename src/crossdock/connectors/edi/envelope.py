"""Envelope layer: ISA/GS/ST..SE/GE/IEA structure, counts, control numbers, functional IDs, versions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from .errors import EdiError
from .model import Document, FunctionalGroup, Interchange, Policy, TransactionSet
from .tokenizer import ISA_WIDTHS, Chunk, Tokenized
from .versions import FUNCTIONAL_IDS, is_fallback, release_of

ENVELOPE_IDS = frozenset(("ISA", "IEA", "GS", "GE", "ST", "SE", "TA1"))
_DIGITS = re.compile(r"\d+")


def _valid_date(value: str, fmt: str) -> bool:
    try:
        datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


def _valid_time(value: str) -> bool:
    return (
        len(value) in (4, 6, 7, 8)
        and value.isascii()
        and value.isdigit()
        and int(value[:2]) < 24
        and int(value[2:4]) < 60
        and (len(value) < 6 or int(value[4:6]) < 60)
    )


def check_isa(isa: list[str], seg_no: int) -> list[EdiError]:
    """Value checks on ISA elements (widths were checked by the tokenizer)."""
    errs: list[EdiError] = []

    def bad(n: int, message: str, expected: str) -> None:
        errs.append(
            EdiError(
                "ISA_VALUE",
                message,
                segment_no=seg_no,
                segment_id="ISA",
                element=n,
                expected=expected,
                found=isa[n] if len(isa) > n else None,
            )
        )

    if len(isa) < 17:
        errs.append(
            EdiError(
                "ISA_TRUNCATED",
                f"the ISA has {len(isa) - 1} elements",
                segment_no=seg_no,
                segment_id="ISA",
                expected="16",
                found=str(len(isa) - 1),
            )
        )
        return errs
    if len(isa[9]) != 6 or not _valid_date(isa[9], "%y%m%d"):
        bad(9, "ISA09 is not a valid YYMMDD date", "YYMMDD")
    if not _valid_time(isa[10]) or len(isa[10]) != 4:
        bad(10, "ISA10 is not a valid HHMM time", "HHMM")
    if not (len(isa[12]) == 5 and isa[12].isascii() and isa[12].isdigit()):
        bad(12, "ISA12 is not a 5-digit version number", "e.g. 00401 or 00501")
    if not (isa[13].isascii() and isa[13].isdigit() and len(isa[13]) <= ISA_WIDTHS[12]):
        bad(13, "ISA13 is not a numeric control number", "9 digits")
    if isa[14] not in ("0", "1"):
        bad(14, "ISA14 (acknowledgment requested) must be 0 or 1", "0|1")
    if isa[15] not in ("P", "T", "I"):
        bad(15, "ISA15 (usage indicator) must be P, T or I", "P|T|I")
    return errs


class _Builder:
    def __init__(self, doc: Document):
        self.doc = doc
        self.ic: Interchange | None = None
        self.group: FunctionalGroup | None = None
        self.set: TransactionSet | None = None
        self.chunk: Chunk | None = None
        self.st_controls: set[str] = set()

    def err(self, code: str, message: str, seg_no: int | None, seg_id: str | None, **kw: object) -> EdiError:
        return EdiError(code, message, segment_no=seg_no, segment_id=seg_id, **kw)  # type: ignore[arg-type]

    # -- closing helpers -------------------------------------------------------------------------------
    def close_set(self, last_index: int, at_no: int, why: str) -> None:
        ts = self.set
        if ts is None:
            return
        ts.end = last_index
        ts.errors.append(
            self.err(
                "SE_MISSING",
                f"transaction set {ts.set_id} {ts.control!r} has no SE: {why}",
                at_no,
                "ST",
                set_position=None,
                expected="SE",
            )
        )
        self.set = None

    def close_group(self, at_no: int, why: str) -> None:
        g = self.group
        if g is None:
            return
        g.errors.append(
            self.err(
                "GE_MISSING", f"functional group {g.control!r} has no GE: {why}", at_no, "GS", expected="GE"
            )
        )
        self.group = None

    def close_interchange(self, at_no: int, why: str) -> None:
        ic = self.ic
        if ic is None:
            return
        ic.errors.append(
            self.err(
                "IEA_MISSING", f"interchange {ic.control!r} has no IEA: {why}", at_no, "ISA", expected="IEA"
            )
        )
        self.ic = None

    # -- segment handlers ------------------------------------------------------------------------------
    def on_isa(self, chunk: Chunk, i: int, no: int) -> None:
        if self.set is not None:
            self.close_set(i - 1, no, "a new ISA starts")
        if self.group is not None:
            self.close_group(no, "a new ISA starts")
        if self.ic is not None:
            self.close_interchange(no, "a new ISA starts")
        isa = chunk.elements(i)
        ic = Interchange(isa, chunk.delimiters, no)
        ic.errors.extend(check_isa(isa, no))
        self.doc.interchanges.append(ic)
        self.ic = ic

    def on_gs(self, chunk: Chunk, i: int, no: int) -> None:
        gs = chunk.elements(i)
        if self.set is not None:
            self.close_set(i - 1, no, "a GS starts")
        if self.group is not None:
            self.close_group(no, "a new GS starts")
        g = FunctionalGroup(gs, no)
        if self.ic is None:
            self.doc.errors.append(self.err("SEGMENT_OUTSIDE_ENVELOPE", "GS outside an ISA..IEA", no, "GS"))
            return
        self.ic.groups.append(g)
        self.group = g
        self.st_controls = set()
        if len(gs) < 9:
            g.errors.append(
                self.err(
                    "GS_INVALID",
                    f"GS has {len(gs) - 1} elements",
                    no,
                    "GS",
                    expected="8",
                    found=str(len(gs) - 1),
                )
            )
            return
        for n, ok, expected in (
            (4, len(gs[4]) == 8 and _valid_date(gs[4], "%Y%m%d"), "CCYYMMDD date"),
            (5, _valid_time(gs[5]), "HHMM[SS[dd]] time"),
            (6, bool(_DIGITS.fullmatch(gs[6])) and len(gs[6]) <= 9, "1-9 digit control number"),
        ):
            if not ok:
                g.errors.append(
                    self.err(
                        "GS_INVALID",
                        f"GS{n:02d} is invalid",
                        no,
                        "GS",
                        element=n,
                        expected=expected,
                        found=gs[n],
                    )
                )
        if gs[1] not in FUNCTIONAL_IDS.values():
            g.errors.append(
                self.err(
                    "GROUP_NOT_SUPPORTED",
                    f"functional identifier {gs[1]!r} is not supported",
                    no,
                    "GS",
                    element=1,
                    expected="|".join(sorted(set(FUNCTIONAL_IDS.values()))),
                    found=gs[1],
                )
            )
        if release_of(gs[8]) is None:
            g.errors.append(
                self.err(
                    "UNSUPPORTED_VERSION",
                    f"GS08 {gs[8]!r} does not resolve to a supported release (4010 or 5010 family)",
                    no,
                    "GS",
                    element=8,
                    expected="004010.. or 005010..",
                    found=gs[8],
                )
            )
        elif is_fallback(gs[8]):
            g.errors.append(
                self.err(
                    "UNSUPPORTED_VERSION",
                    f"GS08 {gs[8]!r} is validated with the {release_of(gs[8])} definitions",
                    no,
                    "GS",
                    element=8,
                    found=gs[8],
                    severity="warning",
                )
            )
        isa12 = self.ic.version
        if isa12[:3] != gs[8][:3]:
            self.ic.errors.append(
                self.err(
                    "VERSION_MISMATCH",
                    f"GS08 {gs[8]!r} and ISA12 {isa12!r} name different releases",
                    no,
                    "GS",
                    element=8,
                    severity="warning",
                    expected=isa12,
                    found=gs[8],
                )
            )

    def on_st(self, chunk: Chunk, i: int, no: int) -> None:
        st = chunk.elements(i)
        if self.set is not None:
            self.close_set(i - 1, no, "a new ST starts")
        set_id = st[1] if len(st) > 1 else ""
        control = st[2] if len(st) > 2 else ""
        version = self.group.version if self.group is not None else ""
        ts = TransactionSet(chunk, i, i, set_id, control, version, st[3] if len(st) > 3 else None)
        if self.group is not None:
            self.group.sets.append(ts)
        elif chunk.enveloped:
            self.doc.errors.append(
                self.err("SEGMENT_OUTSIDE_ENVELOPE", "ST outside a GS..GE group", no, "ST")
            )
            self.doc.bare_sets.append(ts)
        else:
            self.doc.bare_sets.append(ts)
        self.set = ts
        if len(set_id) != 3 or not (set_id.isascii() and set_id.isdigit()):
            ts.errors.append(
                self.err(
                    "ST01_INVALID",
                    "ST01 is not a 3-digit set identifier",
                    no,
                    "ST",
                    element=1,
                    set_position=1,
                    found=set_id,
                )
            )
        elif set_id not in FUNCTIONAL_IDS:
            ts.errors.append(
                self.err(
                    "SET_NOT_SUPPORTED",
                    f"transaction set {set_id} is not supported",
                    no,
                    "ST",
                    element=1,
                    set_position=1,
                    expected="|".join(FUNCTIONAL_IDS),
                    found=set_id,
                )
            )
        elif self.group is not None and FUNCTIONAL_IDS[set_id] != self.group.functional_id:
            ts.errors.append(
                self.err(
                    "FUNCTIONAL_ID_MISMATCH",
                    f"a {set_id} belongs in a GS01={FUNCTIONAL_IDS[set_id]} group, not "
                    f"GS01={self.group.functional_id}",
                    no,
                    "ST",
                    element=1,
                    set_position=1,
                    expected=FUNCTIONAL_IDS[set_id],
                    found=self.group.functional_id,
                )
            )
        if not 4 <= len(control) <= 9:
            ts.errors.append(
                self.err(
                    "ST02_INVALID",
                    "ST02 must be 4-9 characters",
                    no,
                    "ST",
                    element=2,
                    set_position=1,
                    expected="4-9 characters",
                    found=control,
                )
            )
        elif self.group is not None:
            if control in self.st_controls:
                ts.errors.append(
                    self.err(
                        "ST02_DUPLICATE",
                        f"ST02 {control!r} is already used in this group",
                        no,
                        "ST",
                        element=2,
                        set_position=1,
                        found=control,
                    )
                )
            self.st_controls.add(control)

    def on_se(self, chunk: Chunk, i: int, no: int) -> None:
        se = chunk.elements(i)
        ts = self.set
        if ts is None:
            target = self.group.errors if self.group else self.doc.errors
            target.append(self.err("SEGMENT_OUTSIDE_ENVELOPE", "SE without a matching ST", no, "SE"))
            return
        ts.end = i
        self.set = None
        counted = i - ts.start + 1
        se01 = se[1] if len(se) > 1 else ""
        se02 = se[2] if len(se) > 2 else ""
        if se01 != str(counted) and not (se01.isascii() and se01.isdigit() and int(se01) == counted):
            ts.errors.append(
                self.err(
                    "SE01_COUNT",
                    f"SE01 says {se01!r} segments but ST..SE holds {counted}",
                    no,
                    "SE",
                    element=1,
                    set_position=counted,
                    expected=str(counted),
                    found=se01,
                )
            )
        if se02 != ts.control:
            ts.errors.append(
                self.err(
                    "SE02_MISMATCH",
                    f"SE02 {se02!r} does not match ST02 {ts.control!r}",
                    no,
                    "SE",
                    element=2,
                    set_position=counted,
                    expected=ts.control,
                    found=se02,
                )
            )

    def on_ge(self, chunk: Chunk, i: int, no: int) -> None:
        ge = chunk.elements(i)
        if self.set is not None:
            self.close_set(i - 1, no, "GE reached")
        g = self.group
        if g is None:
            target = self.ic.errors if self.ic else self.doc.errors
            target.append(self.err("SEGMENT_OUTSIDE_ENVELOPE", "GE without a matching GS", no, "GE"))
            return
        g.ge = ge
        self.group = None
        ge01 = ge[1] if len(ge) > 1 else ""
        ge02 = ge[2] if len(ge) > 2 else ""
        n = len(g.sets)
        if ge01 != str(n):
            g.errors.append(
                self.err(
                    "GE01_COUNT",
                    f"GE01 says {ge01!r} transaction sets but the group holds {n}",
                    no,
                    "GE",
                    element=1,
                    expected=str(n),
                    found=ge01,
                )
            )
        if n == 0:
            g.errors.append(
                self.err(
                    "GROUP_EMPTY",
                    "the functional group holds no transaction set",
                    no,
                    "GE",
                    severity="warning",
                )
            )
        if ge02 != g.control:
            g.errors.append(
                self.err(
                    "GE02_MISMATCH",
                    f"GE02 {ge02!r} does not match GS06 {g.control!r}",
                    no,
                    "GE",
                    element=2,
                    expected=g.control,
                    found=ge02,
                )
            )

    def on_iea(self, chunk: Chunk, i: int, no: int) -> None:
        iea = chunk.elements(i)
        if self.set is not None:
            self.close_set(i - 1, no, "IEA reached")
        if self.group is not None:
            self.close_group(no, "IEA reached")
        ic = self.ic
        if ic is None:
            self.doc.errors.append(
                self.err("SEGMENT_OUTSIDE_ENVELOPE", "IEA without a matching ISA", no, "IEA")
            )
            return
        ic.iea = iea
        self.ic = None
        iea01 = iea[1] if len(iea) > 1 else ""
        iea02 = iea[2] if len(iea) > 2 else ""
        n = len(ic.groups)
        if iea01 != str(n):
            ic.errors.append(
                self.err(
                    "IEA01_COUNT",
                    f"IEA01 says {iea01!r} functional groups but the interchange holds {n}",
                    no,
                    "IEA",
                    element=1,
                    expected=str(n),
                    found=iea01,
                )
            )
        if iea02 != ic.control:
            # Compared as strings of the fixed 9-digit form; a numerically equal value gets its own code.
            a, b = iea02.strip(" "), ic.control
            numeric_equal = a.isascii() and a.isdigit() and b.isascii() and b.isdigit() and int(a) == int(b)
            code = "IEA02_NOT_PADDED" if numeric_equal else "IEA02_MISMATCH"
            detail = "equal as numbers, but not the 9-digit string" if numeric_equal else "different numbers"
            ic.errors.append(
                self.err(
                    code,
                    f"IEA02 {iea02!r} does not match ISA13 {ic.control!r} ({detail})",
                    no,
                    "IEA",
                    element=2,
                    expected=ic.control,
                    found=iea02,
                )
            )

    def on_ta1(self, chunk: Chunk, i: int, no: int) -> None:
        if self.ic is not None and self.group is None:
            self.ic.ta1.append(chunk.elements(i))
        else:
            self.doc.errors.append(
                self.err("SEGMENT_OUTSIDE_ENVELOPE", "TA1 outside ISA or inside a group", no, "TA1")
            )

    def run_chunk(self, chunk: Chunk) -> None:
        self.chunk = chunk
        handlers = {
            "ISA": self.on_isa,
            "GS": self.on_gs,
            "ST": self.on_st,
            "SE": self.on_se,
            "GE": self.on_ge,
            "IEA": self.on_iea,
            "TA1": self.on_ta1,
        }
        ids = chunk.ids
        first = chunk.first_no
        env = ENVELOPE_IDS
        # Only envelope segments need Python work here; body segments are sliced later by index.
        stray_from: int | None = None
        for i, sid in enumerate(ids):
            if sid in env:
                handlers[sid](chunk, i, first + i)
                stray_from = None
            elif self.set is None and stray_from is None:
                stray_from = i
                where = "between IEA and the next ISA" if self.ic is None else "outside ST..SE"
                target = self.ic.errors if self.ic is not None else self.doc.errors
                target.append(
                    self.err("SEGMENT_OUTSIDE_ENVELOPE", f"segment {sid!r} {where}", first + i, sid)
                )
            if self.set is not None:
                stray_from = None

    def finish(self) -> None:
        last_chunk = self.chunk
        end_no = (last_chunk.first_no + len(last_chunk.raw) - 1) if last_chunk else 0
        if self.set is not None and last_chunk is not None:
            self.close_set(len(last_chunk.raw) - 1, end_no, "end of data")
        self.close_group(end_no, "end of data")
        self.close_interchange(end_no, "end of data")


def flag_duplicates(doc: Document, is_duplicate: Callable[[str, str], bool]) -> None:
    """Mark interchanges whose (sender ID, ISA13) was seen before; the store answers ``is_duplicate``."""
    for ic in doc.interchanges:
        if is_duplicate(ic.sender[1], ic.control):
            ic.errors.append(
                EdiError(
                    "DUPLICATE_INTERCHANGE",
                    f"interchange {ic.control!r} from {ic.sender[1]!r} was already received",
                    segment_no=ic.first_no,
                    segment_id="ISA",
                    element=13,
                    found=ic.control,
                )
            )


def build_document(tokens: Tokenized, policy: Policy) -> Document:
    doc = Document(policy)
    doc.errors.extend(
        replace(e, severity="error") if policy.strict and e.code == "BARE_SET" else e for e in tokens.errors
    )
    builder = _Builder(doc)
    for chunk in tokens.chunks:
        builder.run_chunk(chunk)
    builder.finish()
    doc.segment_count = tokens.segment_count()
    _attach_file_errors(doc)
    return doc


def _attach_file_errors(doc: Document) -> None:
    """Tokenizer problems located inside an interchange belong to it (they drive its TA1)."""
    if not doc.interchanges:
        return
    starts = [ic.first_no for ic in doc.interchanges]
    kept: list[EdiError] = []
    for e in doc.errors:
        no = e.segment_no
        if no is None or no < starts[0] or e.code == "SEGMENT_OUTSIDE_ENVELOPE":
            kept.append(e)
            continue
        owner = doc.interchanges[0]
        for ic in doc.interchanges:
            if ic.first_no <= no:
                owner = ic
        owner.errors.append(e)
    doc.errors = kept
