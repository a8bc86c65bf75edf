"""Envelope checks: each error kind, with exact positions, under both policies."""

from __future__ import annotations

from crossdock.connectors.edi.parser import parse, read

ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260101*1200*U*00401*000000042*0*P*>"


def text(*segments: str) -> str:
    return "~\n".join(segments) + "~\n"


GOOD = [ISA, "GS*OW*S*R*20260101*1200*7*X*004010", "ST*940*0001", "W05*N*O1", "LX*1", "W01*1*EA**VN*X",
        "SE*5*0001", "GE*1*7", "IEA*1*000000042"]  # fmt: skip


def errors(data: str, policy: str = "lenient") -> list[tuple]:
    doc = parse(data, policy)
    return [(e.code, e.segment_no, e.segment_id, e.element, e.expected, e.found) for e in doc.all_errors()
            if e.severity == "error"]  # fmt: skip


def variant(**replace: str) -> str:
    segs = list(GOOD)
    for i, s in enumerate(segs):
        key = s.split("*")[0]
        if key in replace:
            segs[i] = replace[key]
    return text(*[s for s in segs if s])


def test_clean_interchange() -> None:
    doc = read(text(*GOOD), "strict")
    assert doc.accepted and doc.valid and doc.codes() == []
    ic = doc.interchanges[0]
    assert (ic.control, ic.sender, ic.receiver, ic.version, ic.usage) == (
        "000000042",
        ("ZZ", "SENDER"),
        ("ZZ", "RECEIVER"),
        "00401",
        "P",
    )


def test_se01_and_se02() -> None:
    assert errors(variant(SE="SE*4*0002")) == [
        ("SE01_COUNT", 7, "SE", 1, "5", "4"),
        ("SE02_MISMATCH", 7, "SE", 2, "0001", "0002"),
    ]


def test_ge01_ge02_iea01_iea02() -> None:
    assert errors(variant(GE="GE*2*8", IEA="IEA*3*000000043")) == [
        ("GE01_COUNT", 8, "GE", 1, "1", "2"),
        ("GE02_MISMATCH", 8, "GE", 2, "7", "8"),
        ("IEA01_COUNT", 9, "IEA", 1, "1", "3"),
        ("IEA02_MISMATCH", 9, "IEA", 2, "000000042", "000000043"),
    ]
    assert errors(variant(IEA="IEA*1*42")) == [("IEA02_NOT_PADDED", 9, "IEA", 2, "000000042", "42")]


def test_functional_id_mismatch() -> None:
    assert errors(variant(GS="GS*SW*S*R*20260101*1200*7*X*004010")) == [
        ("FUNCTIONAL_ID_MISMATCH", 3, "ST", 1, "OW", "SW")
    ]


def test_missing_trailers() -> None:
    assert errors(variant(SE="", GE="", IEA="")) == [
        ("IEA_MISSING", 6, "ISA", None, "IEA", None),
        ("GE_MISSING", 6, "GS", None, "GE", None),
        ("SE_MISSING", 6, "ST", None, "SE", None),
    ]


def test_st_checks() -> None:
    data = text(ISA, "GS*OW*S*R*20260101*1200*7*X*004010", "ST*940*001", "W05*N*O1", "SE*3*001",
                "ST*999*0002", "SE*2*0002", "ST*850*0002", "SE*2*0002", "GE*3*7", "IEA*1*000000042")  # fmt: skip
    assert errors(data) == [
        ("ST02_INVALID", 3, "ST", 2, "4-9 characters", "001"),
        ("FUNCTIONAL_ID_MISMATCH", 6, "ST", 1, "FA", "OW"),
        ("SET_NOT_SUPPORTED", 8, "ST", 1, "940|945|943|944|947|846|856|214|180|997|999", "850"),
        ("ST02_DUPLICATE", 8, "ST", 2, None, "0002"),
    ]


def test_group_header_checks_and_versions() -> None:
    assert errors(variant(GS="GS*OW*S*R*260101*2599*7X*X*003040")) == [
        ("GS_INVALID", 2, "GS", 4, "CCYYMMDD date", "260101"),
        ("GS_INVALID", 2, "GS", 5, "HHMM[SS[dd]] time", "2599"),
        ("GS_INVALID", 2, "GS", 6, "1-9 digit control number", "7X"),
        ("UNSUPPORTED_VERSION", 2, "GS", 8, "004010.. or 005010..", "003040"),
        ("GE02_MISMATCH", 8, "GE", 2, "7X", "7"),
    ]
    doc = parse(variant(GS="GS*OW*S*R*20260101*1200*7*X*005010"))
    assert [(e.code, e.severity) for e in doc.all_errors()] == [("VERSION_MISMATCH", "warning")]
    doc = parse(variant(GS="GS*OW*S*R*20260101*1200*7*X*004010UCS"))
    assert doc.all_errors() == []


def test_isa_values() -> None:
    bad = ISA.replace("*260101*1200*", "*261341*2500*").replace("*0*P*", "*2*X*")
    assert errors(variant(ISA=bad)) == [
        ("ISA_VALUE", 1, "ISA", 9, "YYMMDD", "261341"),
        ("ISA_VALUE", 1, "ISA", 10, "HHMM", "2500"),
        ("ISA_VALUE", 1, "ISA", 14, "0|1", "2"),
        ("ISA_VALUE", 1, "ISA", 15, "P|T|I", "X"),
    ]


def test_segments_outside_envelopes() -> None:
    data = text(*GOOD[:2], "W05*N*O1", *GOOD[2:], "LX*1")
    assert [e[:3] for e in errors(data)] == [
        ("SEGMENT_OUTSIDE_ENVELOPE", 3, "W05"),
        ("SEGMENT_OUTSIDE_ENVELOPE", 11, "LX"),
    ]


def test_policy_decides_acceptance() -> None:
    data = variant(IEA="IEA*1*000000043")
    assert parse(data, "lenient").accepted is True
    assert parse(data, "strict").accepted is False
    # content errors do not reject the interchange under either policy
    content = variant(W05="W05*Z*O1")
    assert read(content, "strict").accepted is True and read(content, "strict").valid is False


def test_bare_set_policy() -> None:
    bare = "ST*997*0001~\nAK1*OW*7~\nAK9*A*1*1*1~\nSE*4*0001~\n"
    lenient = read(bare, "lenient")
    assert lenient.accepted and lenient.valid and len(lenient.bare_sets) == 1
    strict = read(bare, "strict")
    assert not strict.accepted
    assert [(e.code, e.severity) for e in strict.all_errors()] == [("BARE_SET", "error")]


def test_multiple_interchanges() -> None:
    second = [
        s.replace("000000042", "000000043").replace("*7*", "*8*").replace("GE*1*7", "GE*1*8") for s in GOOD
    ]
    doc = parse(text(*GOOD, *second), "strict")
    assert [ic.control for ic in doc.interchanges] == ["000000042", "000000043"]
    assert [g.control for g in doc.groups()] == ["7", "8"]
    assert doc.accepted and doc.codes() == []
