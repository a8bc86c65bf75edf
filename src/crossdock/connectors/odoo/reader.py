"""Batched reads of the records around a set of pickings: one call per model, never per record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .client import OdooClient
from .mapping import Record, m2o_id

PARTNER_FIELDS = [
    "name",
    "ref",
    "street",
    "street2",
    "city",
    "zip",
    "state_id",
    "country_id",
    "phone",
    "email",
    "parent_id",
    "type",
    "commercial_partner_id",
]


class RelatedReader:
    """Reads related records by id in one call per model, and remembers the slow-changing ones."""

    def __init__(self, client: OdooClient):
        self.client = client
        self.uom_names: dict[int, str] = {}
        self.warehouse_codes: dict[int, str | None] = {}  # by picking type id
        self.country_codes: dict[int, str] = {}

    async def records(self, model: str, ids: set[int], fields: list[str], **kwargs: Any) -> dict[int, Record]:
        ids.discard(None)
        if not ids:
            return {}
        return {r["id"]: r for r in await self.client.read(model, sorted(ids), fields, **kwargs)}

    async def uoms(self, ids: set[int]) -> dict[int, str]:
        missing = {i for i in ids if i not in self.uom_names}
        for uom_id, record in (await self.records("uom.uom", missing, ["name"])).items():
            self.uom_names[uom_id] = record["name"]
        return self.uom_names

    async def warehouses(self, type_ids: set[int]) -> dict[int, str | None]:
        missing = {i for i in type_ids if i not in self.warehouse_codes}
        types = await self.records("stock.picking.type", missing, ["warehouse_id"])
        houses = await self.records(
            "stock.warehouse", {m2o_id(t["warehouse_id"]) for t in types.values()}, ["code"]
        )
        for type_id, record in types.items():
            house = houses.get(m2o_id(record["warehouse_id"]))
            self.warehouse_codes[type_id] = house["code"] if house else None
        return self.warehouse_codes

    async def partners(self, ids: set[int]) -> dict[int, Record]:
        partners = await self.records("res.partner", ids, PARTNER_FIELDS)
        await self.add_country_codes(partners.values())
        return partners

    async def add_country_codes(self, partners: Iterable[Record]) -> None:
        """Sets each partner's country_code; only countries not seen before are read."""
        partners = list(partners)
        missing = {m2o_id(p.get("country_id")) for p in partners} - set(self.country_codes)
        for country_id, record in (await self.records("res.country", missing, ["code"])).items():
            self.country_codes[country_id] = record["code"]
        for partner in partners:
            partner["country_code"] = self.country_codes.get(m2o_id(partner.get("country_id")))
