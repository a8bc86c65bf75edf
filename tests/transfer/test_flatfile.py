"""CSV feeds of the two bundled 3PL shapes, normalized to exact canonical documents."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from crossdock.connectors.transfer.dedupe import sha256
from crossdock.connectors.transfer.flatfile import FlatFileError, Problem, load_column_map, parse_flat_file
from crossdock.connectors.transfer.source import FileTransferSource, FileTransferSourceOptions
from crossdock.model import CloudEvent, InventorySnapshot, ShipmentConfirmation, parse_document
from crossdock.model.documents import StockStatus

INV_HEADER = "ItemCode,Description,LotNo,ExpiryDate,OnHandQty,UOM,BinLocation,InvStatus,SnapshotDate"
RECEIVED = datetime(2026, 11, 29, 22, 0, tzinfo=UTC)

HARBOR_INVENTORY = """\
ItemCode,Description,LotNo,ExpiryDate,OnHandQty,UOM,BinLocation,InvStatus,SnapshotDate
WIDGET-1,"Widget, blue",L2026-01,2027-03-31,"1,250",EACH,A-01-01,AV,2026-11-27
WIDGET-1,"Widget, blue",L2026-02,2027-06-30,12.5,CASE,A-01-02,QC,2026-11-27

GADGET-9,Gadget,,,0,EACH,B-02-03,HLD,2026-11-27
"""

HARBOR_SHIPMENTS = """\
OrderRef,LineNo,ItemCode,QtyOrdered,QtyShipped,UOM,LotNo,TrackingNo,CarrierSCAC,ServiceLevel,ShipDateTime
SO0042,1,WIDGET-1,10,6,EACH,L2026-01,1Z999AA10123456784,UPSN,GROUND,2026-11-26 16:45
SO0042,1,WIDGET-1,10,4,EACH,L2026-02,1Z999AA10123456784,UPSN,GROUND,2026-11-26 16:45
SO0042,2,GADGET-9,2,2,EACH,,1Z999AA10123456791,UPSN,GROUND,2026-11-26 17:05
SO0043,1,WIDGET-1,1,1,CASE,L2026-02,9400111899223344556677,USPS,PRIORITY,2026-11-26 18:00
"""

NORD_STOCK = "4711-A;CH-001;31.12.2027;1.250,5;ST;HAM-01-A;F\r\n4711-A;CH-002;;12,0;KAR;HAM-01-B;G\r\n0815-Ü;;;3;PAL;HAM-99;Q\r\n"
NORD_DISPATCH = (
    "SO0050;10;4711-A;24;ST;CH-001;00340434161234567890;DHL;27.11.2026\r\n"
    "SO0050;20;0815-Ü;1,5;KAR;;00340434161234567890;DHL;27.11.2026\r\n"
    "SO0051;10;4711-A;1.000;ST;CH-002;;Spedition Müller;28.11.2026\r\n"
)


def parse(text: str, name: str, map_name: str, encoding: str = "utf-8") -> list[dict]:
    data = text.encode(encoding)
    return parse_flat_file(data, name, load_column_map(map_name), map_name, sha256(data), RECEIVED)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_harbor_inventory():
    data = HARBOR_INVENTORY.encode()
    [event] = parse(HARBOR_INVENTORY, "HBR_INV_20261127.csv", "harbor")
    digest = sha256(data)[:16]
    assert {k: v for k, v in event.items() if k != "data"} == {
        "id": f"harbor:{digest}:snapshot",
        "source": "files://harbor",
        "type": "inventory.snapshot",
        "subject": "harbor:inventory:HBR-DAL",
        "time": "2026-11-27T06:00:00Z",  # midnight in Chicago (CST)
    }
    CloudEvent.model_validate(event)
    snapshot = parse_document("inventory.snapshot", event["data"])
    assert isinstance(snapshot, InventorySnapshot)
    assert (snapshot.snapshot_id, snapshot.warehouse_code, snapshot.taken_at) == (
        f"harbor:{digest}",
        "HBR-DAL",
        utc(2026, 11, 27, 6),
    )
    assert [
        (line.sku, line.quantity.value, line.quantity.uom, line.lot, line.expiry, line.location, line.status)
        for line in snapshot.lines
    ] == [
        (
            "WIDGET-1",
            Decimal("1250"),
            "EA",
            "L2026-01",
            utc(2027, 3, 31, 5),
            "A-01-01",
            StockStatus.AVAILABLE,
        ),
        (
            "WIDGET-1",
            Decimal("12.5"),
            "CS",
            "L2026-02",
            utc(2027, 6, 30, 5),
            "A-01-02",
            StockStatus.QUARANTINE,
        ),
        ("GADGET-9", Decimal("0"), "EA", None, None, "B-02-03", StockStatus.ON_HOLD),
    ]


def test_harbor_shipments_one_confirmation_per_order():
    data = HARBOR_SHIPMENTS.encode()
    events = parse(HARBOR_SHIPMENTS, "HBR_SHP_20261126_W3.csv", "harbor")
    digest = sha256(data)
    assert [(e["id"], e["type"], e["subject"], e["time"]) for e in events] == [
        (f"harbor:{digest[:16]}:SO0042", "shipment.confirmed", "harbor:SO0042", "2026-11-26T23:05:00Z"),
        (f"harbor:{digest[:16]}:SO0043", "shipment.confirmed", "harbor:SO0043", "2026-11-27T00:00:00Z"),
    ]
    first = ShipmentConfirmation.model_validate(events[0]["data"])
    assert (first.shipment_id, first.order_id, first.warehouse_code, first.carrier, first.service_level) == (
        f"harbor:SO0042:{digest[:12]}",
        "SO0042",
        "HBR-DAL",
        "UPSN",
        "GROUND",
    )
    assert first.tracking_number == "1Z999AA10123456784"
    assert [p.tracking_number for p in first.packages] == ["1Z999AA10123456784", "1Z999AA10123456791"]
    assert first.shipped_at == utc(2026, 11, 26, 23, 5)
    line1, line2 = first.lines
    assert (line1.line_no, line1.sku, line1.ordered_quantity.value, line1.shipped_quantity.value) == (
        "1",
        "WIDGET-1",
        Decimal("10"),
        Decimal("10"),  # two rows, one per lot: 6 + 4
    )
    assert [(lot.lot, lot.quantity.value, lot.quantity.uom) for lot in line1.lots] == [
        ("L2026-01", Decimal("6"), "EA"),
        ("L2026-02", Decimal("4"), "EA"),
    ]
    assert (
        line2.line_no,
        line2.sku,
        line2.shipped_quantity.value,
        line2.shipped_quantity.uom,
        line2.lots,
    ) == (
        "2",
        "GADGET-9",
        Decimal("2"),
        "EA",
        [],
    )
    second = ShipmentConfirmation.model_validate(events[1]["data"])
    assert [(x.sku, x.shipped_quantity.value, x.shipped_quantity.uom) for x in second.lines] == [
        ("WIDGET-1", Decimal("1"), "CS")
    ]
    assert (second.carrier, second.tracking_number) == ("USPS", "9400111899223344556677")


def test_nordlager_dispatch_without_header_decimal_comma_cp1252():
    events = parse(NORD_DISPATCH, "VERSAND_20261128.txt", "nordlager", "cp1252")
    assert [(e["subject"], e["time"]) for e in events] == [
        ("nordlager:SO0050", "2026-11-26T23:00:00Z"),  # 27.11.2026 in Hamburg (CET)
        ("nordlager:SO0051", "2026-11-27T23:00:00Z"),
    ]
    first = ShipmentConfirmation.model_validate(events[0]["data"])
    assert first.warehouse_code == "NL-HAM"
    assert [(x.line_no, x.sku, x.shipped_quantity.value, x.shipped_quantity.uom) for x in first.lines] == [
        ("10", "4711-A", Decimal("24"), "EA"),
        ("20", "0815-Ü", Decimal("1.5"), "CS"),
    ]
    assert (first.carrier, first.tracking_number, first.lines[0].lots[0].lot) == (
        "DHL",
        "00340434161234567890",
        "CH-001",
    )
    second = ShipmentConfirmation.model_validate(events[1]["data"])
    assert (second.carrier, second.tracking_number, second.packages) == ("Spedition Müller", None, [])
    assert second.lines[0].shipped_quantity.value == Decimal("1000")


async def test_nordlager_stock_through_the_source_uses_the_arrival_time(tmp_path: Path):
    inbox = tmp_path / "outbound"
    inbox.mkdir()
    path = inbox / "BESTAND_20261129.txt"
    path.write_bytes(NORD_STOCK.encode("cp1252"))
    os.utime(path, (1_796_000_000, 1_796_000_000))
    options = FileTransferSourceOptions.model_validate(
        {
            "partner": "nordlager",
            "transport": {"kind": "local", "path": str(tmp_path)},
            "format": "csv",
            "column_map": "nordlager",
            "patterns": ["BESTAND_*.txt", "VERSAND_*.txt"],
        }
    )
    source = FileTransferSource("nordlager-files", "nordlager", options)
    [item] = await source.poll(10)
    assert item.meta["file"] == "BESTAND_20261129.txt" and item.meta["interchange"] is None
    event = item.body
    assert isinstance(event, dict)
    assert event["id"] == f"nordlager:{item.meta['sha256'][:16]}:snapshot"
    assert item.origin == f"file://{tmp_path}/outbound/processing/BESTAND_20261129.txt#{event['id']}"
    snapshot = InventorySnapshot.model_validate(event["data"])
    assert snapshot.taken_at == datetime.fromtimestamp(1_796_000_000, UTC)
    assert [
        (x.sku, x.quantity.value, x.quantity.uom, x.lot, x.expiry, x.location, x.status)
        for x in snapshot.lines
    ] == [
        (
            "4711-A",
            Decimal("1250.5"),
            "EA",
            "CH-001",
            utc(2027, 12, 30, 23),
            "HAM-01-A",
            StockStatus.AVAILABLE,
        ),
        ("4711-A", Decimal("12.0"), "CS", "CH-002", None, "HAM-01-B", StockStatus.ON_HOLD),
        ("0815-Ü", Decimal("3"), "PL", None, None, "HAM-99", StockStatus.QUARANTINE),
    ]
    await source.commit([item])
    assert sorted(p.name for p in (inbox / "archive").iterdir()) == ["BESTAND_20261129.txt"]


def test_bad_rows_are_all_reported_and_the_file_rejected_whole():
    text = (
        "OrderRef,LineNo,ItemCode,QtyOrdered,QtyShipped,UOM,LotNo,TrackingNo,CarrierSCAC,ServiceLevel,ShipDateTime\n"
        "SO0042,1,WIDGET-1,10,6,EACH,,1Z1,UPSN,GROUND,2026-11-26 16:45\n"  # fine, but not applied alone
        "SO0042,2,GADGET-9,2,two,EACH,,1Z1,UPSN,GROUND,2026-11-26 16:45\n"
        "SO0043,1,,1,-1,EACH,,1Z2,UPSN,GROUND,26.11.2026\n"
        'SO0044,1,WIDGET-1,1,"1,5",EACH,,1Z3,UPSN,GROUND,\n'
    )
    with pytest.raises(FlatFileError) as rejected:
        parse(text, "HBR_SHP_bad.csv", "harbor")
    file = "HBR_SHP_bad.csv"
    assert rejected.value.problems == [
        Problem(file, 3, "QtyShipped", "a number like 12 or 12.5", "two"),
        Problem(file, 4, "ItemCode", "a value", ""),
        Problem(file, 4, "QtyShipped", "a quantity of zero or more", "-1"),
        Problem(file, 4, "ShipDateTime", "a date in the format %Y-%m-%d %H:%M", "26.11.2026"),
        Problem(file, 5, "QtyShipped", "a number like 12 or 12.5", "1,5"),
        Problem(file, 5, "ShipDateTime", "a value", ""),
    ]
    assert str(rejected.value).startswith(
        "HBR_SHP_bad.csv: 6 problem(s): HBR_SHP_bad.csv row 3, column 'QtyShipped': expected a number like 12 or 12.5, got 'two'; "
    )


def test_missing_header_column_short_rows_and_wrong_encoding():
    with pytest.raises(FlatFileError) as missing:
        parse(INV_HEADER.replace("OnHandQty", "OnHand") + "\nX,,,,1,,,,\n", "HBR_INV_1.csv", "harbor")
    assert missing.value.problems == [
        Problem(
            "HBR_INV_1.csv",
            1,
            "OnHandQty",
            "a column named 'OnHandQty' in the header",
            INV_HEADER.replace(",", ", ").replace("OnHandQty", "OnHand"),
        )
    ]
    with pytest.raises(FlatFileError) as short:
        parse("4711-A;CH-001;31.12.2027\n", "BESTAND_1.txt", "nordlager")
    assert short.value.problems[0] == Problem(
        "BESTAND_1.txt", 1, "#4", "at least 4 fields in the row", "3 fields"
    )
    with pytest.raises(FlatFileError) as encoding:
        parse_flat_file(
            b"ItemCode\n\xff\n", "HBR_INV_2.csv", load_column_map("harbor"), "harbor", "0" * 64, RECEIVED
        )
    assert encoding.value.problems == [Problem("HBR_INV_2.csv", 2, None, "text in utf-8", "b'\\xff'")]
    with pytest.raises(FlatFileError) as unmatched:
        parse("x", "README.md", "harbor")
    assert str(unmatched.value) == (
        "README.md: 1 problem(s): README.md: expected a file name matching one of: HBR_INV_*.csv, HBR_SHP_*.csv,"
        " got 'README.md'"
    )


def test_ambiguous_thousands_and_unknown_status_codes():
    text = INV_HEADER + '\nA,,,,"1,5",,,AV,\nB,,,,2,,,XX,\n'
    with pytest.raises(FlatFileError) as rejected:
        parse(text, "HBR_INV_3.csv", "harbor")
    assert (
        [str(p) for p in rejected.value.problems]
        == [
            "HBR_INV_3.csv row 2, column 'OnHandQty': expected a number like 12 or 12.5, got '1,5'",  # not 1,000-style
            "HBR_INV_3.csv row 3, column 'InvStatus': expected one of AV, HLD, QC, DMG, ALC, got 'XX'",
        ]
    )
    nord = "A;;;1,234.5;ST;X;F\n"  # a decimal point in a decimal-comma file: refused, never guessed
    with pytest.raises(FlatFileError) as guessed:
        parse(nord, "BESTAND_2.txt", "nordlager")
    assert [str(p) for p in guessed.value.problems] == [
        "BESTAND_2.txt row 1, column '#4': expected a number like 12 or 12,5, got '1,234.5'"
    ]


async def test_a_bad_csv_file_goes_to_error_with_every_problem_in_the_sidecar(tmp_path: Path):
    inbox = tmp_path / "outbound"
    inbox.mkdir()
    text = INV_HEADER + "\nA,,,,1,,,,\nB,,,,x,,,,\nC,,,,,,,,\n"
    (inbox / "HBR_INV_20261128.csv").write_text(text)
    options = FileTransferSourceOptions.model_validate(
        {
            "partner": "harbor",
            "transport": {"kind": "local", "path": str(tmp_path)},
            "format": "csv",
            "column_map": "harbor",
        }
    )
    source = FileTransferSource("harbor-files", "harbor", options)
    [item] = await source.poll(10)
    kind, reason = item.meta["rejection"]
    assert kind == "flat_file"
    assert reason == (
        "HBR_INV_20261128.csv: 2 problem(s): "
        "HBR_INV_20261128.csv row 3, column 'OnHandQty': expected a number like 12 or 12.5, got 'x'; "
        "HBR_INV_20261128.csv row 4, column 'OnHandQty': expected a value, got ''"
    )
    assert item.body == text
    await source.commit([item])
    sidecar = json.loads((inbox / "error" / "HBR_INV_20261128.csv.error.json").read_text())
    assert sidecar["details"]["problems"] == [
        {"row": 3, "column": "OnHandQty", "expected": "a number like 12 or 12.5", "got": "x"},
        {"row": 4, "column": "OnHandQty", "expected": "a value", "got": ""},
    ]
    assert sorted(p.name for p in (inbox / "archive").iterdir()) == []


def test_column_map_validation(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: x\nwarehouse_code: W\nfeeds:\n  - kind: shipment\n    header: false\n    columns: {sku: Item}\n"
    )
    with pytest.raises(ValueError) as bad:
        load_column_map(path)
    assert "a shipment feed needs columns for order_id, shipped_quantity, ship_date" in str(bad.value)
    with pytest.raises(
        ValueError, match=r"no column map 'nowhere': not a file, not bundled \(harbor, nordlager\)"
    ):
        load_column_map("nowhere")
