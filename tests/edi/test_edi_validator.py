"""Validator: one test per error kind, exact codes and positions; partner profiles; speed sanity."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossdock.connectors.edi.control import InMemoryControlNumbers
from crossdock.connectors.edi.generator import EnvelopeSettings, OutboundSet, generate_interchange
from crossdock.connectors.edi.parser import read
from crossdock.connectors.edi.schema import load_profile, load_set

from .conftest import NOW

HEADER_940 = [["W05", "N", "ORD1"]]
LINE = [["LX", "1"], ["W01", "5", "EA", "", "VN", "SKU1"]]


def check(set_id: str, body: list[list[str]], version: str = "004010", profile: dict | None = None):
    settings = EnvelopeSettings("S", "R", version=version)
    gen = generate_interchange("t", settings, [OutboundSet(set_id, body)], InMemoryControlNumbers(),
                               now=NOW, validate=False)  # fmt: skip
    doc = read(gen.text, "lenient", profile)
    return [(e.code, e.segment_id, e.set_position, e.element, e.component) for e in doc.all_errors()
            if e.severity == "error"]  # fmt: skip


def test_valid_940_has_no_errors() -> None:
    assert check("940", HEADER_940 + LINE + [["W76", "5"]]) == []


def test_mandatory_segment_missing() -> None:
    assert check("940", LINE) == [("SEGMENT_MANDATORY_MISSING", "W05", 2, None, None)]


def test_mandatory_loop_missing_at_end() -> None:
    assert check("940", HEADER_940) == [("SEGMENT_MANDATORY_MISSING", "LX", 3, None, None)]


def test_segment_out_of_order() -> None:
    body = HEADER_940 + [["W66", "PP", "M"], ["N9", "BR", "X"]] + LINE
    assert check("940", body) == [("SEGMENT_OUT_OF_ORDER", "N9", 4, None, None)]


def test_segment_not_in_set_and_unrecognized() -> None:
    assert check("940", HEADER_940 + [["BSN", "00", "X", "20260101", "1200"]] + LINE) == [
        ("SEGMENT_NOT_IN_SET", "BSN", 3, None, None)
    ]
    assert check("940", HEADER_940 + [["QQ9", "X"]] + LINE) == [
        ("SEGMENT_UNRECOGNIZED", "QQ9", 3, None, None)
    ]


def test_segment_unexpected_outside_its_loop() -> None:
    # G69 exists only inside the W01 loop; before any LX it is not allowed
    assert check("940", HEADER_940 + [["G69", "TEXT"]] + LINE) == [
        ("SEGMENT_UNEXPECTED", "G69", 3, None, None)
    ]


def test_segment_and_loop_max_use() -> None:
    body = HEADER_940 + [["W66", "PP", "M"], ["W66", "PP", "M"]] + LINE
    assert check("940", body) == [("SEGMENT_TOO_MANY", "W66", 4, None, None)]
    n1 = [["N1", "ST", "NAME"]] * 11
    assert check("940", HEADER_940 + n1 + LINE) == [("LOOP_TOO_MANY", "N1", 13, None, None)]


def test_loop_repeats_start_new_passes() -> None:
    body = HEADER_940 + [
        ["N1", "ST", "A"],
        ["N3", "X"],
        ["N1", "SF", "B"],
        ["N3", "Y"],
        ["N3", "Z"],
        ["N3", "W"],
    ]
    assert check("940", body + LINE) == [("SEGMENT_TOO_MANY", "N3", 8, None, None)]


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        (["W01", "", "EA", "", "VN", "X"], ("ELEMENT_MANDATORY_MISSING", "W01", 4, 1, None)),
        (["W01", "5", "E", "", "VN", "X"], ("ELEMENT_TOO_SHORT", "W01", 4, 2, None)),
        (["W01", "5", "EA", "1234567890123", "VN", "X"], ("ELEMENT_TOO_LONG", "W01", 4, 3, None)),
        (["W01", "5x", "EA", "", "VN", "X"], ("ELEMENT_INVALID_CHARACTER", "W01", 4, 1, None)),
        (["W01", "5", "QQ", "", "VN", "X"], ("ELEMENT_INVALID_CODE", "W01", 4, 2, None)),
        (["W01", "5", "EA", "000100000010", "VN"], ("ELEMENT_CONDITIONAL_MISSING", "W01", 4, 5, None)),
        (["W01", "5", "EA", "", "VN", "X", "", "", "", "", "", "", "", "", "", "", "EXTRA"],
         ("ELEMENT_TOO_MANY", "W01", 4, 16, None)),
    ],
)  # fmt: skip
def test_element_errors(segment: list[str], expected: tuple) -> None:
    assert check("940", HEADER_940 + [["LX", "1"], segment]) == [expected]


def test_invalid_date_time_and_exclusion() -> None:
    body = [["W06", "F", "DO1", "20260230"], ["G62", "11", "20260101", "X", "2460"], ["W27", "M", "ABCD"],
            ["W04", "1", "EA", "", "VN", "X"], ["W03", "1"]]  # fmt: skip
    assert check("943", body) == [
        ("ELEMENT_INVALID_DATE", "W06", 2, 3, None),
        ("ELEMENT_INVALID_TIME", "G62", 3, 4, None),
    ]
    qty = [["BIA", "00", "DD", "REF", "20260101"], ["LIN", "", "VN", "X"], ["QTY", "33", "5", "", "FREE"]]
    assert check("846", qty) == [("ELEMENT_EXCLUSION_VIOLATED", "QTY", 4, 4, None)]


def test_composite_components() -> None:
    body = [["AK1", "OW", "1"], ["AK2", "940", "0001"], ["AK3", "N9", "7", "", "8"], ["AK4", ("1", "2", "3"), "", "1"],
            ["AK5", "R", "5"], ["AK9", "R", "1", "1", "0"]]  # fmt: skip
    assert check("997", body) == [("ELEMENT_TOO_MANY_COMPONENTS", "AK4", 5, 1, 3)]
    body[3] = ["AK4", ("X",), "", "1"]
    assert check("997", body) == [("ELEMENT_INVALID_CHARACTER", "AK4", 5, 1, 1)]


def test_hl_structure() -> None:
    body = [
        ["BSN", "00", "S1", "20260101", "1200"],
        ["HL", "1", "", "S"],
        ["HL", "2", "5", "O"],
        ["HL", "2", "1", "I"],
    ]
    assert check("856", body) == [("HL_STRUCTURE", "HL", 4, 2, None), ("HL_STRUCTURE", "HL", 5, 1, None)]


def test_5010_layout_differs() -> None:
    body = [["W17", "F", "20260101", "WR1"], ["W07", "1", "EA", "", "VN", "X"], ["W14", "1"]]
    assert check("944", body, "004010") == []
    assert check("944", body, "005010") == [("SEGMENT_UNEXPECTED", "W07", 3, None, None),
                                            ("SEGMENT_MANDATORY_MISSING", "LX", 4, None, None)]  # fmt: skip
    long_ref = [["W05", "N", "ORD1"], ["N9", "BR", "X" * 40]] + LINE
    assert check("940", long_ref, "004010") == [("ELEMENT_TOO_LONG", "N9", 3, 2, None)]
    assert check("940", long_ref, "005010") == []


PROFILE = {
    "name": "ACME 3PL",
    "sets": {
        "940": {
            "segments": {"W66": {"usage": "required"}, "W76": {"usage": "unused"}},
            "elements": {
                "W0501": {"codes": ["N"]},
                "W0503": {"usage": "required"},
                "W0504": {"usage": "unused"},
            },
        }
    },
}


def test_partner_profile_narrows_the_definition() -> None:
    body = [["W05", "R", "ORD1", "", "LINK"], *LINE, ["W76", "5"]]
    assert check("940", body, profile=PROFILE) == [
        ("ELEMENT_CODE_NOT_USED", "W05", 2, 1, None),
        ("ELEMENT_MANDATORY_MISSING", "W05", 2, 3, None),
        ("ELEMENT_NOT_USED", "W05", 2, 4, None),
        ("SEGMENT_REQUIRED_MISSING", "W66", 3, None, None),
        ("SEGMENT_NOT_USED", "W76", 5, None, None),
    ]
    ok = [["W05", "N", "ORD1", "PO1"], ["W66", "PP", "M"], *LINE]
    assert check("940", ok, profile=PROFILE) == []
    # the base definition is untouched
    assert load_set("940", "004010").segments["W05"].elements[0].codes == frozenset({"N", "R", "F", "C"})


def test_profile_from_yaml(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text("name: ACME\nsets:\n  '*':\n    elements:\n      N402: {codes: [CA, MN]}\n")
    profile = load_profile(path)
    body = HEADER_940 + [["N1", "ST", "A"], ["N4", "CITY", "TX"]] + LINE
    assert check("940", body, profile=profile) == [("ELEMENT_CODE_NOT_USED", "N4", 4, 2, None)]


def test_all_errors_are_collected_not_just_the_first() -> None:
    body = [["W05", "Z", ""], ["LX", "x"], ["W01", "", "E"]]
    errors = check("940", body)
    assert errors == [
        ("ELEMENT_INVALID_CODE", "W05", 2, 1, None),
        ("ELEMENT_MANDATORY_MISSING", "W05", 2, 2, None),
        ("ELEMENT_INVALID_CHARACTER", "LX", 3, 1, None),
        ("ELEMENT_MANDATORY_MISSING", "W01", 4, 1, None),
        ("ELEMENT_TOO_SHORT", "W01", 4, 2, None),
        ("ELEMENT_CONDITIONAL_MISSING", "W01", 4, 3, None),
    ]


def test_sscc_pattern_on_man_gm() -> None:
    base = [["BSN", "00", "S1", "20260101", "1200"], ["HL", "1", "", "S"], ["HL", "2", "1", "P"]]
    assert check("856", [*base, ["MAN", "GM", "00000715670002152360"]]) == []
    assert check("856", [*base, ["MAN", "GM", "000715670002152360"]]) == [
        ("ELEMENT_PATTERN_MISMATCH", "MAN", 5, 2, None)
    ]
    assert check("856", [*base, ["MAN", "CP", "ANY MARK"]]) == []


def test_loop_repetition_limit_of_10000() -> None:
    lin = [["LIN", "", "VN", f"SKU{i}"] for i in range(10_001)]
    errors = check("846", [["BIA", "00", "DD", "SNAP1", "20260101"], *lin])
    assert errors == [("LOOP_TOO_MANY", "LIN", 10_003, None, None)]
