"""ORM over RPC: the domain language, ordering/paging, x2many commands, reads, read_group, write dates."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import pytest

from .conftest import Sim

BASE = [["name", "=like", "DOM %"]]


@pytest.fixture(scope="module")
def data(sim: Sim) -> dict[str, int]:
    vip = sim.x("res.partner.category", "create", {"name": "VIP"})
    gold = sim.x("res.partner.category", "create", {"name": "Gold", "parent_id": vip})
    whole = sim.x("res.partner.category", "create", {"name": "Wholesale"})
    a = sim.x(
        "res.partner",
        "create",
        {
            "name": "DOM Alpha",
            "is_company": True,
            "email": "alpha@ex.com",
            "customer_rank": 5,
            "city": "Gent",
            "category_id": [[6, 0, [vip]]],
        },
    )
    b = sim.x(
        "res.partner",
        "create",
        {
            "name": "DOM Beta",
            "is_company": True,
            "customer_rank": 0,
            "city": "Brussels",
            "category_id": [[4, gold], [4, whole]],
        },
    )
    c = sim.x(
        "res.partner",
        "create",
        {
            "name": "DOM Charlie",
            "parent_id": a,
            "type": "delivery",
            "email": "CHARLIE@EX.COM",
            "customer_rank": 2,
            "city": "Gent",
        },
    )
    d = sim.x(
        "res.partner", "create", {"name": "DOM Delta", "parent_id": c, "type": "other", "customer_rank": 1}
    )
    e = sim.x(
        "res.partner",
        "create",
        {"name": "DOM Echo_1%", "email": "e@ex.org", "active": False, "customer_rank": 3},
    )
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "vip": vip, "gold": gold, "whole": whole}


DOMAINS: list[tuple[str, list, str]] = [
    ("eq", [["city", "=", "Gent"]], "AC"),
    ("neq includes null", [["city", "!=", "Gent"]], "BD"),
    ("gt", [["customer_rank", ">", 1]], "AC"),
    ("ge", [["customer_rank", ">=", 2]], "AC"),
    ("lt", [["customer_rank", "<", 2]], "BD"),
    ("le", [["customer_rank", "<=", 1]], "BD"),
    ("eq false", [["email", "=", False]], "BD"),
    ("=? false is true", [["email", "=?", False]], "ABCD"),
    ("=? value", [["email", "=?", "alpha@ex.com"]], "A"),
    ("like is case sensitive", [["email", "like", "ex.com"]], "A"),
    ("ilike", [["email", "ilike", "ex.com"]], "AC"),
    ("not like keeps null", [["email", "not like", "ex.com"]], "BCD"),
    ("not ilike", [["email", "not ilike", "ex.com"]], "BD"),
    ("=like pattern", [["name", "=like", "DOM _eta"]], "B"),
    ("=ilike pattern", [["name", "=ilike", "dom a%"]], "A"),
    ("in", [["city", "in", ["Gent", "Brussels"]]], "ABC"),
    ("not in", [["city", "not in", ["Gent"]]], "BD"),
    ("in with False", [["city", "in", [False, "Brussels"]]], "BD"),
    ("or", ["|", ["city", "=", "Brussels"], ["customer_rank", "=", 2]], "BC"),
    ("not", ["!", ["is_company", "=", True]], "CD"),
    (
        "nested prefix",
        ["&", "|", ["city", "=", "Gent"], ["city", "=", "Brussels"], ["is_company", "=", False]],
        "C",
    ),
    ("child_of id", [["id", "child_of", "@A"]], "ACD"),
    ("parent_of id", [["id", "parent_of", "@D"]], "ACD"),
    ("child_of on parent field", [["parent_id", "child_of", "@A"]], "CD"),
    ("dotted m2o", [["parent_id.name", "=", "DOM Alpha"]], "C"),
    ("dotted two hops", [["parent_id.parent_id.name", "=", "DOM Alpha"]], "D"),
    ("dotted o2m", [["child_ids.city", "=", "Gent"]], "A"),
    ("dotted m2m", [["category_id.name", "=", "Gold"]], "B"),
    (
        "m2o by display name",
        [["parent_id", "ilike", "alpha"]],
        "CD",
    ),  # D's parent is "DOM Alpha, DOM Charlie"
    ("m2o unset", [["parent_id", "=", False]], "AB"),
    ("m2o neq id", [["parent_id", "!=", "@A"]], "ABD"),
    ("x2many empty", [["category_id", "=", False]], "CD"),
    ("x2many in", [["category_id", "in", ["@vip"]]], "A"),
    ("x2many child_of", [["category_id", "child_of", "@vip"]], "AB"),
    ("x2many not empty", [["child_ids", "!=", False]], "AC"),
    ("archived explicit", [["active", "=", False]], "E"),
    ("archived and active", [["active", "in", [True, False]]], "ABCDE"),
    ("selection", [["type", "=", "delivery"]], "C"),
    ("true leaf", [[1, "=", 1]], "ABCD"),
    ("false leaf", [[0, "=", 1]], ""),
]


def _resolve(value: Any, data: dict[str, int]) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        return data[value[1:]]
    if isinstance(value, list):
        return [_resolve(v, data) for v in value]
    return value


@pytest.mark.parametrize(("label", "domain", "expected"), DOMAINS, ids=[d[0] for d in DOMAINS])
def test_domain(sim: Sim, data: dict[str, int], label: str, domain: list, expected: str) -> None:
    found = sim.x("res.partner", "search", BASE + _resolve(domain, data), order="id")
    assert found == [data[k] for k in expected]


def test_any_operator(sim: Sim, data: dict[str, int]) -> None:
    domain = BASE + [["child_ids", "any", [["type", "=", "delivery"]]]]
    if sim.major == 16:
        assert sim.fault("res.partner", "search", domain).faultCode == 1
        return
    assert sim.x("res.partner", "search", domain, order="id") == [data["A"]]
    not_any = BASE + [["child_ids", "not any", [["type", "=", "delivery"]]]]
    assert sim.x("res.partner", "search", not_any, order="id") == [data["B"], data["C"], data["D"]]


def test_order_offset_limit_count(sim: Sim, data: dict[str, int]) -> None:
    by_rank = sim.x("res.partner", "search", BASE, order="customer_rank desc")
    assert by_rank == [data["A"], data["C"], data["D"], data["B"]]
    assert sim.x("res.partner", "search", BASE, 1, 2, "customer_rank desc") == [data["C"], data["D"]]
    assert sim.x("res.partner", "search", BASE, order="city asc, name desc") == [
        data["B"],
        data["C"],
        data["A"],
        data["D"],
    ]  # NULL city sorts last ascending
    assert sim.x("res.partner", "search_count", BASE) == 4
    assert sim.x("res.partner", "search_count", BASE, limit=2) == 2
    assert sim.x("res.partner", "search", BASE, count=True) == 4
    assert sim.x("res.partner", "search_count", BASE, context={"active_test": False}) == 5
    fault = sim.fault("res.partner", "search", BASE, order="name; drop table")
    assert fault.faultCode == 1


def test_search_read_and_read_shapes(sim: Sim, data: dict[str, int]) -> None:
    rows = sim.x("res.partner", "search_read", [["id", "=", data["C"]]], ["parent_id", "category_id", "type"])
    assert rows == [
        {"id": data["C"], "parent_id": [data["A"], "DOM Alpha"], "category_id": [], "type": "delivery"}
    ]
    plain = sim.x("res.partner", "read", [data["C"]], ["parent_id"], load="")  # None cannot be sent over XML
    assert plain == [{"id": data["C"], "parent_id": data["A"]}]
    assert sim.x("res.partner", "read", [data["D"]], ["display_name"])[0]["display_name"] == (
        "DOM Alpha, DOM Charlie, DOM Delta"
    )
    archived = sim.x("res.partner", "read", [data["E"]], ["active"])
    assert archived == [{"id": data["E"], "active": False}]


def test_name_search_and_name_get(sim: Sim, data: dict[str, int]) -> None:
    found = sim.x("res.partner", "name_search", "DOM Be", [], "ilike", 5)
    assert found == [[data["B"], "DOM Beta"]]
    key = "domain" if sim.major >= 19 else "args"
    assert sim.x("res.partner", "name_search", name="Charlie", **{key: BASE}) == [
        [data["C"], "DOM Alpha, DOM Charlie"],
        [data["D"], "DOM Alpha, DOM Charlie, DOM Delta"],
    ]
    if sim.major <= 17:
        assert sim.x("res.partner", "name_get", [data["A"], data["C"]]) == [
            [data["A"], "DOM Alpha"],
            [data["C"], "DOM Alpha, DOM Charlie"],
        ]
    else:
        fault = sim.fault("res.partner", "name_get", [data["A"]])
        assert fault.faultCode == 1 and "has no attribute 'name_get'" in fault.faultString


def test_fields_get_attributes(sim: Sim) -> None:
    desc = sim.x(
        "res.partner", "fields_get", ["parent_id", "type"], ["type", "string", "relation", "selection"]
    )
    assert desc["parent_id"] == {"type": "many2one", "string": "Related Company", "relation": "res.partner"}
    expected_types = [
        ["contact", "Contact"],
        ["invoice", "Invoice Address"],
        ["delivery", "Delivery Address"],
        ["other", "Other Address"],
    ] + ([["private", "Private Address"]] if sim.major == 16 else [])
    assert desc["type"] == {"type": "selection", "string": "Address Type", "selection": expected_types}
    full = sim.x("stock.picking", "fields_get", ["state"])["state"]
    assert (full["required"], full["readonly"], full["store"]) == (False, True, True)


def test_read_group(sim: Sim, data: dict[str, int]) -> None:
    groups = sim.x("res.partner", "read_group", BASE, ["customer_rank:sum"], ["city"])
    assert [(g["city"], g["city_count"], g["customer_rank"]) for g in groups] == [
        (False, 1, 1),
        ("Brussels", 1, 0),
        ("Gent", 2, 7),
    ]
    assert groups[2]["__domain"] == BASE + [["city", "=", "Gent"]]
    by_parent = sim.x(
        "res.partner",
        "read_group",
        BASE + [["parent_id", "!=", False]],
        ["customer_rank"],
        ["parent_id"],
        lazy=False,
    )
    assert [(g["parent_id"], g["__count"]) for g in by_parent] == [
        ([data["A"], "DOM Alpha"], 1),
        ([data["C"], "DOM Alpha, DOM Charlie"], 1),
    ]


def test_x2many_commands(sim: Sim, data: dict[str, int]) -> None:
    parent = sim.x(
        "res.partner",
        "create",
        {
            "name": "X2M Parent",
            "is_company": True,
            "child_ids": [[0, 0, {"name": "Kid 1"}], [0, 0, {"name": "Kid 2"}]],
        },
    )
    kids = sim.x("res.partner", "read", [parent], ["child_ids"])[0]["child_ids"]
    assert len(kids) == 2
    k1, k2 = sorted(kids)
    loose = sim.x("res.partner", "create", {"name": "Loose"})
    sim.x("res.partner", "write", [parent], {"child_ids": [[1, k1, {"city": "Mons"}], [4, loose, 0]]})
    assert sim.x("res.partner", "read", [k1], ["city"])[0]["city"] == "Mons"
    assert sorted(sim.x("res.partner", "read", [parent], ["child_ids"])[0]["child_ids"]) == [k1, k2, loose]
    sim.x("res.partner", "write", [parent], {"child_ids": [[3, loose, 0]]})  # unlink: inverse set to False
    assert sim.x("res.partner", "read", [loose], ["parent_id"])[0]["parent_id"] is False
    sim.x("res.partner", "write", [parent], {"child_ids": [[2, k2, 0]]})  # delete
    assert sim.x("res.partner", "search", [["id", "=", k2]]) == []
    sim.x("res.partner", "write", [parent], {"child_ids": [[6, 0, [loose]]]})
    assert sim.x("res.partner", "read", [parent], ["child_ids"])[0]["child_ids"] == [loose]
    sim.x("res.partner", "write", [parent], {"child_ids": [[5, 0, 0]]})
    assert sim.x("res.partner", "read", [parent], ["child_ids"])[0]["child_ids"] == []
    # many2many: 4 link, 3 unlink, 6 set, 5 clear, 0 create, plain id list
    tag = sim.x("res.partner", "read", [parent], ["category_id"])[0]["category_id"]
    assert tag == []
    sim.x("res.partner", "write", [parent], {"category_id": [[4, data["vip"], 0], [4, data["gold"], 0]]})
    sim.x("res.partner", "write", [parent], {"category_id": [[3, data["vip"], 0], [0, 0, {"name": "Fresh"}]]})
    tags = sim.x("res.partner", "read", [parent], ["category_id"])[0]["category_id"]
    assert tags[0] == data["gold"] and len(tags) == 2
    assert sim.x("res.partner.category", "read", [tags[1]], ["name"])[0]["name"] == "Fresh"
    sim.x("res.partner", "write", [parent], {"category_id": [[6, 0, [data["whole"]]]]})
    assert sim.x("res.partner", "read", [parent], ["category_id"])[0]["category_id"] == [data["whole"]]
    sim.x("res.partner", "write", [parent], {"category_id": [data["vip"], data["gold"]]})
    assert sim.x("res.partner", "read", [parent], ["category_id"])[0]["category_id"] == [
        data["vip"],
        data["gold"],
    ]
    sim.x("res.partner", "write", [parent], {"category_id": [[5, 0, 0]]})
    assert sim.x("res.partner", "read", [parent], ["category_id"])[0]["category_id"] == []
    sim.x("res.partner", "write", [parent], {"category_id": [[2, tags[1], 0]]})
    assert sim.x("res.partner.category", "search", [["id", "=", tags[1]]]) == []


def test_write_date_is_transaction_start(sim: Sim) -> None:
    """Every record touched by one call gets the same create/write date: the start of that call."""
    ids = sim.x("res.partner", "create", [{"name": f"TS {i}"} for i in range(30)])
    rows = sim.x("res.partner", "read", ids, ["create_date", "write_date"])
    assert len({r["create_date"] for r in rows}) == 1
    assert {r["write_date"] for r in rows} == {rows[0]["create_date"]}
    sim.x("res.partner", "write", ids, {"city": "Same"})
    after = sim.x("res.partner", "read", ids, ["write_date", "write_uid"])
    assert len({r["write_date"] for r in after}) == 1
    assert after[0]["write_date"] >= rows[0]["write_date"]
    assert after[0]["write_uid"] == [2, "Mitchell Admin"]


def test_default_get_and_copy(sim: Sim, data: dict[str, int]) -> None:
    fname = "fields" if sim.major >= 19 else "fields_list"
    defaults = sim.x(
        "res.partner", "default_get", **{fname: ["type", "active", "city"]}, context={"default_city": "Liege"}
    )
    assert defaults == {"type": "contact", "active": True, "city": "Liege"}
    new = sim.x("res.partner", "copy", [data["A"]], {"name": "DOM Alpha copy"})
    row = sim.x("res.partner", "read", [new], ["name", "email", "category_id"])[0]
    assert row == {"id": new, "name": "DOM Alpha copy", "email": "alpha@ex.com", "category_id": [data["vip"]]}
    sim.x("res.partner", "unlink", [new])


def test_unlink_missing(sim: Sim) -> None:
    fault = sim.fault("res.partner", "unlink", [987654])
    assert fault.faultCode == 2
    assert isinstance(fault, xmlrpc.client.Fault)


def test_copy_order_duplicates_lines_not_state(sim: Sim) -> None:
    product = sim.product("SKU00001")
    so = sim.x(
        "sale.order",
        "create",
        {
            "partner_id": sim.customer(6),
            "order_line": [[0, 0, {"product_id": product, "product_uom_qty": 1}]],
        },
    )
    sim.x("sale.order", "action_confirm", [so])
    new = sim.x("sale.order", "copy", [so])
    rows = sim.x("sale.order", "read", [so, new], ["name", "state", "order_line", "picking_ids"])
    assert rows[1]["state"] == "draft" and rows[1]["picking_ids"] == []
    assert rows[1]["name"] != rows[0]["name"] and rows[1]["name"].startswith("S")
    assert len(rows[1]["order_line"]) == 1 and rows[1]["order_line"] != rows[0]["order_line"]
    line = sim.x(
        "sale.order.line", "read", rows[1]["order_line"], ["product_id", "product_uom_qty", "qty_delivered"]
    )
    assert (line[0]["product_id"][0], line[0]["product_uom_qty"], line[0]["qty_delivered"]) == (
        product,
        1.0,
        0.0,
    )


def test_duplicate_lot_is_refused(sim: Sim) -> None:
    product = sim.product("SKU00002")
    fault = sim.fault("stock.lot", "create", {"name": "LOT-00002-A", "product_id": product})
    assert fault.faultCode == 2
    assert fault.faultString.startswith(
        "The combination of serial number and product must be unique across a company.\n"
    )


def test_write_date_of_a_queued_transaction_is_older() -> None:
    """§5.3: write_date is the transaction start; a call queued behind a long transaction commits rows
    older than rows already visible, which is why pollers need an overlap margin."""
    import threading
    import time

    from .conftest import start_sim

    srv = start_sim("17.0", skus=5)
    try:
        sim = Sim(srv)
        store = srv.db.store
        with store.lock:  # a long transaction is running
            late = threading.Thread(target=lambda: sim.x("res.partner", "create", {"name": "Queued"}))
            late.start()
            time.sleep(1.1)
            with srv.db.transaction(uid=2) as env:  # re-entrant: commits while the queued call waits
                env.create("res.partner", {"name": "Visible"})
        late.join()
        rows = sim.x(
            "res.partner", "search_read", [["name", "in", ["Queued", "Visible"]]], ["name", "write_date"]
        )
        dates = {r["name"]: r["write_date"] for r in rows}
        assert dates["Queued"] < dates["Visible"]
        assert (
            sim.x("res.partner", "search", [["write_date", ">", dates["Queued"]], ["name", "=", "Queued"]])
            == []
        )
    finally:
        srv.stop()


def test_read_group_orderby_aggregate(sim: Sim, data: dict[str, int]) -> None:
    groups = sim.x(
        "res.partner", "read_group", BASE, ["customer_rank:sum"], ["city"], orderby="customer_rank desc"
    )
    assert [(g["city"], g["customer_rank"]) for g in groups] == [("Gent", 7), (False, 1), ("Brussels", 0)]
