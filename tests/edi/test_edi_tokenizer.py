"""Tokenizer: delimiters from the ISA, BOM, line breaks, missing terminators, malformed ISAs."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from crossdock.connectors.edi.parser import parse
from crossdock.connectors.edi.tokenizer import Delimiters, tokenize

DELIMITER_POOL = [c for c in map(chr, range(1, 127)) if not c.isalnum() and c not in " \r\n"]


def isa(d: Delimiters, control: str = "000000042", version: str = "00401") -> str:
    rep = d.repetition or "U"
    return d.element.join(
        ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "SENDER".ljust(15), "ZZ", "RECEIVER".ljust(15), "260101",
         "1200", rep, version, control, "0", "T", d.component or ">"]
    )  # fmt: skip


def interchange(
    d: Delimiters, body: list[list[str]], final_terminator: bool = True, bom: bool = False
) -> str:
    segs = [isa(d), d.element.join(["GS", "OW", "S", "R", "20260101", "1200", "7", "X", "004010"]),
            d.element.join(["ST", "940", "0001"])]  # fmt: skip
    segs += [d.element.join(s) for s in body]
    segs += [d.element.join(["SE", str(len(body) + 2), "0001"]), d.element.join(["GE", "1", "7"]),
             d.element.join(["IEA", "1", "000000042"])]  # fmt: skip
    term = d.segment + d.suffix
    text = term.join(segs) + (term if final_terminator else "")
    return ("\ufeff" if bom else "") + text


@st.composite
def delimiters(draw: st.DrawFn) -> Delimiters:
    element, component, segment = draw(st.lists(st.sampled_from(DELIMITER_POOL + ["\n"]), min_size=3, max_size=3,
                                                unique=True))  # fmt: skip
    if element == "\n" or component == "\n":
        element, component, segment = (c if c != "\n" else "~" for c in (element, component, segment))
        if len({element, component, segment}) < 3:
            element, component, segment = "*", ">", "\n"
    suffix = "" if segment == "\n" else draw(st.sampled_from(["", "\n", "\r\n"]))
    return Delimiters(element, component, segment, None, suffix)


@settings(max_examples=150, deadline=None)
@given(d=delimiters(), data=st.data(), final=st.booleans(), bom=st.booleans())
def test_tokenizer_round_trips_random_delimiters_and_content(
    d: Delimiters, data: st.DataObject, final: bool, bom: bool
) -> None:
    alphabet = st.characters(
        blacklist_characters=[d.element, d.component, d.segment, "\r", "\n"], blacklist_categories=["Cs"]
    )
    seg_id = st.sampled_from(["W05", "N1", "LX", "W01", "N9", "ZZ9"])
    element = st.text(alphabet, max_size=12)
    body = data.draw(
        st.lists(st.tuples(seg_id, st.lists(element, min_size=1, max_size=6)), min_size=1, max_size=8)
    )
    segments = [[sid, *els] for sid, els in body]
    text = interchange(d, segments, final, bom)
    tokens = tokenize(text.encode("utf-8"))
    assert [e.code for e in tokens.errors] == []
    (chunk,) = tokens.chunks
    assert chunk.delimiters == d
    assert chunk.segments[3:-3] == segments
    assert chunk.ids[:3] == ["ISA", "GS", "ST"] and chunk.ids[-3:] == ["SE", "GE", "IEA"]
    assert chunk.segments[0][13] == "000000042"


@given(st.lists(st.text(st.characters(min_codepoint=32, max_codepoint=126, blacklist_characters="*~>"),
                        min_size=1, max_size=20), min_size=1, max_size=10))  # fmt: skip
def test_random_element_values_are_kept_verbatim(values: list[str]) -> None:
    d = Delimiters("*", ">", "~", None, "\n")
    tokens = tokenize(interchange(d, [["N9", *values]]))
    assert tokens.chunks[0].segments[3] == ["N9", *values]


def test_control_character_delimiters() -> None:
    d = Delimiters("\x1e", "\x1d", "\n", None, "")
    tokens = tokenize(interchange(d, [["W05", "N", "X"]]))
    assert tokens.chunks[0].delimiters == d
    assert tokens.chunks[0].segments[3] == ["W05", "N", "X"]


def test_repetition_separator_only_from_00402_on() -> None:
    d5 = Delimiters("*", ":", "~", "^", "")
    text5 = interchange(d5, [["LX", "1"]]).replace("*00401*", "*00501*")
    assert tokenize(text5).chunks[0].delimiters.repetition == "^"
    d4 = Delimiters("*", ":", "~", "^", "")  # a 4010 ISA carrying '^' in ISA11 (seen in the wild)
    assert tokenize(interchange(d4, [["LX", "1"]])).chunks[0].delimiters.repetition is None


def test_isa_not_fixed_width_is_reported_and_still_read() -> None:
    text = "ISA*00* *00* *ZZ*S *ZZ*R *260101*1200*U*00401*000000001*0*P*>~GS*OW*S*R*20260101*1200*1*X*004010~"
    tokens = tokenize(text)
    widths = [(e.code, e.element, e.found) for e in tokens.errors]
    assert widths == [
        ("ISA_WIDTH", 2, " "),
        ("ISA_WIDTH", 4, " "),
        ("ISA_WIDTH", 6, "S "),
        ("ISA_WIDTH", 8, "R "),
    ]
    assert tokens.chunks[0].delimiters == Delimiters("*", ">", "~", None, "")
    assert tokens.chunks[0].ids == ["ISA", "GS"]


def test_isa16_missing_is_detected_and_repaired() -> None:
    good = isa(Delimiters("*", ">", "~"))
    text = good[:-1] + "~\nGS*OW*S*R*20260101*1200*1*X*004010~\nST*940*0001~\n"
    tokens = tokenize(text)
    assert [e.code for e in tokens.errors] == ["ISA16_MISSING"]
    assert tokens.errors[0].element == 16
    assert tokens.chunks[0].delimiters == Delimiters("*", None, "~", None, "\n")
    assert tokens.chunks[0].segments[1][-1] == "004010"


def test_truncated_isa_and_no_isa_are_fatal() -> None:
    t = tokenize("ISA*00*          *00*")
    assert t.fatal and [e.code for e in t.errors] == ["ISA_TRUNCATED"]
    t = tokenize("hello world")
    assert t.fatal and [e.code for e in t.errors] == ["NO_ISA"]
    t = tokenize("junk\nISA" + interchange(Delimiters(), [["LX", "1"]])[3:])
    assert not t.fatal and [e.code for e in t.errors] == ["LEADING_DATA"]


def test_embedded_line_break_is_located() -> None:
    d = Delimiters("*", ">", "~", None, "\n")
    text = interchange(d, [["W01", "1", "EA"], ["N9", "PC", "X"]]).replace("W01*1*EA~\n", "W01*1*EA\n")
    tokens = tokenize(text)
    (err,) = tokens.errors
    assert (err.code, err.segment_no, err.segment_id, err.found) == (
        "EMBEDDED_LINE_BREAK",
        4,
        "W01",
        "W01*1*EA\nN9*PC*X",
    )


def test_empty_segment_is_a_warning() -> None:
    d = Delimiters("*", ">", "\n", None, "")
    text = interchange(d, [["LX", "1"]]).replace("LX*1\n", "LX*1\n\n")
    tokens = tokenize(text)
    assert [(e.code, e.severity, e.segment_no) for e in tokens.errors] == [("EMPTY_SEGMENT", "warning", 5)]
    assert tokens.chunks[0].ids[3:5] == ["LX", "SE"]


def test_crlf_after_newline_terminator() -> None:
    d = Delimiters("*", ">", "\r", None, "\n")
    tokens = tokenize(interchange(d, [["LX", "1"]]))
    assert tokens.chunks[0].delimiters.segment == "\r" and tokens.chunks[0].delimiters.suffix == "\n"
    assert tokens.chunks[0].segments[3] == ["LX", "1"]


def test_second_interchange_with_other_delimiters() -> None:
    a = interchange(Delimiters("*", ">", "~", None, "\n"), [["LX", "1"]])
    b = interchange(Delimiters("|", "^", "!", None, "\n"), [["LX", "2"]])
    tokens = tokenize(a + b)
    assert [c.delimiters.element for c in tokens.chunks] == ["*", "|"]
    assert tokens.chunks[1].first_no == 8
    doc = parse(a + b)
    assert len(doc.interchanges) == 2 and doc.codes() == []


def test_bare_set_delimiters_are_guessed() -> None:
    tokens = tokenize("ST*997*0001~\nAK1*PO*2~\nSE*3*0001")
    assert tokens.chunks[0].delimiters == Delimiters("*", None, "~", None, "\n")
    assert tokens.chunks[0].ids == ["ST", "AK1", "SE"]
    assert [(e.code, e.severity) for e in tokens.errors] == [("BARE_SET", "warning")]


def test_tokenizer_speed_190k_segments() -> None:
    d = Delimiters("*", ">", "~", None, "\n")
    line = ["W01", "12", "CA", "000100000010", "VN", "000100", "UC", "DEC0199"]
    text = interchange(d, [line] * 190_000)
    start = time.perf_counter()
    tokens = tokenize(text)
    elapsed = time.perf_counter() - start
    assert tokens.segment_count() == 190_006
    assert elapsed < 1.0, f"tokenizing 190k segments took {elapsed:.2f}s"
