"""TA1 / 997 / 999 generation with exact codes, and reading inbound acknowledgments."""

from __future__ import annotations

from crossdock.connectors.edi.acks import build_acknowledgment, read_acknowledgments, reconcile, set_status
from crossdock.connectors.edi.control import InMemoryControlNumbers
from crossdock.connectors.edi.generator import EnvelopeSettings, OutboundSet, generate_interchange
from crossdock.connectors.edi.parser import read

from .conftest import NOW, sample


def body(ack_text: str, kind: str) -> list[str]:
    """Segments between ST and SE of every ack set in ``ack_text``."""
    doc = read(ack_text, "strict")
    assert doc.valid, [str(e) for e in doc.all_errors()]
    out: list[str] = []
    for ts in doc.sets():
        assert ts.set_id == kind
        out += ["*".join(s) for s in ts.segments[1:-1]]
    return out


def ack(name: str, kind: str, policy: str = "lenient") -> str:
    return build_acknowledgment(read(sample(name), policy), kind, InMemoryControlNumbers(), now=NOW)  # type: ignore[arg-type]


def test_997_for_two_groups_with_one_bad_set() -> None:
    text = ack("940_ediengine_acktest_2groups.edi", "997")
    assert body(text, "997") == [
        "AK1*OW*9221", "AK2*940*20066", "AK5*A", "AK2*940*20067", "AK3*N9*7*W01*8", "AK4*1*128*1", "AK5*R*5",
        "AK9*P*2*2*1",
        "AK1*OW*9222", "AK2*940*20068", "AK5*A", "AK9*A*1*1*1",
    ]  # fmt: skip
    lines = text.split("\n")
    # answered from the receiver to the sender, one 997 per group, in one FA group
    assert lines[0].startswith(
        "ISA*00*          *00*          *ZZ*WAREHOUSE      *ZZ*VENDOR         *260304*0506*U*00401*"
    )
    assert lines[1] == "GS*FA*WAREHOUSE*VENDOR*20260304*0506*1*X*004010"
    assert "GE*2*1" in lines


def test_999_uses_ik_segments_and_5010_labels() -> None:
    text = ack("940_ediengine_MALFORMED_failed_SE01.edi", "999")
    assert body(text, "999") == [
        "AK1*OW*9221*004010", "AK2*940*20066", "IK3*W01*5*W01*8", "IK4*1*330*1", "IK4*2*355*4*1", "IK4*3*438*4*EA",
        "IK5*R*4*5", "AK9*R*1*1*0",
    ]  # fmt: skip
    assert "*^*00501*" in text.split("\n")[0]
    assert "ST*999*0001*005010X231A1" in text


def test_997_element_and_segment_codes() -> None:
    assert body(ack("940_x12types_babelway.edi", "997"), "997") == [
        "AK1*OW*575103", "AK2*940*0001",
        "AK3*N4*5*N1*8", "AK4*2*156*5*020",
        "AK3*N4*10*N1*8", "AK4*2*156*5*010",
        "AK3*N4*15*N1*8", "AK4*2*156*5*010",
        "AK3*G61*20**8", "AK4*4*364*2",
        "AK5*R*5", "AK9*R*1*1*0",
    ]  # fmt: skip
    # delimiters and line breaks inside the copied bad data (AK404) are blanked out
    assert body(ack("856_stupidedi_SH856_MALFORMED_mixed_terminators.edi", "997"), "997") == [
        "AK1*SH*000000089",
        "AK2*856*0000001",
        "AK3*N1*11*N1*8",
        "AK4*4*67*6*010020001-ABCINC~  N3",
        "AK4*5*706*6*123 MAIN ST.~  N4",
        "AK4*6*98*5*BEAUPORT",
        "AK4*7**3*QC G1K 8Y2 CAN~ HL 2 1 O 1",
        "AK3*PRF*12*N1*7",
        "AK3*HL*17*HL*8",
        "AK5*R*4*5",
        "AK9*R*1*1*0",
    ]


def test_997_group_and_set_envelope_codes() -> None:
    assert body(ack("940_ediengine_MALFORMED_control_numbers_mismatch.edi", "997"), "997") == [
        "AK1*OW*3314",
        "AK2*940*0001",
        "AK5*R*3",
        "AK9*R*1*1*0*4",
    ]
    assert body(ack("214_stupidedi_QM214_gh189_MALFORMED_ctrlchar_delims_empty_group.edi", "997"), "997") == [
        "AK1*QM*914",
        "AK9*R*1*0*0*5",
    ]


def test_accepted_sets_can_be_left_out() -> None:
    doc = read(sample("940_ediengine_acktest_2groups.edi"))
    text = build_acknowledgment(doc, "997", InMemoryControlNumbers(), include_accepted=False, now=NOW)
    assert body(text, "997") == [
        "AK1*OW*9221", "AK2*940*20067", "AK3*N9*7*W01*8", "AK4*1*128*1", "AK5*R*5", "AK9*P*2*2*1",
        "AK1*OW*9222", "AK9*A*1*1*1",
    ]  # fmt: skip


