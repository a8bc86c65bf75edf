"""CSV feeds from 3PLs, normalized to canonical documents through a per-partner column map.

Each 3PL sends different files at different times (a nightly stock file, a shipment file after
each wave), each with its own columns, delimiter, dates and decimal marks. A column map (YAML)
lists the partner's feeds; a file is read by the first feed whose `files` pattern matches its
name. Every row is checked and every problem is reported (file, row, column, what was expected);
a file with any bad row is rejected whole, so nothing is half-applied.

Output: CloudEvent dicts with stable ids (partner + file hash + order), so a re-read file gives
the same ids and the inbox ignores the repeat. One inventory.snapshot per inventory file, one
shipment.confirmed per order id in a shipment file.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ...model import InventorySnapshot, LotQuantity, Quantity, ShipmentConfirmation
from ...model.documents import ShipmentLine, SnapshotLine, StockStatus

BUNDLED = Path(__file__).with_name("columns")
M = TypeVar("M", bound=BaseModel)

INVENTORY_FIELDS = ("sku", "lot", "expiry", "quantity", "uom", "location", "status", "taken_at")
SHIPMENT_FIELDS = (
    "order_id",
    "line",
    "sku",
    "shipped_quantity",
    "ordered_quantity",
    "uom",
    "lot",
    "expiry",
    "tracking",
    "carrier",
    "service_level",
    "ship_date",
    "shipment_id",
)
REQUIRED = {
    "inventory": ("sku", "quantity"),
    "shipment": ("order_id", "sku", "shipped_quantity", "ship_date"),
}


# ---- the column map ----------------------------------------------------------------------------


class Feed(BaseModel):
    """One kind of file a partner sends, and how to read it."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["inventory", "shipment"]
    files: list[str] = Field(default=["*.csv"], description="file name patterns this feed reads")
    columns: dict[str, str | int] = Field(description="canonical field -> header name, or 1-based position")
    header: bool = True
    skip_lines: int = Field(default=0, ge=0, description="lines before the header (or the data) to ignore")
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    quotechar: str = Field(default='"', min_length=1, max_length=1)
    encoding: str = "utf-8"
    decimal: Literal[".", ","] = "."
    thousands: Literal[",", ".", " ", "'"] | None = None
    date_format: str = "%Y-%m-%d"
    timezone: str = Field(default="UTC", description="the 3PL's local zone for dates without one")
    default_uom: str = "EA"
    warehouse_code: str | None = None
    status_codes: dict[str, StockStatus] = Field(default_factory=dict, description="partner code -> status")
    uom_codes: dict[str, str] = Field(default_factory=dict, description="partner unit -> canonical unit")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Europe/Berlin)"
            ) from None
        return value

    @model_validator(mode="after")
    def _columns(self) -> Feed:
        known = INVENTORY_FIELDS if self.kind == "inventory" else SHIPMENT_FIELDS
        unknown = sorted(set(self.columns) - set(known))
        if unknown:
            raise ValueError(f"unknown {self.kind} fields {unknown}; known: {', '.join(known)}")
        missing = [name for name in REQUIRED[self.kind] if name not in self.columns]
        if missing:
            raise ValueError(f"a {self.kind} feed needs columns for {', '.join(missing)}")
        for name, where in self.columns.items():
            if not self.header and not isinstance(where, int):
                raise ValueError(
                    f"columns.{name}: without a header row, give a 1-based position, not {where!r}"
                )
            if isinstance(where, int) and where < 1:
                raise ValueError(f"columns.{name}: positions start at 1")
        if self.decimal == self.thousands:
            raise ValueError("decimal and thousands separators must differ")
        return self


class ColumnMap(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str | None = None
    warehouse_code: str = Field(min_length=1, description="the 3PL warehouse these files describe")
    feeds: list[Feed] = Field(min_length=1)

    def feed_for(self, filename: str) -> Feed | None:
        for feed in self.feeds:
            if any(fnmatch.fnmatch(filename, pattern) for pattern in feed.files):
                return feed
        return None


def load_column_map(name_or_path: str | Path) -> ColumnMap:
    """A bundled map by name (see ./columns) or a YAML file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = BUNDLED / f"{name_or_path}.yaml"
    if not path.is_file():
        bundled = sorted(p.stem for p in BUNDLED.glob("*.yaml"))
        raise ValueError(
            f"no column map {str(name_or_path)!r}: not a file, not bundled ({', '.join(bundled)})"
        )
    try:
        return ColumnMap.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"column map {path}: {problems}") from None


# ---- problems ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # line number in the file, 1 = first line; None for the file as a whole
    column: str | None
    expected: str
    got: str | None = None

    def __str__(self) -> str:
        where = self.file + (f" row {self.row}" if self.row is not None else "")
        where += f", column {self.column!r}" if self.column else ""
        return f"{where}: expected {self.expected}" + (f", got {self.got!r}" if self.got is not None else "")

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "expected": self.expected, "got": self.got}


class FlatFileError(ValueError):
    """The file was rejected whole; `problems` lists every bad row and column."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:20])
        more = f"; and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{file}: {len(problems)} problem(s): {shown}{more}")


