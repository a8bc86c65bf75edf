"""The ownership matrix: which system (by role) may set which fields of which document.

A rule maps a dotted field pattern ("lines.*.unit_price", "*" for the whole document) to the
role or roles that own it. For each field an inbound message carries, the most specific rule
decides; a message whose source does not own a field it sets is rejected, and the reason names
the field, its owner and the source.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

ANYONE = "any"

# The seed's operating model (see DESIGN.md): Odoo owns commercial data, warehouses own
# execution, the logistics platform owns carrier data.
DEFAULT_OWNERSHIP: dict[str, dict[str, str | list[str]]] = {
    "SalesOrder": {"*": "erp"},
    "OrderCancellation": {"*": "erp"},
    "ExpectedReceipt": {"*": "erp"},
    "ReturnAuthorization": {"*": "erp"},
    "Partner": {"*": "erp"},
    "Item": {"*": "erp", "weight": ["erp", "warehouse"], "dimensions": ["erp", "warehouse"]},
    "OrderProgress": {"*": "warehouse"},
    "ShipmentConfirmation": {
        "*": "warehouse",
        "lines.*.unit_price": "erp",
        "carrier": ["warehouse", "logistics"],
        "tracking_number": ["warehouse", "logistics"],
        "freight_cost": ["warehouse", "logistics"],
    },
    "ReceiptConfirmation": {"*": "warehouse"},
    "PutawayCompleted": {"*": "warehouse"},
    "InventorySnapshot": {"*": "warehouse"},
    "InventoryAdjustment": {"*": "warehouse"},
    "ReturnReceipt": {"*": "warehouse"},
    "RateQuote": {"*": "logistics"},
    "ShipmentManifest": {"*": "logistics"},
    "TrackingEvent": {"*": "logistics"},
    "ExceptionRaised": {"*": ANYONE},
}


def _leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Paths of every non-empty leaf; an empty value asserts nothing, so it owns nothing."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _leaves(inner, path + (str(key),))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _leaves(inner, path + (str(index),))
    elif value is not None and value != "":
        yield path


def _matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    if pattern == ("*",):
        return True
    if len(pattern) > len(path):
        return False
    return all(p == "*" or p == part for p, part in zip(pattern, path, strict=False))


class OwnershipMatrix:
    def __init__(self, rules: Mapping[str, Mapping[str, str | list[str]]]):
        self._rules: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = {}
        for document_type, fields in rules.items():
            compiled = []
            for pattern, owners in fields.items():
                owner_set = frozenset([owners] if isinstance(owners, str) else owners)
                compiled.append((tuple(pattern.split(".")), owner_set))
            # Most specific first: longer patterns, then fewer wildcards.
            compiled.sort(key=lambda rule: (rule[0] == ("*",), -len(rule[0]), rule[0].count("*")))
            self._rules[document_type] = compiled

    def owners(self, document_type: str, path: tuple[str, ...]) -> tuple[str, frozenset[str]] | None:
        for pattern, owners in self._rules.get(document_type, ()):
            if _matches(pattern, path):
                return ".".join(pattern), owners
        return None

    def violations(
        self, document_type: str, data: Mapping[str, Any], system: str, role: str | None
    ) -> list[str]:
        """Reasons, one per offending field, why `system` may not send this document."""
        rules = self._rules.get(document_type)
        if not rules:
            return []
        allowed = {system} | ({role} if role else set())
        if all(ANYONE in owners or owners & allowed for _, owners in rules):
            return []  # the source owns every field of this document: no need to walk it
        offending: dict[str, tuple[frozenset[str], list[str]]] = {}
        for path in _leaves(data):
            found = self.owners(document_type, path)
            if found is None:
                continue
            pattern, owners = found
            if ANYONE in owners or owners & allowed:
                continue
            # Name the field at the depth of its rule: lines.0.unit_price, not ...unit_price.amount.
            depth = len(pattern.split(".")) if pattern != "*" else len(path)
            fields = offending.setdefault(pattern, (owners, []))[1]
            field = ".".join(path[:depth])
            if field not in fields:
                fields.append(field)
        who = f"source system {system!r}" + (f" (role {role})" if role else "")
        reasons = []
        for pattern, (owners, fields) in offending.items():
            owner = " or ".join(sorted(owners))
            if pattern == "*":
                shown = ", ".join(fields[:5]) + (f" and {len(fields) - 5} more" if len(fields) > 5 else "")
                reasons.append(f"{document_type} is owned by {owner}; {who} may not set its fields ({shown})")
            else:
                for field in fields:
                    reasons.append(
                        f"field {field!r} of {document_type} is owned by {owner}; {who} may not set it"
                    )
        return reasons