def test_acknowledgments_are_never_acknowledged() -> None:
    assert ack("997_stupidedi_X230_5010_bom.edi", "997") == ""
    assert ack("999_x12types_herophilus_rejected_pipe_component.edi", "999") == ""


def test_ta1() -> None:
    ta1 = ack("940_ediengine_OK.edi", "ta1").split("~\n") if "~" in ack("940_ediengine_OK.edi", "ta1") else \
        ack("940_ediengine_OK.edi", "ta1").split("\n")  # fmt: skip
    assert ta1[1] == "TA1*000003438*101127*1719*A*000"
    assert ta1[2] == "IEA*0*000000001"
    assert "TA1*000003438*101127*1719*R*001" in ack("214_x12types_1edisource_MALFORMED_iea_control_mismatch.edi", "ta1",
                                                   "strict")  # fmt: skip
    assert "TA1*000003438*101127*1719*E*001" in ack(
        "214_x12types_1edisource_MALFORMED_iea_control_mismatch.edi", "ta1"
    )
    assert "TA1*300044350*131003*0004*E*006" in ack(
        "997_stupidedi_FA997_4010_newline_MALFORMED_isa06_width.edi", "ta1"
    )
    assert "TA1*000000028*111223*0938*R*027" in ack("940_x12types_generalmills_change_MALFORMED_isa16_missing.edi",
                                                   "ta1", "strict")  # fmt: skip
    multi = ack("940_ediengine_multi_interchange_MALFORMED_iea02_unpadded.edi", "ta1", "strict")
    assert multi.count("TA1*") == 2 and "TA1*000003439*101127*1719*R*001" in multi


def test_read_inbound_997() -> None:
    groups, tas = read_acknowledgments(read(sample("997_x12types_boomi_ST_only_rejected.edi")))
    assert tas == []
    (g,) = groups
    assert (g.kind, g.functional_id, g.group_control, g.status, g.included, g.received, g.accepted_count) == (
        "997",
        "PO",
        "2",
        "R",
        1,
        1,
        0,
    )
    (s,) = g.sets
    assert (s.set_id, s.control, s.status, s.codes, s.accepted) == (
        "850",
        "103465910",
        "R",
        ["4", "5"],
        False,
    )
    assert [(n.segment_id, n.position, n.code) for n in s.segments] == [("REF", 3, "8"), ("REF", 4, "8")]
    assert [(e.position, e.code, e.data) for n in s.segments for e in n.elements] == [
        (1, "7", "BM"),
        (1, "7", "DP"),
    ]
    assert g.set_status("103465910") == "R" and g.set_status("nope") is None


def test_read_inbound_999() -> None:
    (g,), _ = read_acknowledgments(read(sample("999_stupidedi_X231A1_5010_bom.edi")))
    assert (g.kind, g.functional_id, g.group_control, g.version, g.status) == (
        "999",
        "HC",
        "17456",
        "005010X222A2",
        "P",
    )
    assert [(s.control, s.status, s.codes) for s in g.sets] == [("0001", "A", []), ("0002", "R", ["5"]),
                                                                ("0003", "R", ["5"])]  # fmt: skip
    assert [(n.segment_id, n.position, n.code) for n in g.sets[2].segments] == [("REF", 57, "3")]
    assert g.sets[1].segments[0].elements[0].data_element == "782"
    # a set the ack leaves out follows AK9: accepted under A/E/P, rejected under R
    assert [g.status_of(c) for c in ("0001", "0002", "9999")] == ["A", "R", "A"]
    for ak9, unlisted in (("A", "A"), ("E", "A"), ("P", "A"), ("R", "R"), ("", "R")):
        g.status = ak9
        assert g.status_of("9999") == unlisted and g.status_of("0002") == "R"


def test_round_trip_our_997_back_into_a_result() -> None:
    text = ack("940_ediengine_acktest_2groups.edi", "997")
    groups, _ = read_acknowledgments(read(text))
    assert [(g.group_control, g.status) for g in groups] == [("9221", "P"), ("9222", "A")]
    assert groups[0].set_status("20067") == "R" and groups[0].set_status("20066") == "A"
    note = groups[0].sets[1].segments[0]
    assert (note.segment_id, note.position, note.loop_id, note.code) == ("N9", 7, "W01", "8")
    assert [(e.position, e.data_element, e.code) for e in note.elements] == [(1, "128", "1")]


def test_read_inbound_ta1() -> None:
    text = ack("940_ediengine_OK.edi", "ta1")
    _, tas = read_acknowledgments(read(text))
    assert [(t.control, t.status, t.note) for t in tas] == [("000003438", "A", "000")]


