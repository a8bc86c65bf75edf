"""Model definitions and the per-version registry built from the models/ modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .fields import Field
from .versions import Personality

Hook = Callable[..., Any]


@dataclass
class Method:
    func: Callable[..., Any]
    kind: str  # "model" (no ids), "record" (args[0] = ids), "create" (model_create_multi)
    since: int = 16
    until: int = 99


@dataclass
class ModelDef:
    name: str
    description: str
    fields: dict[str, Field] = field(default_factory=dict)
    order: str = "id"
    rec_name: str | None = "name"
    parent_name: str | None = None
    transient: bool = False
    display: Callable[..., str] | None = None
    methods: dict[str, Method] = field(default_factory=dict)
    before_create: list[Hook] = field(default_factory=list)
    after_create: list[Hook] = field(default_factory=list)
    before_write: list[Hook] = field(default_factory=list)
    after_write: list[Hook] = field(default_factory=list)
    before_unlink: list[Hook] = field(default_factory=list)
    after_unlink: list[Hook] = field(default_factory=list)
    default_hooks: list[Hook] = field(default_factory=list)  # default_get extras computed from the context

    def has(self, fname: str) -> bool:
        return fname in self.fields


class Registry:
    """Holds ModelDefs for one version; models/ modules call `model()` / `method()` to populate it."""

    def __init__(self, personality: Personality) -> None:
        self.p = personality
        self.models: dict[str, ModelDef] = {}
        # called as observer(env, model, ids, "create" | "write", vals) after every ORM create/write
        self.observers: list[Callable[..., None]] = []
        self.references: dict[str, list[tuple[str, str, str]]] = {}

    @property
    def major(self) -> int:
        return self.p.major

    def model(
        self, name: str, description: str, fields: list[Field], since: int = 16, until: int = 99, **kw: Any
    ) -> ModelDef | None:
        if not since <= self.major <= until:
            return None
        mdef = self.models.get(name)
        if mdef is None:
            mdef = ModelDef(name=name, description=description, **kw)
            self.models[name] = mdef
        for f in fields:
            if f.since <= self.major <= f.until:
                mdef.fields[f.name] = f
        return mdef

    def method(
        self, model: str, name: str, kind: str = "record", since: int = 16, until: int = 99
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def deco(func: Callable[..., Any]) -> Callable[..., Any]:
            if model in self.models and since <= self.major <= until:
                self.models[model].methods[name] = Method(func, kind, since, until)
            return func

        return deco

    def __contains__(self, name: str) -> bool:
        return name in self.models

    def __getitem__(self, name: str) -> ModelDef:
        return self.models[name]


def build_registry(personality: Personality) -> Registry:
    from .models import register_all

    reg = Registry(personality)
    register_all(reg)
    return reg
