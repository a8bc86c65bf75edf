"""Reading the ISA without a parse, and remembering what was seen (in memory or in the store)."""

from __future__ import annotations

import json

import pytest

from crossdock.connectors.transfer.dedupe import DuplicateDetector, Interchange, IsaError, read_isa, sha256
from crossdock.core.cursors import Cursors

from .samples import interchange_945, isa


def test_isa_fixed_offsets():
    assert read_isa(interchange_945("HARBOR3PL", "000000123").encode()) == Interchange(
        "HARBOR3PL", "000000123"
    )


@pytest.mark.parametrize(
    "prefix",
    [b"\xef\xbb\xbf", b"  \r\n\t", b"\xef\xbb\xbf\n  "],
    ids=["bom", "whitespace", "bom+whitespace"],
)
def test_isa_after_bom_and_leading_whitespace(prefix: bytes):
    data = prefix + interchange_945("HARBOR3PL", "000000777").encode()
    assert read_isa(data) == Interchange("HARBOR3PL", "000000777")


def test_isa_declares_its_own_separator():
    data = interchange_945("NORD 3PL", "000004711", separator="|").encode()
    assert read_isa(data) == Interchange("NORD 3PL", "000004711")


def test_mangled_isa_falls_back_to_counting_elements():
    # a 12-character sender id: the fixed offsets no longer line up (X12 notes 8.3)
    text = "ISA*00*          *00*          *ZZ*SHORTSENDER1*ZZ*CROSSDOCK      *261127*0130*U*00401*000000042*0*P*>~"
    assert read_isa(text.encode()) == Interchange("SHORTSENDER1", "000000042")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GS*SW*X~", "does not start with an ISA segment (starts with 'GS*SW*X~')"),
        (b"ISA", "the ISA segment is truncated"),
        (b"ISA1001", "the element separator '1' must not be a letter, digit or space"),
        (b"ISA*00*x*00", "the ISA has 3 elements, fewer than the 16 required"),
        (
            isa("HARBOR3PL", "12345678A").encode(),
            "ISA13 (interchange control number) must be 9 digits, got '12345678A'",
        ),
        (isa("", "000000001").encode(), "ISA06 (interchange sender id) is empty"),
    ],
)
def test_unreadable_isa(data: bytes, message: str):
    with pytest.raises(IsaError) as error:
        read_isa(data)
    assert str(error.value) == message


def test_memory_detector_by_hash_and_by_interchange():
    detector = DuplicateDetector("harbor")
    first = interchange_945("HARBOR3PL", "000000123").encode()
    key = Interchange("HARBOR3PL", "000000123")
    assert detector.check(sha256(first), key) is None
    detector.remember(sha256(first), key, "A.edi")

    same = detector.check(sha256(first), key)
    assert same is not None and (same.kind, same.value) == ("sha256", sha256(first))
    assert same.original["file"] == "A.edi"

    resent = interchange_945("HARBOR3PL", "000000123", order="SO0099").encode()  # new content, same ISA13
    again = detector.check(sha256(resent), key)
    assert again is not None and (again.kind, again.value) == ("isa13", "HARBOR3PL:000000123")
    assert detector.check(sha256(resent), Interchange("OTHER", "000000123")) is None  # another sender


def test_store_backed_keys_survive_a_restart(store):
    data = b"ISA..."
    first = DuplicateDetector("harbor")
    first.bind(store)
    first.remember(sha256(data), Interchange("HARBOR3PL", "000000123"), "A.edi")

    stored = Cursors(store).get("files:harbor:isa13:HARBOR3PL:000000123")
    assert stored is not None
    record = json.loads(stored)
    assert (record["file"], record["sha256"], record["interchange"]) == (
        "A.edi",
        sha256(data),
        ["HARBOR3PL", "000000123"],
    )
    assert Cursors(store).get(f"files:harbor:sha256:{sha256(data)}") == stored

    later = DuplicateDetector("harbor")
    later.bind(store)
    found = later.check(sha256(b"other"), Interchange("HARBOR3PL", "000000123"))
    assert found is not None and found.original["file"] == "A.edi"
    other_partner = DuplicateDetector("nordlager")
    other_partner.bind(store)
    assert other_partner.check(sha256(data), None) is None  # keys are per partner
