"""Error codes of the X12 codec and how each one maps to TA1 / 997 / 999 acknowledgment codes.

Every problem the codec finds is an ``EdiError`` carrying a stable ``code`` (listed in ``CATALOGUE``) plus the
position (segment number in the file, position inside the set, element/component) and expected/found values.
The catalogue is the single place that decides which acknowledgment code a problem becomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["interchange", "group", "set", "segment", "element"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class ErrorKind:
    level: Level
    description: str
    ta1: str | None = None  # TA105 note code
    ak9: str | None = None  # AK905 group error code
    ak5: str | None = None  # AK502 set error code (IK502 too)
    ak304: str | None = None  # AK304 segment error code
    ik304: str | None = None  # IK304 when the 999 has a more specific implementation code
    ak403: str | None = None  # AK403 element error code
    ik403: str | None = None  # IK403 when the 999 has a more specific implementation code


K = ErrorKind
CATALOGUE: dict[str, ErrorKind] = {
    # L0/L1: bytes and interchange envelope (TA1)
    "NO_ISA": K("interchange", "data does not start with an ISA segment (nor a bare ST)", ta1="024"),
    "ISA_TRUNCATED": K("interchange", "the ISA segment has fewer than 16 elements", ta1="023"),
    "ISA_WIDTH": K("interchange", "an ISA element does not have its fixed width", ta1="024"),
    "ISA_VALUE": K("interchange", "an ISA element holds an invalid value", ta1="024"),
    "ISA16_MISSING": K("interchange", "ISA16 (component separator) is missing", ta1="027"),
    "DELIMITER_INVALID": K("interchange", "delimiters are alphanumeric or not distinct", ta1="026"),
    "EMBEDDED_LINE_BREAK": K(
        "interchange", "a line break inside a segment: a segment terminator is probably missing", ta1="024"
    ),
    "EMPTY_SEGMENT": K("interchange", "an empty segment between two terminators", ta1="024"),
    "BARE_SET": K("interchange", "ST..SE without ISA/GS envelope", ta1="024"),
    "LEADING_DATA": K("interchange", "data before the first ISA", ta1="024"),
    "SEGMENT_OUTSIDE_ENVELOPE": K("interchange", "a segment outside any ISA..IEA or GS..GE", ta1="022"),
    "IEA_MISSING": K("interchange", "the interchange has no IEA trailer", ta1="023"),
    "IEA01_COUNT": K("interchange", "IEA01 differs from the number of functional groups", ta1="021"),
    "IEA02_MISMATCH": K("interchange", "IEA02 differs from ISA13", ta1="001"),
    "IEA02_NOT_PADDED": K(
        "interchange", "IEA02 equals ISA13 as a number but not in the fixed 9-digit form", ta1="001"
    ),
    "DUPLICATE_INTERCHANGE": K("interchange", "ISA13 was already received from this sender", ta1="025"),
    "VERSION_MISMATCH": K("interchange", "GS08 release differs from the ISA12 envelope version"),
    # L2: functional group (997 AK905)
    "GS_INVALID": K("group", "a GS element is missing or invalid", ak9="6"),
    "GE_MISSING": K("group", "the functional group has no GE trailer", ak9="3"),
    "GE02_MISMATCH": K("group", "GE02 differs from GS06", ak9="4"),
    "GE01_COUNT": K("group", "GE01 differs from the number of transaction sets", ak9="5"),
    "GROUP_EMPTY": K("group", "the functional group holds no transaction set", ak9="5"),
    "UNSUPPORTED_VERSION": K("group", "GS08 does not resolve to a supported definition", ak9="2"),
    "GROUP_NOT_SUPPORTED": K("group", "GS01 is not a supported functional identifier", ak9="1"),
    # L3: transaction set envelope (997 AK502)
    "SET_NOT_SUPPORTED": K("set", "ST01 is not a supported transaction set", ak5="1"),
    "FUNCTIONAL_ID_MISMATCH": K("set", "ST01 does not belong to the group's GS01", ak5="1"),
    "SE_MISSING": K("set", "the transaction set has no SE trailer", ak5="2"),
    "SE02_MISMATCH": K("set", "SE02 differs from ST02", ak5="3"),
    "SE01_COUNT": K("set", "SE01 differs from the number of segments ST..SE", ak5="4"),
    "ST01_INVALID": K("set", "ST01 is missing or invalid", ak5="6"),
    "ST02_INVALID": K("set", "ST02 is missing or not 4-9 characters", ak5="7"),
    "ST02_DUPLICATE": K("set", "ST02 is not unique within the group", ak5="23"),
    # L4/L5: segments (AK3 / IK3)
    "SEGMENT_UNRECOGNIZED": K("segment", "unrecognized segment ID", ak304="1"),
    "SEGMENT_UNEXPECTED": K("segment", "segment not allowed at this point", ak304="2"),
    "SEGMENT_MANDATORY_MISSING": K("segment", "mandatory segment missing", ak304="3"),
    "LOOP_TOO_MANY": K("segment", "loop occurs over its maximum times", ak304="4"),
    "SEGMENT_TOO_MANY": K("segment", "segment exceeds its maximum use", ak304="5"),
    "SEGMENT_NOT_IN_SET": K("segment", "segment not in the defined transaction set", ak304="6"),
    "SEGMENT_OUT_OF_ORDER": K("segment", "segment out of sequence", ak304="7"),
    "SEGMENT_NOT_USED": K("segment", "segment marked unused by the partner profile", ak304="2", ik304="I4"),
    "SEGMENT_REQUIRED_MISSING": K(
        "segment", "segment required by the partner profile is missing", ak304="3", ik304="I6"
    ),
    "SEGMENT_HAS_ELEMENT_ERRORS": K("segment", "segment has data element errors", ak304="8"),
    "HL_STRUCTURE": K("segment", "HL hierarchy is inconsistent (HL01/HL02/HL04)", ak304="8"),
    # L4/L5: elements (AK4 / IK4)
    "ELEMENT_MANDATORY_MISSING": K("element", "mandatory element missing", ak403="1"),
    "ELEMENT_CONDITIONAL_MISSING": K("element", "conditional required element missing", ak403="2"),
    "ELEMENT_TOO_MANY": K("element", "too many data elements", ak403="3"),
    "ELEMENT_TOO_SHORT": K("element", "data element too short", ak403="4"),
    "ELEMENT_TOO_LONG": K("element", "data element too long", ak403="5"),
    "ELEMENT_INVALID_CHARACTER": K("element", "invalid character in data element", ak403="6"),
    "ELEMENT_INVALID_CODE": K("element", "invalid code value", ak403="7"),
    "ELEMENT_INVALID_DATE": K("element", "invalid date", ak403="8"),
    "ELEMENT_INVALID_TIME": K("element", "invalid time", ak403="9"),
    "ELEMENT_EXCLUSION_VIOLATED": K("element", "exclusion condition violated", ak403="10"),
    "ELEMENT_TOO_MANY_REPETITIONS": K("element", "too many repetitions", ak403="12"),
    "ELEMENT_TOO_MANY_COMPONENTS": K("element", "too many components", ak403="13"),
    "ELEMENT_PATTERN_MISMATCH": K(
        "element", "value does not match the format its qualifier requires", ak403="6", ik403="I12"
    ),
    "ELEMENT_NOT_USED": K("element", "element marked unused by the partner profile", ak403="10", ik403="I10"),
    "ELEMENT_CODE_NOT_USED": K(
        "element", "code value not used by the partner profile", ak403="7", ik403="I6"
    ),
}


@dataclass(frozen=True, slots=True)
class EdiError:
    """One problem, with enough position data to build an AK3/AK4 or to point a human at the byte."""

    code: str
    message: str
    severity: Severity = "error"
    segment_no: int | None = None  # 1-based position in the file (ISA = 1)
    segment_id: str | None = None
    set_position: int | None = None  # 1-based position counted from ST = 1
    element: int | None = None  # 1-based element position
    component: int | None = None  # 1-based component position inside a composite
    expected: str | None = None
    found: str | None = None
    loop_id: str | None = None
    data_element: str | None = None  # X12 data element reference number (AK402)

    @property
    def kind(self) -> ErrorKind:
        return CATALOGUE[self.code]

    @property
    def level(self) -> Level:
        return CATALOGUE[self.code].level

    def where(self) -> str:
        parts: list[str] = []
        if self.segment_no is not None:
            parts.append(f"segment #{self.segment_no}")
        if self.segment_id:
            ref = self.segment_id
            if self.element is not None:
                ref += f"{self.element:02d}"
                if self.component is not None:
                    ref += f"-{self.component}"
            parts.append(ref)
        if self.set_position is not None:
            parts.append(f"set position {self.set_position}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        text = f"[{self.code}] {where + ': ' if where else ''}{self.message}"
        details = [
            f"{k} {v!r}" for k, v in (("expected", self.expected), ("found", self.found)) if v is not None
        ]
        if details:
            text += f" ({', '.join(details)})"
        return text


class GenerationError(ValueError):
    """Raised when the generator is asked to write something that would not validate."""

    def __init__(self, message: str, errors: list[EdiError] | None = None):
        self.errors = errors or []
        detail = "; ".join(str(e) for e in self.errors[:10])
        super().__init__(message + (f": {detail}" if detail else ""))