# ---- reading -------------------------------------------------------------------------------------


def _number_pattern(feed: Feed) -> re.Pattern[str]:
    decimal = re.escape(feed.decimal)
    if feed.thousands is None:
        return re.compile(rf"^[+-]?\d+({decimal}\d+)?$")
    thousands = re.escape(feed.thousands)
    return re.compile(rf"^[+-]?(\d{{1,3}}({thousands}\d{{3}})+|\d+)({decimal}\d+)?$")


class _Row:
    """One CSV record with typed accessors that collect problems instead of raising."""

    def __init__(self, reader: _Reader, line: int, cells: list[str]):
        self.reader, self.line, self.cells = reader, line, cells

    def _problem(self, field: str, expected: str, got: str | None) -> None:
        self.reader.problems.append(
            Problem(self.reader.file, self.line, self.reader.label(field), expected, got)
        )

    def raw(self, field: str) -> str | None:
        index = self.reader.index.get(field)
        if index is None:
            return None
        if index >= len(self.cells):
            self._problem(field, f"at least {index + 1} fields in the row", f"{len(self.cells)} fields")
            return None
        return self.cells[index].strip()

    def text(self, field: str, required: bool = False) -> str | None:
        value = self.raw(field)
        if not value:
            if required and value is not None:
                self._problem(field, "a value", value)
            return None
        return value

    def decimal(self, field: str, required: bool = False) -> Decimal | None:
        value = self.text(field, required)
        if value is None:
            return None
        feed = self.reader.feed
        example = "12 or 12" + feed.decimal + "5"
        # strict grouping: "1.234,5" is fine with thousands "." but "1,234.5" is refused, never guessed
        if not self.reader.number.match(value):
            self._problem(field, f"a number like {example}", value)
            return None
        normal = value.replace(feed.thousands, "") if feed.thousands else value
        try:
            number = Decimal(normal.replace(feed.decimal, "."))
        except InvalidOperation:
            self._problem(field, f"a number like {example}", value)
            return None
        if number < 0:
            self._problem(field, "a quantity of zero or more", value)
            return None
        return number

    def time(self, field: str, required: bool = False) -> datetime | None:
        value = self.text(field, required)
        if value is None:
            return None
        feed = self.reader.feed
        try:
            parsed = datetime.strptime(value, feed.date_format)
        except ValueError:
            self._problem(field, f"a date in the format {feed.date_format}", value)
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo(feed.timezone))
        return parsed.astimezone(UTC)

    def uom(self) -> str:
        value = self.text("uom")
        if value is None:
            return self.reader.feed.default_uom
        return self.reader.feed.uom_codes.get(value, value)

    def status(self) -> StockStatus:
        value = self.text("status")
        if value is None:
            return StockStatus.AVAILABLE
        codes = self.reader.feed.status_codes
        if codes:
            if value in codes:
                return codes[value]
            self._problem("status", f"one of {', '.join(codes)}", value)
            return StockStatus.AVAILABLE
        try:
            return StockStatus(value.lower())
        except ValueError:
            self._problem("status", f"one of {', '.join(s.value for s in StockStatus)}", value)
            return StockStatus.AVAILABLE


