"""The mapping section of a partner profile: qualifiers, code translations, time zone.

A partner profile is the codec's profile (``envelope``, ``sets``; see docs/edi.md) plus a ``mapping``
section (see docs/edi-maps.md). Adding a 3PL means writing a profile, not code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from crossdock.model import AdjustmentReason, Condition, Disposition, StockStatus, TrackingStatus

from ..generator import EnvelopeSettings
from ..schema import Profile, load_profile
from ..versions import release_of

PROFILES_DIR = Path(__file__).parent / "profiles"

_REFERENCES = {
    "line": "LI",
    "lot": "LT",
    "serial": "SE",
    "tracking": "2I",
    "bill_of_lading": "BM",
    "purchase_order": "PO",
    "order": "ON",
    "location": "LU",
    "license_plate": "LV",
}
_PARTIES = {
    "ship_to": "ST",
    "customer": "BY",
    "warehouse": "WH",
    "supplier": "SF",
    "depositor": "DE",
}
_W13 = {"damaged": "01", "over": "02", "short": "03"}


class ProfileError(ValueError):
    pass


def _inverse(mapping: dict[str, str]) -> dict[str, str]:
    """canonical -> code: the first code listed for a canonical value is the one written."""
    out: dict[str, str] = {}
    for code, canonical in mapping.items():
        out.setdefault(canonical, code)
    return out


# the code tables code_out translates back to X12
_CODE_TABLES = (
    "service_levels",
    "compliance_notes",
    "stock_statuses",
    "tracking_statuses",
    "conditions",
    "dispositions",
    "adjustment_reasons",
)


def _codes(raw: dict[str, Any], key: str, enum: type[Any]) -> dict[str, Any]:
    out = {}
    for code, value in (raw.get(key) or {}).items():
        try:
            out[str(code)] = enum(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            raise ProfileError(f"mapping.{key}.{code}: {value!r} is not one of {allowed}") from None
    return out


def _no_booleans(node: Any, path: str = "mapping") -> None:
    # YAML 1.1 reads unquoted ON/OFF/YES/NO/Y/N as booleans: a code must never silently become "True"
    if isinstance(node, bool):
        raise ProfileError(f'{path}: {node!r} is a boolean; quote codes such as "ON" or "N" in YAML')
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, bool):
                raise ProfileError(f"{path}: key {key!r} is a boolean; quote it")
            _no_booleans(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _no_booleans(value, f"{path}[{i}]")


@dataclass(slots=True)
class PartnerProfile:
    name: str
    raw: Profile
    version: str = "004010"
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    time_format: str = "HHMM"
    always_time: bool = False
    g62_time_qualifier: str = "W"
    id_qualifier: str = "92"
    sku_qualifier: str = "SK"
    sku_qualifiers: list[str] = field(default_factory=lambda: ["SK"])
    references: dict[str, str] = field(default_factory=lambda: dict(_REFERENCES))
    serial_segment: str = "N9"
    parties: dict[str, str] = field(default_factory=lambda: dict(_PARTIES))
    depositor: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)  # X12 code -> canonical uom
    units_out_map: dict[str, str] = field(default_factory=dict)
    weight_units: dict[str, str] = field(default_factory=lambda: {"L": "lb", "K": "kg"})
    carriers: dict[str, str] = field(default_factory=dict)  # SCAC -> canonical carrier
    services: dict[str, dict[str, str]] = field(default_factory=dict)
    service_levels: dict[str, str] = field(default_factory=dict)  # routing text -> canonical level
    adjustment_reasons: dict[str, AdjustmentReason] = field(default_factory=dict)
    tracking_statuses: dict[str, TrackingStatus] = field(default_factory=dict)
    stock_statuses: dict[str, StockStatus] = field(default_factory=dict)
    conditions: dict[str, Condition] = field(default_factory=dict)
    dispositions: dict[str, Disposition] = field(default_factory=dict)
    compliance_notes: dict[str, str] = field(default_factory=dict)  # NTE01 -> canonical code
    discrepancy_codes: dict[str, str] = field(default_factory=lambda: dict(_W13))
    defaults: dict[str, str] = field(default_factory=dict)
    # reverse tables (canonical -> code), built once in __post_init__ rather than per document line
    units_inverse: dict[str, str] = field(init=False)
    weight_units_out: dict[str, str] = field(init=False)
    carriers_out: dict[str, str] = field(init=False)
    codes_out: dict[str, dict[str, str]] = field(init=False)  # by the name of the code table

    def __post_init__(self) -> None:
        self.units_inverse = _inverse(self.units)
        self.weight_units_out = _inverse(self.weight_units)
        self.carriers_out = _inverse(self.carriers)
        self.codes_out = {
            name: _inverse({k: str(v) for k, v in getattr(self, name).items()}) for name in _CODE_TABLES
        }

    # --- loading
    @classmethod
    def from_dict(cls, raw: Profile) -> PartnerProfile:
        m: dict[str, Any] = raw.get("mapping") or {}
        dates_raw = m.get("dates") or {}
        _no_booleans({k: v for k, v in m.items() if k != "dates"})
        if not isinstance(dates_raw.get("always_time", False), bool):
            raise ProfileError("mapping.dates.always_time must be true or false")
        env = raw.get("envelope") or {}
        dates = m.get("dates") or {}
        skus = [str(q) for q in (m.get("sku_qualifiers") or ["SK"])]
        units = {str(k): str(v) for k, v in (m.get("units") or {}).items()}
        try:
            zone = ZoneInfo(str(dates.get("timezone", "UTC")))
        except (KeyError, ValueError):
            raise ProfileError(f"mapping.dates.timezone: unknown zone {dates.get('timezone')!r}") from None
        time_format = str(dates.get("time_format", "HHMM"))
        if time_format not in ("HHMM", "HHMMSS"):
            raise ProfileError("mapping.dates.time_format must be HHMM or HHMMSS")
        profile = cls(
            name=str(raw.get("name", "partner")),
            raw=raw,
            version=str(env.get("version", "004010")),
            zone=zone,
            time_format=time_format,
            always_time=bool(dates.get("always_time", False)),
            g62_time_qualifier=str(dates.get("g62_time_qualifier", "W")),
            id_qualifier=str(m.get("id_qualifier", "92")),
            sku_qualifier=skus[0],
            sku_qualifiers=skus,
            references={**_REFERENCES, **{k: str(v) for k, v in (m.get("references") or {}).items()}},
            serial_segment=str(m.get("serial_segment", "N9")),
            parties={**_PARTIES, **{k: str(v) for k, v in (m.get("parties") or {}).items()}},
            depositor={k: str(v) for k, v in (m.get("depositor") or {}).items()},
            units=units,
            units_out_map={str(k): str(v) for k, v in (m.get("units_out") or {}).items()},
            weight_units={
                str(k): str(v) for k, v in (m.get("weight_units") or {"L": "lb", "K": "kg"}).items()
            },
            carriers={str(k): str(v) for k, v in (m.get("carriers") or {}).items()},
            services={
                str(k): {a: str(b) for a, b in v.items()} for k, v in (m.get("services") or {}).items()
            },
            service_levels={str(k): str(v) for k, v in (m.get("service_levels") or {}).items()},
            adjustment_reasons=_codes(m, "adjustment_reasons", AdjustmentReason),
            tracking_statuses=_codes(m, "tracking_statuses", TrackingStatus),
            stock_statuses=_codes(m, "stock_statuses", StockStatus),
            conditions=_codes(m, "return_conditions", Condition),
            dispositions=_codes(m, "return_dispositions", Disposition),
            compliance_notes={str(k): str(v) for k, v in (m.get("compliance_notes") or {}).items()},
            discrepancy_codes={**_W13, **{k: str(v) for k, v in (m.get("discrepancy_codes") or {}).items()}},
            defaults={k: str(v) for k, v in (m.get("defaults") or {}).items()},
        )
        if profile.serial_segment not in ("N9", "MAN"):
            raise ProfileError("mapping.serial_segment must be N9 or MAN")
        if release_of(profile.version) is None:
            raise ProfileError(f"envelope.version {profile.version!r} is not supported")
        return profile

    @classmethod
    def load(cls, path_or_name: str | Path) -> PartnerProfile:
        """Load a profile file, or one of the shipped examples by name (``generic-3pl``)."""
        path = Path(path_or_name)
        if not path.exists():
            path = PROFILES_DIR / f"{path_or_name}.yaml"
        return cls.from_dict(load_profile(path))

    def with_version(self, version: str) -> PartnerProfile:
        """The same partner on another X12 release (tests, migrations)."""
        raw = {**self.raw, "envelope": {**(self.raw.get("envelope") or {}), "version": version}}
        return PartnerProfile.from_dict(raw)

    # --- derived
    @property
    def release(self) -> str:
        return release_of(self.version) or "004010"

    def envelope(self) -> EnvelopeSettings:
        return EnvelopeSettings.from_profile(self.raw)

    def ref(self, name: str) -> str:
        return self.references[name]

    def entity(self, role: str) -> str:
        return self.parties[role]

    def unit_in(self, code: str) -> str:
        # codes the profile does not translate are already canonical (EA, LB, KG...)
        return self.units.get(code, code)

    def unit_out(self, uom: str) -> str | None:
        if uom in self.units_out_map:
            return self.units_out_map[uom]
        if uom in self.units_inverse:
            return self.units_inverse[uom]
        if uom in self.units:  # already an X12 code whose canonical form differs: ambiguous
            return None
        return uom if len(uom) == 2 and uom.isalnum() and uom.isupper() else None

    def carrier_in(self, scac: str) -> str | None:
        if not scac or scac == self.defaults.get("unknown_scac"):
            return None
        return self.carriers.get(scac, scac)

    def scac_out(self, carrier: str | None) -> str | None:
        if carrier is None:
            return self.defaults.get("unknown_scac")
        if carrier in self.carriers_out:
            return self.carriers_out[carrier]
        ok = 2 <= len(carrier) <= 4 and carrier.isalnum() and carrier.isupper()
        return carrier if ok else None

    def code_out(self, table: str, value: Any) -> str | None:
        """X12 code for ``value`` in the code table named ``table`` (e.g. "service_levels")."""
        return self.codes_out[table].get(str(value))


def load_partner(path_or_name: str | Path) -> PartnerProfile:
    return PartnerProfile.load(path_or_name)
