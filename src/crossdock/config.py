"""crossdock.yaml: one file, validated by pydantic, errors that name the file, line and key."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from . import secrets
from .flows.settings import FlowSettings


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RetryPolicy(Strict):
    """Exponential backoff with jitter: delay = min(max_delay, base_delay * multiplier**(n-1)) +- jitter."""

    max_attempts: int = Field(default=8, ge=1)
    base_delay: float = Field(default=1.0, gt=0)
    multiplier: float = Field(default=2.0, ge=1)
    max_delay: float = Field(default=300.0, gt=0)
    jitter: float = Field(default=0.2, ge=0, le=1, description="fraction of the delay, spread both ways")


class BreakerPolicy(Strict):
    failure_threshold: int = Field(default=5, ge=1, description="consecutive failures that open the circuit")
    reset_after: float = Field(default=30.0, gt=0, description="seconds open before one trial call")


class StoreConfig(Strict):
    url: str = "sqlite:///crossdock.db"
    connect_timeout: float = Field(default=5.0, gt=0)


class BusConfig(Strict):
    kind: Literal["store", "nats"] = "store"
    url: str = "nats://127.0.0.1:4222"
    stream: str = Field(default="CROSSDOCK", pattern=r"^[A-Za-z0-9_-]+$")
    subject: str = "crossdock.work"
    durable: str = Field(default="crossdock-workers", pattern=r"^[A-Za-z0-9_-]+$")
    ack_wait: float = Field(default=30.0, gt=0)


class RuntimeConfig(Strict):
    batch_size: int = Field(default=500, ge=1, le=10_000)
    lease_seconds: float = Field(
        default=60.0, gt=0, description="a delivery claimed longer than this is retried"
    )
    poll_interval: float = Field(default=0.2, gt=0)
    max_message_bytes: int = Field(default=1_048_576, ge=1024)
    delivery_concurrency: int = Field(default=32, ge=1)


class SystemConfig(Strict):
    role: str = Field(description="what the system is in the ownership matrix: erp, warehouse, logistics ...")


class ConnectorConfig(BaseModel):
    """kind picks the connector; the other keys are that connector's options."""

    model_config = ConfigDict(extra="allow")

    kind: str
    system: str | None = None

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class EndpointConfig(ConnectorConfig):
    retry: RetryPolicy = Field(default_factory=RetryPolicy)
    breaker: BreakerPolicy = Field(default_factory=BreakerPolicy)


class SourceConfig(ConnectorConfig):
    pass


class RouteConfig(Strict):
    type: str
    flow: str
    endpoint: str | None = None


class Config(Strict):
    store: StoreConfig = Field(default_factory=StoreConfig)
    bus: BusConfig = Field(default_factory=BusConfig)
    runtime: RuntimeConfig = Field(default_factory=RuntimeConfig)
    systems: dict[str, SystemConfig] = Field(default_factory=dict)
    sources: dict[str, SourceConfig] = Field(default_factory=dict)
    endpoints: dict[str, EndpointConfig] = Field(default_factory=dict)
    routes: list[RouteConfig] = Field(default_factory=list)
    flows: FlowSettings = Field(default_factory=FlowSettings)
    ownership: dict[str, dict[str, str | list[str]]] = Field(
        default_factory=dict, description="document type -> field pattern -> owning role(s)"
    )

    @field_validator("routes")
    @classmethod
    def _routes_resolve(cls, routes: list[RouteConfig], info: ValidationInfo) -> list[RouteConfig]:
        from .flows import FLOWS
        from .model.catalog import EVENT_TYPES

        endpoints = info.data.get("endpoints")  # absent when endpoints failed: not worth a second error
        for i, route in enumerate(routes):
            if route.type not in EVENT_TYPES:
                raise ValueError(f"[{i}] unknown event type {route.type!r}")
            if route.flow not in FLOWS:
                raise ValueError(f"[{i}] unknown flow {route.flow!r}; known: {', '.join(sorted(FLOWS))}")
            if route.endpoint and endpoints is not None and route.endpoint not in endpoints:
                raise ValueError(f"[{i}] endpoint {route.endpoint!r} is not defined under endpoints")
        return routes

    @model_validator(mode="after")
    def _flow_endpoints_exist(self) -> Config:
        named = [
            (f"flows.warehouses.{code}.endpoint", route.endpoint)
            for code, route in self.flows.warehouses.items()
        ]
        named += [
            ("flows.erp_endpoint", self.flows.erp_endpoint),
            ("flows.reports_endpoint", self.flows.reports_endpoint),
        ]
        for where, endpoint in named:
            if endpoint and endpoint not in self.endpoints:
                raise ValueError(f"{where}: endpoint {endpoint!r} is not defined under endpoints")
        return self

    @model_validator(mode="after")
    def _systems_exist(self) -> Config:
        for kind, connectors in (("sources", self.sources), ("endpoints", self.endpoints)):
            for name, connector in connectors.items():
                if connector.system and self.systems and connector.system not in self.systems:
                    raise ValueError(
                        f"{kind}.{name}: system {connector.system!r} is not defined under systems"
                    )
        return self

    def role_of(self, system: str) -> str | None:
        entry = self.systems.get(system)
        return entry.role if entry else None


class ConfigError(Exception):
    """An invalid configuration file; `str()` names the file, line and key of each problem."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}:{p}" for p in problems))


class _LineLoader(yaml.SafeLoader):
    """Records the line of every mapping key, so errors can point into the file."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    lines = {loader.construct_object(key, deep=True): key.start_mark.line + 1 for key, _ in node.value}
    mapping["__lines__"] = lines
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip_lines(value: Any, path: tuple, lines: dict[tuple, int]) -> Any:
    if isinstance(value, dict):
        own = value.pop("__lines__", {})
        for key, line in own.items():
            lines[path + (key,)] = line
        return {k: _strip_lines(v, path + (k,), lines) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_lines(v, path + (i,), lines) for i, v in enumerate(value)]
    if isinstance(value, str):
        return secrets.resolve(value)
    return value


def _line_for(loc: tuple, lines: dict[tuple, int]) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def parse_config(text: str, path: str = "crossdock.yaml") -> Config:
    try:
        raw = yaml.load(text, Loader=_LineLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}" if mark else "?"
        raise ConfigError(path, [f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    if not isinstance(raw, dict):
        raise ConfigError(
            path, ["1: the top level must be a mapping of sections (store, bus, endpoints ...)"]
        )
    lines: dict[tuple, int] = {}
    try:
        data = _strip_lines(raw, (), lines)
    except secrets.SecretError as exc:
        raise ConfigError(path, [f"?: {exc}"]) from None
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            key = ".".join(str(part) for part in loc) or "(top level)"
            line = _line_for(loc, lines)
            problems.append(f"{line or '?'}: {key}: {error['msg']}")
        raise ConfigError(path, problems) from None


def load_config(path: str | Path) -> Config:
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(str(path), [f"0: cannot read the file: {exc.strerror}"]) from None
    return parse_config(text, str(path))
