"""Per-version personality: which transports, models and behaviours a given Odoo series exposes."""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED = ("16.0", "17.0", "18.0", "19.0")


@dataclass(frozen=True)
class Personality:
    series: str

    @property
    def major(self) -> int:
        return int(self.series.split(".")[0])

    def version_info(self) -> list:
        return [self.major, 0, 0, "final", 0, ""]

    def version(self) -> dict:
        return {
            "server_version": self.series,
            "server_version_info": self.version_info(),
            "server_serie": self.series,
            "protocol_version": 1,
        }

    # Transport / API surface
    @property
    def has_json2(self) -> bool:
        return self.major >= 19

    @property
    def has_name_get(self) -> bool:
        return self.major <= 17

    @property
    def iso_datetimes(self) -> bool:
        """19 parses ISO 8601 (fromisoformat); 16-18 insist on 'YYYY-MM-DD HH:MM:SS'."""
        return self.major >= 19

    # Stock
    @property
    def immediate_transfer(self) -> bool:
        return self.major == 16

    @property
    def picked_flow(self) -> bool:
        """17+: move/move line `quantity` + `picked` instead of quantity_done/qty_done."""
        return self.major >= 17

    @property
    def package_model(self) -> str:
        return "stock.package" if self.major >= 19 else "stock.quant.package"

    @property
    def has_packaging(self) -> bool:
        return self.major <= 18

    @property
    def has_uom_category(self) -> bool:
        return self.major <= 18

    @property
    def storable_flag(self) -> bool:
        """18+: `is_storable` boolean; <=17: type='product'."""
        return self.major >= 18

    @property
    def return_method(self) -> str:
        return "action_create_returns" if self.major >= 18 else "create_returns"

    # Sale / purchase
    @property
    def line_uom_field(self) -> str:
        return "product_uom_id" if self.major >= 19 else "product_uom"

    @property
    def webhooks(self) -> bool:
        return self.major >= 17

    @property
    def webhook_postcommit(self) -> bool:
        return self.major >= 19


def personality(series: str) -> Personality:
    if series not in SUPPORTED:
        raise ValueError(f"unsupported Odoo version {series!r}; choose one of {', '.join(SUPPORTED)}")
    return Personality(series)
