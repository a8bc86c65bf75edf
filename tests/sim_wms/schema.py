"""A small JSON Schema checker for the subset docs/wms-contract.yaml uses (no extra dependency)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "wms-contract.yaml"
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def load_contract() -> dict:
    return yaml.safe_load(CONTRACT.read_text())


def resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema and len(schema) == 1:
        node: Any = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _type_ok(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if name == "boolean":
        return isinstance(value, bool)
    return isinstance(value, TYPES[name]) and not (name != "boolean" and isinstance(value, bool))


def errors(doc: dict, schema: dict, value: Any, path: str = "$") -> list[str]:
    schema = resolve(doc, schema)
    found: list[str] = []
    if "$ref" in schema:  # a $ref with siblings (description): check the target, then the rest
        found += errors(doc, {"$ref": schema["$ref"]}, value, path)
        schema = {k: v for k, v in schema.items() if k != "$ref"}
    for sub in schema.get("allOf", []):
        found += errors(doc, sub, value, path)
    if "oneOf" in schema:
        matches = sum(1 for sub in schema["oneOf"] if not errors(doc, sub, value, path))
        if matches != 1:
            found.append(f"{path}: matches {matches} of oneOf")
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_type_ok(value, n) for n in names):
            return found + [f"{path}: {value!r} is not {names}"]
    if "const" in schema and value != schema["const"]:
        found.append(f"{path}: {value!r} != {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        found.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, int | float) and "minimum" in schema and value < schema["minimum"]:
        found.append(f"{path}: {value} < {schema['minimum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                found.append(f"{path}: missing {key}")
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                found += errors(doc, properties[key], item, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{path}: unexpected {key}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{path}: fewer than {schema['minItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                found += errors(doc, schema["items"], item, f"{path}[{i}]")
    return found