def test_set_status_partner_errors_give_e() -> None:
    profile = {"sets": {"940": {"elements": {"W0501": {"codes": ["R"]}}}}}
    doc = read(sample("940_ediengine_OK.edi"), "lenient", profile)
    st = set_status(next(doc.sets()))
    assert (st.status, st.codes) == ("E", ["5"])
    text = build_acknowledgment(doc, "999", InMemoryControlNumbers(), now=NOW)
    assert "IK4*1*473*I6*N" in text and "AK9*E*1*1*1" in text


def test_component_errors_use_composite_position_and_release_codes() -> None:
    isa = "ISA*00*          *00*          *ZZ*S              *ZZ*R              *260101*1200*U*00401*000000005*0*P*>"
    segs = [
        isa,
        "GS*OW*S*R*20260101*1200*5*X*004010",
        "ST*940*0001",
        "W05*N*O1",
        "N9*PC*X*****PC>1>PC>2>PC>3>PC>4",
        "LX*1",
        "W01*1*EA**VN*X",
        "SE*6*0001",
        "GE*1*5",
        "IEA*1*000000005",
    ]
    text = "~\n".join(segs) + "~\n"  # fmt: skip
    doc = read(text)
    k997 = build_acknowledgment(doc, "997", InMemoryControlNumbers(), now=NOW)
    assert "AK3*N9*3**8~\nAK4*7>7*C040*3*PC>1>PC>2>PC>3>PC>4" not in k997  # data keeps no delimiters
    assert body(k997, "997")[2:4] == ["AK3*N9*3**8", "AK4*7>7**3*PC 1 PC 2 PC 3 PC 4"]
    k999 = build_acknowledgment(read(text.replace("004010~", "005010~").replace("00401", "00501")), "999",
                                InMemoryControlNumbers(), now=NOW)  # fmt: skip
    assert body(k999, "999")[2:4] == ["IK3*N9*3**8", "IK4*7>7**13*PC 1 PC 2 PC 3 PC 4"]


def test_reconcile_sent_sets_with_the_partners_997() -> None:
    numbers = InMemoryControlNumbers(start=40)
    line = [["LX", 1], ["W01", 1, "EA", "", "VN", "X"]]
    sent = generate_interchange("acme", EnvelopeSettings("HUB", "ACME"), [
        OutboundSet("940", [["W05", "N", "A"], *line]), OutboundSet("940", [["W05", "N", "B"], *line]),
        OutboundSet("943", [["W06", "F", "D"], ["W27", "M", "ABCD"], ["W04", 1, "EA", "", "VN", "X"], ["W03", 1]]),
    ], numbers, now=NOW)  # fmt: skip
    assert [(g.functional_id, g.control, g.sets) for g in sent.groups] == [
        ("OW", 40, [("940", "0040"), ("940", "0041")]),
        ("AR", 41, [("943", "0042")]),
    ]
    reply = "~\n".join([
        "ISA*00*          *00*          *ZZ*ACME           *ZZ*HUB            *260304*0507*U*00401*000000900*0*P*>",
        "GS*FA*ACME*HUB*20260304*0507*900*X*004010", "ST*997*0001", "AK1*OW*40", "AK2*940*0041",
        "AK3*W05*2**8", "AK4*1*473*7*N", "AK5*R*5", "AK9*P*2*2*1", "SE*8*0001", "GE*1*900", "IEA*1*000000900",
    ]) + "~\n"  # fmt: skip
    groups, _ = read_acknowledgments(read(reply, "strict"))
    assert reconcile(sent, groups) == {(40, "0040"): "A", (40, "0041"): "R", (41, "0042"): "pending"}


def test_duplicate_interchange_is_flagged_for_ta1() -> None:
    seen = {("VENDOR", "000009221")}
    doc = read(sample("940_ediengine_2OK.edi"), "strict", is_duplicate=lambda s, c: (s, c) in seen)
    assert [(e.code, e.element, e.found) for e in doc.all_errors()] == [
        ("DUPLICATE_INTERCHANGE", 13, "000009221")
    ]
    assert not doc.accepted
    text = build_acknowledgment(doc, "ta1", InMemoryControlNumbers(), now=NOW)
    assert "TA1*000009221*090902*0900*R*025" in text


def test_999_definitions_come_from_5010_whatever_the_group_version() -> None:
    """999 exists only in 5010: the definition lookup falls back to it (no per-caller override)."""
    from crossdock.connectors.edi.schema import load_set
    from crossdock.connectors.edi.tree import LoopBranch, set_tree

    assert load_set("999", "004010").release == "005010"
    assert load_set("940", "004010").release == "004010"
    text = ack("940_ediengine_MALFORMED_failed_SE01.edi", "999")
    relabelled = text.replace("005010X231A1", "004010").replace("*X*005010", "*X*004010")
    doc = read(relabelled, "strict")
    (ts,) = doc.interchanges[0].groups[0].sets
    assert ts.version == "004010" and ts.set_id == "999"
    assert doc.valid, doc.all_errors()
    assert any(isinstance(c, LoopBranch) for c in set_tree(ts).children)  # a loop tree, not a flat list
