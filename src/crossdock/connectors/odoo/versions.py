"""What differs between Odoo 16.0 and 19.0 for the connector: field and method names (odoo-api.md §3-4)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OdooVersion:
    major: int

    @property
    def series(self) -> str:
        return f"{self.major}.0"

    @property
    def move_line_qty(self) -> str:
        """Processed quantity on stock.move.line."""
        return "qty_done" if self.major <= 16 else "quantity"

    @property
    def has_picked(self) -> bool:
        return self.major >= 17

    @property
    def package_model(self) -> str:
        return "stock.quant.package" if self.major <= 18 else "stock.package"


def parse_version(info: dict) -> OdooVersion:
    """From common.version() or /web/version; SaaS builds say 'saas~17.2+e'."""
    raw = info.get("server_version_info") or info.get("version_info") or []
    first = raw[0] if raw else str(info.get("server_version") or info.get("version") or "0")
    text = str(first).replace("saas~", "")
    digits = "".join(ch for ch in text.split(".")[0] if ch.isdigit())
    return OdooVersion(int(digits or 0))