class _Reader:
    def __init__(self, file: str, feed: Feed):
        self.file, self.feed = file, feed
        self.number = _number_pattern(feed)
        self.problems: list[Problem] = []
        self.index: dict[str, int] = {}
        self.labels: dict[str, str] = {}

    def label(self, field: str) -> str:
        return self.labels.get(field, field)

    def rows(self, data: bytes) -> list[_Row]:
        feed = self.feed
        encoding = (
            "utf-8-sig" if feed.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else feed.encoding
        )
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.problems.append(
                Problem(self.file, line, None, f"text in {feed.encoding}", repr(data[exc.start : exc.end]))
            )
            return []
        except LookupError:
            self.problems.append(Problem(self.file, None, None, "a known encoding", feed.encoding))
            return []
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=feed.delimiter, quotechar=feed.quotechar)
        records: list[tuple[int, list[str]]] = []
        try:
            for cells in reader:
                records.append((reader.line_num, cells))
        except csv.Error as exc:
            self.problems.append(Problem(self.file, reader.line_num, None, "well-formed CSV", str(exc)))
            return []
        records = [(line, cells) for line, cells in records if line > feed.skip_lines]
        if feed.header:
            if not records:
                self.problems.append(Problem(self.file, None, None, "a header row", "an empty file"))
                return []
            line, header = records.pop(0)
            names = [h.strip() for h in header]
            for field, where in feed.columns.items():
                if isinstance(where, int):
                    self.index[field], self.labels[field] = where - 1, f"#{where}"
                elif where in names:
                    self.index[field], self.labels[field] = names.index(where), where
                else:
                    self.problems.append(
                        Problem(
                            self.file,
                            line,
                            where,
                            f"a column named {where!r} in the header",
                            ", ".join(names),
                        )
                    )
        else:
            for field, where in feed.columns.items():
                self.index[field], self.labels[field] = int(where) - 1, f"#{where}"
        if self.problems:
            return []
        return [_Row(self, line, cells) for line, cells in records if any(cell.strip() for cell in cells)]


# ---- documents -----------------------------------------------------------------------------------


def _event(partner: str, event_id: str, type_: str, subject: str, at: datetime, data: dict[str, Any]) -> dict:
    return {
        "id": event_id,
        "source": f"files://{partner}",
        "type": type_,
        "subject": subject,
        "time": at.isoformat().replace("+00:00", "Z"),
        "data": data,
    }


