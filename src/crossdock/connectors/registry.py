"""Connector kinds by name, as written under `kind:` in crossdock.yaml."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..config import Config
from .base import Sink, Source
from .files import FileSink, FileSource
from .null import NullSink


def _sink_kinds() -> dict[str, type]:
    from ..sim.target import SimTarget
    from .edi.sink import EdiSink
    from .odoo.sink import OdooSink
    from .transfer.sink import FileTransferSink
    from .wms.sink import WmsSink

    return {
        "file": FileSink,
        "noop": NullSink,
        "sim-target": SimTarget,
        "odoo": OdooSink,
        "wms": WmsSink,
        "file-transfer": FileTransferSink,
        "edi": EdiSink,
    }


def _source_kinds() -> dict[str, type]:
    from .edi.source import EdiSource
    from .odoo.source import OdooSource
    from .transfer.source import FileTransferSource
    from .wms.source import WmsSource

    return {
        "files": FileSource,
        "odoo": OdooSource,
        "wms": WmsSource,
        "file-transfer": FileTransferSource,
        "edi": EdiSource,
    }


class ConnectorConfigError(ValueError):
    pass


def _options(kind_class: type, where: str, options: dict[str, Any]):
    try:
        return kind_class.Options.model_validate(options)
    except ValidationError as exc:
        problems = "; ".join(
            f"{where}.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConnectorConfigError(problems) from None


def build_sinks(config: Config) -> dict[str, Sink]:
    kinds = _sink_kinds()
    sinks: dict[str, Sink] = {}
    for name, endpoint in config.endpoints.items():
        if endpoint.kind not in kinds:
            raise ConnectorConfigError(
                f"endpoints.{name}.kind: unknown sink kind {endpoint.kind!r}; known: {', '.join(sorted(kinds))}"
            )
        kind_class = kinds[endpoint.kind]
        sinks[name] = kind_class(name, _options(kind_class, f"endpoints.{name}", endpoint.options))
    return sinks


def build_sources(config: Config) -> list[Source]:
    kinds = _source_kinds()
    sources: list[Source] = []
    for name, source in config.sources.items():
        if source.kind not in kinds:
            raise ConnectorConfigError(
                f"sources.{name}.kind: unknown source kind {source.kind!r}; known: {', '.join(sorted(kinds))}"
            )
        kind_class = kinds[source.kind]
        sources.append(
            kind_class(name, source.system or name, _options(kind_class, f"sources.{name}", source.options))
        )
    return sources
