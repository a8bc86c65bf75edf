"""Property tests: random valid content always generates, parses and validates cleanly; a random
mutation of one element is always reported at the right place."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossdock.connectors.edi.control import InMemoryControlNumbers
from crossdock.connectors.edi.generator import EnvelopeSettings, OutboundSet, generate_interchange
from crossdock.connectors.edi.parser import read
from crossdock.connectors.edi.schema import ElementDef, available_sets, load_set
from crossdock.connectors.edi.tokenizer import Delimiters

from .conftest import NOW, set_instance

SAFE = st.characters(min_codepoint=32, max_codepoint=126, blacklist_characters="*>~^")


def element_value(el: ElementDef) -> st.SearchStrategy:
    if el.type == "C":
        return st.tuples(*(element_value(c) for c in el.components if c.mandatory))
    if el.codes:
        return st.sampled_from(sorted(el.codes))
    if el.type == "DT":
        fmt = "%y%m%d" if el.max == 6 else "%Y%m%d"
        return st.dates(date(2000, 1, 1), date(2099, 12, 31)).map(lambda d: d.strftime(fmt))
    if el.type == "TM":
        return st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]:02d}{t[1]:02d}")
    if el.type.startswith("N"):
        return st.integers(0, 10 ** max(el.min, 1) - 1).map(lambda v, n=max(el.min, 1): f"{v:0{n}d}")
    if el.type == "R":
        # at most el.max digits in all (sign and decimal point do not count)
        digits = min(el.max, 6)
        scale = st.integers(0, 1 if digits > 1 else 0)
        return st.tuples(st.integers(0, 10 ** max(digits - 1, 1) - 1), scale).map(
            lambda t: format(Decimal(t[0]).scaleb(-t[1]), "f")
        )
    # AN/ID: non-blank first and last characters so min length holds after nothing is trimmed
    return st.text(SAFE, min_size=el.min, max_size=min(el.max, 12)).filter(lambda s: s.strip() == s and s)


@st.composite
def valid_set(draw: st.DrawFn) -> tuple[str, str, list[list]]:
    version = draw(st.sampled_from(["004010", "005010"]))
    set_id = draw(st.sampled_from(available_sets(version)))
    set_def = load_set(set_id, version)
    body = set_instance(set_def, draw(st.booleans()))
    out = []
    for seg in body:
        seg_def = set_def.segments[seg[0]]
        values = [seg[0]]
        for i, v in enumerate(seg[1:]):
            el = seg_def.elements[i]
            if v == "" or seg[0] in ("HL",) or el.type == "C":
                values.append(v)
            else:
                values.append(draw(element_value(el)))
        for pat in seg_def.patterns:  # qualifier-dependent formats (e.g. MAN*GM SSCC-18)
            if len(values) > pat.element and values[pat.when_element] == pat.when_value:
                values[pat.element] = draw(st.from_regex(pat.regex, fullmatch=True))
        out.append(values)
    return version, set_id, out


def _text(version: str, set_id: str, body: list[list], delims: Delimiters) -> str:
    settings_ = EnvelopeSettings("S", "R", version=version, delimiters=delims)
    gen = generate_interchange("p", settings_, [OutboundSet(set_id, body)], InMemoryControlNumbers(), now=NOW,
                               validate=False)  # fmt: skip
    return gen.text


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_set())
def test_random_valid_sets_validate(case: tuple[str, str, list[list]]) -> None:
    version, set_id, body = case
    doc = read(_text(version, set_id, body, Delimiters("*", ">", "~", "^", "\n")), "strict")
    assert doc.accepted and doc.valid, [str(e) for e in doc.all_errors()]
    ts = next(doc.sets())
    assert [s[0] for s in ts.segments[1:-1]] == [s[0] for s in body]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_set(), st.data())
def test_a_too_long_value_is_reported_where_it_is(
    case: tuple[str, str, list[list]], data: st.DataObject
) -> None:
    version, set_id, body = case
    set_def = load_set(set_id, version)
    candidates = [(i, j) for i, seg in enumerate(body) for j, _ in enumerate(seg[1:], start=1)
                  if set_def.segments[seg[0]].elements[j - 1].type in ("AN", "ID") and seg[j] != ""]  # fmt: skip
    if not candidates:
        return
    i, j = data.draw(st.sampled_from(candidates))
    el = set_def.segments[body[i][0]].elements[j - 1]
    body[i][j] = "X" * (el.max + 1)
    doc = read(_text(version, set_id, body, Delimiters("*", ">", "~", "^", "\n")), "strict")
    found = {(e.segment_id, e.set_position, e.element) for e in doc.all_errors() if e.severity == "error"}
    assert (body[i][0], i + 2, j) in found
