"""Damaged input never escapes as KeyError/IndexError/ValueError: a map returns a document or a MapError."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from crossdock.connectors.edi.maps import MapError, w180, w214, w846, w856, w940, w943, w944, w945, w947

from .conftest import generate, partner, segments_of
from .documents import (
    T,
    adjustment,
    expected_receipt,
    receipt,
    return_authorization,
    return_receipt,
    sales_order,
    shipment,
    snapshot,
    tracking_events,
)

P = partner("generic-3pl")
CASES: list[tuple[Any, list[list[str]]]] = [
    (w940, segments_of(generate(w940, sales_order(), P), P)),
    (w945, segments_of(generate(w945, shipment(), P), P)),
    (w943, segments_of(generate(w943, expected_receipt(), P), P)),
    (w944, segments_of(generate(w944, receipt(), P), P)),
    (w947, segments_of(generate(w947, adjustment(), P), P)),
    (w846, segments_of(generate(w846, snapshot(), P), P)),
    (
        w856,
        segments_of(
            generate(w856, shipment().model_copy(update={"freight_cost": None}), P, order=sales_order()), P
        ),
    ),
    (w214, segments_of(generate(w214, tracking_events(), P), P)),
    (w180, segments_of(generate(w180, return_authorization(), P, issued_at=T), P)),
    (w180, segments_of(generate(w180, return_receipt(), P), P)),
]


@settings(max_examples=300, deadline=None)
@given(
    case=st.sampled_from(range(len(CASES))),
    edits=st.lists(
        st.tuples(
            st.integers(0, 60),
            st.integers(0, 12),
            st.sampled_from(["", "X", "-1", "9" * 20, "20261399", "ZZ"]),
        ),
        min_size=1,
        max_size=6,
    ),
    drop=st.lists(st.integers(0, 60), max_size=3),
)
def test_damaged_sets_raise_map_error_only(
    case: int, edits: list[tuple[int, int, str]], drop: list[int]
) -> None:
    module, segments = CASES[case]
    rows = [list(s) for s in segments]
    for seg_i, el_i, value in edits:
        row = rows[seg_i % len(rows)]
        i = 1 + el_i % max(len(row) - 1, 1)
        while len(row) <= i:
            row.append("")
        row[i] = value
    for d in sorted({d % len(rows) for d in drop}, reverse=True):
        if len(rows) > 1:
            rows.pop(d)
    try:
        module.from_x12(rows, P)
    except MapError as err:
        assert err.problems
        assert all(p.where and p.message for p in err.problems)
