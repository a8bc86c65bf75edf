"""What a person does in Odoo, over plain XML-RPC: the demo's and the tests' hands on the emulator."""

from __future__ import annotations

import xmlrpc.client
from typing import Any


class OdooPerson:
    def __init__(self, url: str, db: str = "crossdock", password: str = "admin", uid: int = 2):
        self.proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
        self.db, self.password, self.uid = db, password, uid

    def x(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.proxy.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)

    def products(self, codes: list[str]) -> dict[str, int]:
        rows = self.x("product.product", "search_read", [["default_code", "in", codes]], ["default_code"])
        return {r["default_code"]: r["id"] for r in rows}

    def product(self, code: str) -> int:
        return self.products([code])[code]

    def sell(self, lines: list[tuple[str, float]], customer: str = "Customer 0001 SA") -> str:
        """A confirmed sale order; its name."""
        return self.sell_order(lines, customer)[1]

    def sell_order(
        self, lines: list[tuple[str, float]], customer: str = "Customer 0001 SA"
    ) -> tuple[int, str]:
        """A confirmed sale order; its id and name."""
        partner = self.x("res.partner", "search", [["name", "=", customer]])[0]
        products = self.products([code for code, _ in lines])
        order = self.x(
            "sale.order",
            "create",
            {
                "partner_id": partner,
                "order_line": [
                    [0, 0, {"product_id": products[code], "product_uom_qty": qty}] for code, qty in lines
                ],
            },
        )
        self.x("sale.order", "action_confirm", [order])
        return order, self.x("sale.order", "read", [order], ["name"])[0]["name"]

    def buy(self, lines: list[tuple[str, float]]) -> str:
        """A confirmed purchase order from the first supplier; its name."""
        supplier = self.x("res.partner", "search", [["name", "like", "Supplier"]], limit=1)[0]
        products = self.products([code for code, _ in lines])
        order = self.x(
            "purchase.order",
            "create",
            {
                "partner_id": supplier,
                "order_line": [
                    [0, 0, {"product_id": products[code], "product_qty": qty}] for code, qty in lines
                ],
            },
        )
        self.x("purchase.order", "button_confirm", [order])
        return self.x("purchase.order", "read", [order], ["name"])[0]["name"]

    def pickings(self, origin: str) -> list[dict]:
        return self.x(
            "stock.picking",
            "search_read",
            [["origin", "=", origin]],
            ["name", "state", "backorder_id", "carrier_tracking_ref", "carrier_price"],
            order="id asc",
        )
