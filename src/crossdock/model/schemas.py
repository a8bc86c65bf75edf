"""Generate the JSON Schema of every canonical document (and the envelope) into a folder."""

from __future__ import annotations

import json
from pathlib import Path

from .catalog import EVENT_TYPES
from .envelope import CloudEvent
from .master import CarrierService, Warehouse


def all_schemas() -> dict[str, dict]:
    classes = {cls.__name__: cls for cls in EVENT_TYPES.values()}
    classes.update({"Warehouse": Warehouse, "CarrierService": CarrierService, "CloudEvent": CloudEvent})
    return {name: cls.model_json_schema(mode="validation") for name, cls in sorted(classes.items())}


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in all_schemas().items():
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written
