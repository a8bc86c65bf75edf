"""The mapping language of WMS profiles: paths, scopes, lists, conditions, filters, errors."""

from __future__ import annotations

import pytest

from crossdock.connectors.wms.template import Context, Template, TemplateError

ORDER = {
    "order_id": "SO0042",
    "ship_to": {"name": "Store 7", "country": "US"},
    "service_level": "two_day",
    "lines": [
        {"line_no": "1", "sku": "A-1", "quantity": {"value": "2", "uom": "CS"}},
        {"line_no": "2", "sku": "B-2", "quantity": {"value": "5", "uom": "EA"}, "requested_lot": "L9"},
    ],
}
CTX = Context(
    code_lists={"service": {"two_day": "2DAY", "ground": "GND"}},
    xrefs={"sku_out": {"A-1": "VENDOR-A1"}},
)


def test_paths_lists_filters_and_parent_scope():
    spec = {
        "referenceNum": "$order_id",
        "routing": {"mode": "$service_level | code(service)"},
        "shipTo": {"companyName": "$ship_to.name | upper", "country": "$ship_to.country"},
        "orderItems": {
            "$each": "$lines",
            "$map": {
                "sku": "$sku | xref(sku_out)",
                "qty": "$quantity.value | decimal",
                "ref": "$requested_lot | default($sku)",
                "lotNumber": "$requested_lot",
                "order": "$^order_id",
            },
        },
        "kind": "B2B",
        "literal": "$$not a path",
    }
    assert Template(spec).render(ORDER, CTX) == {
        "referenceNum": "SO0042",
        "routing": {"mode": "2DAY"},
        "shipTo": {"companyName": "STORE 7", "country": "US"},
        "orderItems": [
            {"sku": "VENDOR-A1", "qty": "2", "ref": "A-1", "order": "SO0042"},
            {"sku": "B-2", "qty": "5", "ref": "L9", "lotNumber": "L9", "order": "SO0042"},
        ],
        "kind": "B2B",
        "literal": "$not a path",
    }


def test_conditions_where_and_defaults():
    spec = {
        "lots": {"$each": "$lines", "$where": "$requested_lot", "$map": "$requested_lot"},
        "priority": {"$if": "$rush", "$then": "HIGH", "$else": "NORMAL"},
        "note": "$note | default('none')",
        "total": "$lines | sum(line_no)",
    }
    assert Template(spec).render(ORDER) == {
        "lots": ["L9"],
        "priority": "NORMAL",
        "note": "none",
        "total": "3",
    }


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"a": "$x | nope"}, "template.a: unknown filter 'nope'"),
        ({"a": {"$each": "$lines"}}, "template.a: $each needs a $map"),
    ],
)
def test_bad_specs_are_refused_with_their_place(spec, message):
    with pytest.raises(TemplateError, match=message.replace("$", r"\$")):
        Template(spec)


def test_bad_values_name_where_they_were_met():
    with pytest.raises(TemplateError, match=r"template.m: 'overnight' is not in code list 'service'"):
        Template({"m": "$service_level | code(service)"}).render({"service_level": "overnight"}, CTX)
    with pytest.raises(TemplateError, match=r"template.q: 'many' is not a number"):
        Template({"q": "$quantity | decimal"}).render({"quantity": "many"})
    assert Template({"m": "$s | code(service, 'STD')"}).render({"s": "x"}, CTX) == {"m": "STD"}


def test_expressions_are_parsed_once_not_per_render():
    from crossdock.connectors.wms.template import _parse

    template = Template({"a": "$order_id | lower | default($missing)", "b": "$lines | sum(line_no)"})
    first = template.render(ORDER)
    misses = _parse.cache_info().misses
    assert template.render(ORDER) == first == {"a": "so0042", "b": "3"}
    assert _parse.cache_info().misses == misses