def _validated(reader: _Reader, row: int | None, model: type[M], data: dict[str, Any]) -> M | None:
    """The model, or None with each validation error recorded as a problem of that row."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            got = error.get("input")
            reader.problems.append(
                Problem(reader.file, row, where or None, error["msg"], got if isinstance(got, str) else None)
            )
        return None


def _inventory(
    reader: _Reader, rows: list[_Row], column_map: ColumnMap, partner: str, digest: str, received: datetime
) -> list[dict]:
    lines: list[SnapshotLine] = []
    stamps: list[datetime] = []
    for row in rows:
        sku = row.text("sku", required=True)
        quantity = row.decimal("quantity", required=True)
        line_values = {
            "lot": row.text("lot"),
            "expiry": row.time("expiry"),
            "location": row.text("location"),
            "status": row.status(),
        }
        stamp = row.time("taken_at")
        uom = row.uom()
        if stamp is not None:
            stamps.append(stamp)
        if sku is not None and quantity is not None:
            line_values.update(sku=sku, quantity={"value": quantity, "uom": uom})
            line = _validated(reader, row.line, SnapshotLine, line_values)
            if line is not None:
                lines.append(line)
    if reader.problems:
        raise FlatFileError(reader.file, reader.problems)
    warehouse = reader.feed.warehouse_code or column_map.warehouse_code
    taken_at = max(stamps) if stamps else received
    snapshot = _validated(
        reader,
        None,
        InventorySnapshot,
        {
            "snapshot_id": f"{partner}:{digest[:16]}",
            "warehouse_code": warehouse,
            "taken_at": taken_at,
            "lines": lines,
        },
    )
    if snapshot is None:
        raise FlatFileError(reader.file, reader.problems)
    data = snapshot.model_dump(mode="json", exclude_none=True)
    return [
        _event(
            partner,
            f"{partner}:{digest[:16]}:snapshot",
            "inventory.snapshot",
            f"{partner}:inventory:{warehouse}",
            taken_at,
            data,
        )
    ]


@dataclass
class _Order:
    first_row: int
    lines: dict[str, ShipmentLine]
    trackings: list[str]
    carrier: str | None = None
    service_level: str | None = None
    shipment_id: str | None = None
    shipped_at: datetime | None = None


def _shipments(
    reader: _Reader, rows: list[_Row], column_map: ColumnMap, partner: str, digest: str
) -> list[dict]:
    orders: dict[str, _Order] = {}
    for row in rows:
        order_id = row.text("order_id", required=True)
        sku = row.text("sku", required=True)
        shipped = row.decimal("shipped_quantity", required=True)
        ordered = row.decimal("ordered_quantity")
        shipped_at = row.time("ship_date", required=True)
        uom = row.uom()
        lot, expiry = row.text("lot"), row.time("expiry")
        tracking, carrier = row.text("tracking"), row.text("carrier")
        service, shipment_id = row.text("service_level"), row.text("shipment_id")
        line_no = row.text("line")
        if order_id is None or sku is None or shipped is None or shipped_at is None:
            continue
        order = orders.setdefault(order_id, _Order(row.line, {}, []))
        line_no = line_no or str(len(order.lines) + 1)
        if tracking and tracking not in order.trackings:
            order.trackings.append(tracking)
        order.carrier = order.carrier or carrier
        order.service_level = order.service_level or service
        order.shipment_id = order.shipment_id or shipment_id
        order.shipped_at = max(order.shipped_at or shipped_at, shipped_at)
        lots = [{"lot": lot, "quantity": {"value": shipped, "uom": uom}, "expiry": expiry}] if lot else []
        existing = order.lines.get(line_no)
        if existing is None:
            line = _validated(
                reader,
                row.line,
                ShipmentLine,
                {
                    "line_no": line_no,
                    "sku": sku,
                    "ordered_quantity": {"value": ordered, "uom": uom} if ordered is not None else None,
                    "shipped_quantity": {"value": shipped, "uom": uom},
                    "lots": lots,
                },
            )
            if line is not None:
                order.lines[line_no] = line
        elif existing.sku != sku or existing.shipped_quantity.uom != uom:
            # one line shipped from several lots comes as several rows; a different item cannot share it
            reader.problems.append(
                Problem(
                    reader.file,
                    row.line,
                    reader.label("line"),
                    f"line {line_no} of order {order_id} to stay {existing.sku} in {existing.shipped_quantity.uom}",
                    f"{sku} in {uom}",
                )
            )
        else:
            existing.shipped_quantity = Quantity(value=existing.shipped_quantity.value + shipped, uom=uom)
            existing.lots = [*existing.lots, *(LotQuantity.model_validate(lot) for lot in lots)]
    if reader.problems:
        raise FlatFileError(reader.file, reader.problems)
    warehouse = reader.feed.warehouse_code or column_map.warehouse_code
    events = []
    for order_id, order in orders.items():
        assert order.shipped_at is not None  # every kept row has a ship date
        shipped_at = order.shipped_at
        document = _validated(
            reader,
            order.first_row,
            ShipmentConfirmation,
            {
                "shipment_id": order.shipment_id or f"{partner}:{order_id}:{digest[:12]}",
                "order_id": order_id,
                "warehouse_code": warehouse,
                "lines": list(order.lines.values()),
                "packages": [{"package_id": t, "tracking_number": t} for t in order.trackings],
                "carrier": order.carrier,
                "service_level": order.service_level,
                "tracking_number": order.trackings[0] if order.trackings else None,
                "shipped_at": shipped_at,
            },
        )
        if document is not None:
            data = document.model_dump(mode="json", exclude_none=True)
            events.append(
                _event(
                    partner,
                    f"{partner}:{digest[:16]}:{order_id}",
                    "shipment.confirmed",
                    f"{partner}:{order_id}",
                    shipped_at,
                    data,
                )
            )
    if reader.problems:
        raise FlatFileError(reader.file, reader.problems)
    return events


def parse_flat_file(
    data: bytes, file: str, column_map: ColumnMap, partner: str, digest: str, received: datetime
) -> list[dict]:
    """CloudEvent dicts for one CSV file; FlatFileError with every problem if any row is bad.

    `received`: when the file arrived (its modification time), the snapshot time for inventory
    feeds that carry no date column.
    """
    feed = column_map.feed_for(file)
    if feed is None:
        patterns = ", ".join(p for f in column_map.feeds for p in f.files)
        raise FlatFileError(
            file, [Problem(file, None, None, f"a file name matching one of: {patterns}", file)]
        )
    reader = _Reader(file, feed)
    rows = reader.rows(data)
    if reader.problems:
        raise FlatFileError(file, reader.problems)
    if feed.kind == "inventory":
        return _inventory(reader, rows, column_map, partner, digest, received)
    return _shipments(reader, rows, column_map, partner, digest)
