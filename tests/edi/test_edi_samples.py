"""Every public sample parses, or is rejected with the reason SOURCES.md documents."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossdock.connectors.edi.acks import build_acknowledgment
from crossdock.connectors.edi.control import InMemoryControlNumbers
from crossdock.connectors.edi.errors import CATALOGUE
from crossdock.connectors.edi.parser import read

from .conftest import SAMPLES, sample


class Reason(NamedTuple):
    code: str
    segment_id: str | None
    element: int | None
    expected: str | None
    found: str | None


class Expect(NamedTuple):
    strict_accepted: bool
    codes: frozenset[str]  # every error code in lenient mode
    reasons: tuple[Reason, ...] = ()  # the documented problems, with their exact positions/values


def E(strict: bool, codes: set[str], *reasons: Reason) -> Expect:  # noqa: N802 - table shorthand
    return Expect(strict, frozenset(codes), reasons)


EXPECTED: dict[str, Expect] = {
    "214_stupidedi_QM214_gh189_MALFORMED_ctrlchar_delims_empty_group.edi": E(
        False, {"GE01_COUNT"}, Reason("GE01_COUNT", "GE", 1, "0", "1")
    ),
    "214_x12types_1edisource_MALFORMED_iea_control_mismatch.edi": E(
        False, {"IEA02_MISMATCH"}, Reason("IEA02_MISMATCH", "IEA", 2, "000003438", "000002510")
    ),
    "214_x12types_freightforce_MALFORMED_isa_width_se_junk.edi": E(
        False,
        {"ISA_WIDTH", "SE02_MISMATCH", "ST02_INVALID"},
        Reason("ISA_WIDTH", "ISA", 2, "10 characters", " "),
        Reason("ISA_WIDTH", "ISA", 13, "9 characters", "001"),
        Reason("SE02_MISMATCH", "SE", 2, "001", "001 N/L"),
    ),
    "856_ediengine_crossdock.edi": E(True, set()),
    "856_stupidedi_002001_MALFORMED_isa_not_fixed_width.edi": E(
        False,
        {"GS_INVALID", "ISA_WIDTH", "UNSUPPORTED_VERSION"},
        Reason("ISA_WIDTH", "ISA", 6, "15 characters", "054481205 "),
        Reason("UNSUPPORTED_VERSION", "GS", 8, "004010.. or 005010..", "002001"),
    ),
    "856_stupidedi_SH856_MALFORMED_mixed_terminators.edi": E(
        False,
        {"ELEMENT_INVALID_CHARACTER", "ELEMENT_TOO_LONG", "ELEMENT_TOO_MANY", "EMBEDDED_LINE_BREAK", "HL_STRUCTURE",
         "SE01_COUNT", "SEGMENT_OUT_OF_ORDER"},
        Reason("EMBEDDED_LINE_BREAK", "N1", None, None, "92*010020001-ABCINC~\n\nN3*123 MAIN ST.~\n\n"),
        Reason("SE01_COUNT", "SE", 1, "22", "25"),
    ),
    "856_stupidedi_SH856_minimal.edi": E(True, set()),
    "856_x12types_1edisource_4060.edi": E(True, set()),
    "940_ediengine_2OK.edi": E(True, set()),
    "940_ediengine_MALFORMED_control_numbers_mismatch.edi": E(
        False,
        {"GE02_MISMATCH", "IEA02_MISMATCH", "SE02_MISMATCH"},
        Reason("SE02_MISMATCH", "SE", 2, "0001", "0002"),
        Reason("GE02_MISMATCH", "GE", 2, "3314", "3315"),
        Reason("IEA02_MISMATCH", "IEA", 2, "000003438", "000003439"),
    ),
    "940_ediengine_MALFORMED_failed_SE01.edi": E(
        False,
        {"ELEMENT_MANDATORY_MISSING", "ELEMENT_TOO_SHORT", "SE01_COUNT"},
        Reason("SE01_COUNT", "SE", 1, "9", "12"),
        Reason("ELEMENT_MANDATORY_MISSING", "W01", 1, "a value", ""),
    ),
    "940_ediengine_OK.edi": E(True, set()),
    "940_ediengine_acktest_2groups.edi": E(
        True, {"ELEMENT_MANDATORY_MISSING"}, Reason("ELEMENT_MANDATORY_MISSING", "N9", 1, "a value", "")
    ),
    "940_ediengine_multi_interchange_MALFORMED_iea02_unpadded.edi": E(
        False,
        {"IEA02_NOT_PADDED"},
        Reason("IEA02_NOT_PADDED", "IEA", 2, "000003438", "3438"),
        Reason("IEA02_NOT_PADDED", "IEA", 2, "000003439", "3439"),
    ),
    "940_x12types_1edisource_MALFORMED_ge_iea_control_mismatch.edi": E(
        False,
        {"GE02_MISMATCH", "IEA02_MISMATCH"},
        Reason("GE02_MISMATCH", "GE", 2, "3317", "575103"),
        Reason("IEA02_MISMATCH", "IEA", 2, "000003438", "3317     "),
    ),
    "940_x12types_babelway.edi": E(
        True,
        {"ELEMENT_CONDITIONAL_MISSING", "ELEMENT_TOO_LONG"},
        Reason("ELEMENT_TOO_LONG", "N4", 2, "2-2", "020"),
        Reason("ELEMENT_TOO_LONG", "N4", 2, "2-2", "010"),
    ),
    "940_x12types_generalmills_change_MALFORMED_isa16_missing.edi": E(
        False, {"ISA16_MISSING"}, Reason("ISA16_MISSING", "ISA", 16, "component separator, then segment terminator",
                                         "'~' then '\\n'")
    ),
    "940_x12types_generalmills_new_MALFORMED_missing_terminator.edi": E(
        False,
        {"ELEMENT_INVALID_CHARACTER", "ELEMENT_TOO_MANY", "EMBEDDED_LINE_BREAK"},
        Reason("EMBEDDED_LINE_BREAK", "W01", None, None, "7462*55****010005***\nPI*001089"),
        Reason("ELEMENT_TOO_MANY", "W01", 16, "15", "001089"),
    ),
    "943_stupidedi_AR943.edi": E(True, set()),
    "944_stupidedi_RE944.edi": E(True, set()),
    "945_x12types_northpoint_MALFORMED_isa_width_se01.edi": E(
        False,
        {"ELEMENT_CONDITIONAL_MISSING", "ISA_WIDTH", "SE01_COUNT"},
        Reason("ISA_WIDTH", "ISA", 6, "15 characters", "YOUR-ID-HERE "),
        Reason("SE01_COUNT", "SE", 1, "16", "12"),
    ),
    "945_x12types_simplot_ST_only_no_envelope.edi": E(
        False,
        {"ELEMENT_INVALID_CHARACTER", "ELEMENT_INVALID_CODE", "ELEMENT_TOO_LONG", "SE01_COUNT"},
        # positional drift: the UPC lands in W1207 (a 2-character qualifier)
        Reason("ELEMENT_TOO_LONG", "W12", 7, "2-2", "007117901645"),
    ),
    "997_stupidedi_FA997_4010_newline_MALFORMED_isa06_width.edi": E(
        False, {"ISA_WIDTH"}, Reason("ISA_WIDTH", "ISA", 6, "15 characters", "XXXXXX      ")
    ),
    "997_stupidedi_X230_5010_bom.edi": E(True, set()),
    "997_x12types_boomi_ST_only_rejected.edi": E(False, set()),
    "999_stupidedi_X231A1_5010_bom.edi": E(True, set()),
    "999_x12types_herophilus_accepted_pipe_component.edi": E(True, set()),
    "999_x12types_herophilus_rejected_pipe_component.edi": E(True, set()),
}  # fmt: skip


def test_every_sample_has_an_expectation() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.edi")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample(name: str) -> None:
    expect = EXPECTED[name]
    data = sample(name)
    strict = read(data, "strict")
    lenient = read(data, "lenient")
    assert strict.accepted is expect.strict_accepted
    assert lenient.accepted is True  # lenient reads every sample
    assert set(lenient.codes()) == expect.codes
    found = {(e.code, e.segment_id, e.element, e.expected, e.found) for e in lenient.all_errors()}
    for reason in expect.reasons:
        assert tuple(reason) in found, f"{reason} not in {sorted(found, key=str)}"
    if "MALFORMED" in name:
        assert not strict.accepted
    if not expect.strict_accepted and not strict.envelope_errors():
        # a bare ST..SE is only an error under the strict policy
        assert "BARE_SET" in [e.code for e in strict.all_errors() if e.severity == "error"]


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(sorted(EXPECTED)), edits=st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=4),
                                                                     st.integers(0, 8)), max_size=6))  # fmt: skip
def test_damaged_samples_never_crash(name: str, edits: list[tuple[float, bytes, int]]) -> None:
    """Any damage to a sample yields a Document with errors (or none), never an exception."""
    data = bytearray(sample(name))
    for where, insert, delete in edits:
        pos = int(where * len(data))
        data[pos : pos + delete] = insert
    for policy in ("strict", "lenient"):
        doc = read(bytes(data), policy)
        # every problem carries a code from the catalogue (which gives its level and ack codes)
        assert all(e.code in CATALOGUE and str(e) for e in doc.all_errors())
        for kind in ("997", "999", "ta1"):
            build_acknowledgment(doc, kind, InMemoryControlNumbers())  # type: ignore[arg-type]
