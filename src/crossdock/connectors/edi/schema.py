"""Compile the set definitions (sets/ data) into lookup structures, optionally narrowed by a partner profile.

The same compiled ``SetDef`` drives the validator (loop walk + element checks) and the generator
(functional group, element formatting, validation of what is written).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .sets.codes import CODES
from .sets.segments import SEGMENTS_4010, composites_for, segments_for
from .sets.structures import STRUCTURES_4010, STRUCTURES_5010_DELTA, structures_for
from .versions import FUNCTIONAL_IDS, release_of

Profile = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ElementDef:
    ref: str  # e.g. "W0501" or "N907-1" for a component
    usage: str  # M, O or X
    type: str  # AN, ID, N0..N9, R, DT, TM or C (composite)
    min: int = 0
    max: int = 0
    de: str | None = None
    codes: frozenset[str] | None = None
    components: tuple[ElementDef, ...] = ()
    composite: str | None = None
    not_used: bool = False  # partner profile: must be empty
    partner_codes: bool = False  # partner profile narrowed the code list

    @property
    def mandatory(self) -> bool:
        return self.usage == "M"


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str  # P, R, C, E, L
    positions: tuple[int, ...]

    @property
    def text(self) -> str:
        return self.kind + "".join(f"{p:02d}" for p in self.positions)


@dataclass(frozen=True, slots=True)
class Pattern:
    """Element ``element`` must match ``regex`` when element ``when_element`` equals ``when_value``."""

    when_element: int
    when_value: str
    element: int
    regex: re.Pattern[str]
    meaning: str


@dataclass(frozen=True, slots=True)
class SegmentDef:
    id: str
    name: str
    elements: tuple[ElementDef, ...]
    rules: tuple[Rule, ...] = ()
    patterns: tuple[Pattern, ...] = ()


@dataclass(slots=True)
class SegmentNode:
    seg: SegmentDef
    mandatory: bool
    max_use: int
    not_used: bool = False
    partner_required: bool = False
    is_loop: bool = False

    @property
    def trigger(self) -> str:
        return self.seg.id


@dataclass(slots=True)
class LoopNode:
    loop_id: str
    mandatory: bool
    max_use: int
    children: list[SegmentNode | LoopNode]
    index: dict[str, tuple[int, ...]] = field(default_factory=dict)
    is_loop: bool = True
    not_used: bool = False
    partner_required: bool = False

    @property
    def trigger(self) -> str:
        return self.children[0].trigger

    def build_index(self) -> None:
        idx: dict[str, list[int]] = {}
        for i, child in enumerate(self.children):
            idx.setdefault(child.trigger, []).append(i)
            if isinstance(child, LoopNode):
                child.build_index()
        self.index = {k: tuple(v) for k, v in idx.items()}


@dataclass(slots=True)
class SetDef:
    set_id: str
    release: str
    name: str
    root: LoopNode
    segments: dict[str, SegmentDef]  # every segment the set can contain
    # validator's compiled segments per Delimiters, kept here so each set read does not rebuild them
    compiled: dict[Any, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def functional_id(self) -> str:
        return FUNCTIONAL_IDS[self.set_id]

    def walk_nodes(self) -> list[tuple[SegmentNode | LoopNode, int]]:
        out: list[tuple[SegmentNode | LoopNode, int]] = []

        def rec(loop: LoopNode, depth: int) -> None:
            for child in loop.children:
                out.append((child, depth))
                if isinstance(child, LoopNode):
                    rec(child, depth + 1)

        rec(self.root, 0)
        return out


class DefinitionError(ValueError):
    pass


def _parse_element(spec: str, ref: str, composites: dict[str, Any]) -> ElementDef:
    parts = spec.split()
    usage, typ = parts[0], parts[1]
    if typ == "C":
        name = parts[2]
        comps = tuple(
            _parse_element(c, f"{ref}-{i + 1}", composites)
            for i, c in enumerate(composites[name]["components"])
        )
        return ElementDef(ref, usage, "C", components=comps, composite=name)
    lo, hi = (int(x) for x in parts[2].split("/"))
    de = None
    codes: frozenset[str] | None = None
    for extra in parts[3:]:
        if extra.startswith("#"):
            de = extra[1:]
        elif extra.startswith("@"):
            codes = frozenset(CODES[extra[1:]])
        elif extra.startswith("="):
            codes = frozenset(extra[1:].split(","))
    return ElementDef(ref, usage, typ, lo, hi, de, codes)


def _parse_rule(text: str) -> Rule:
    digits = text[1:]
    return Rule(text[0], tuple(int(digits[i : i + 2]) for i in range(0, len(digits), 2)))


@lru_cache(maxsize=8)
def segment_dictionary(release: str) -> dict[str, SegmentDef]:
    composites = composites_for(release)
    out: dict[str, SegmentDef] = {}
    for sid, data in segments_for(release).items():
        elements = tuple(
            _parse_element(spec, f"{sid}{i + 1:02d}", composites) for i, spec in enumerate(data["elements"])
        )
        rules = tuple(_parse_rule(r) for r in data.get("rules", ()))
        patterns = tuple(
            Pattern(p["if"][0], p["if"][1], p["element"], re.compile(p["regex"]), p["meaning"])
            for p in data.get("patterns", ())
        )
        out[sid] = SegmentDef(sid, data["name"], elements, rules, patterns)
    return out


KNOWN_SEGMENT_IDS: frozenset[str] = frozenset(SEGMENTS_4010) | frozenset(
    ("IK3", "IK4", "IK5", "CTX", "ISA", "IEA", "GS", "GE")
)


def _build_body(body: list[Any], dictionary: dict[str, SegmentDef], used: dict[str, SegmentDef]) -> list[Any]:
    nodes: list[SegmentNode | LoopNode] = []
    for entry in body:
        if isinstance(entry, str):
            sid, usage, max_use = entry.split()
            if sid not in dictionary:
                raise DefinitionError(f"segment {sid} is not in the dictionary")
            used[sid] = dictionary[sid]
            nodes.append(SegmentNode(dictionary[sid], usage == "M", int(max_use)))
        else:
            loop_id, usage, max_use, children = entry
            nodes.append(
                LoopNode(loop_id, usage == "M", int(max_use), _build_body(children, dictionary, used))
            )
    return nodes


def _apply_element_profile(el: ElementDef, rule: dict[str, Any]) -> ElementDef:
    changes: dict[str, Any] = {}
    usage = rule.get("usage")
    if usage in ("required", "mandatory"):
        changes["usage"] = "M"
    elif usage in ("unused", "not_used"):
        changes["not_used"] = True
    elif usage == "optional":
        changes["usage"] = "O"
    if "codes" in rule:
        changes["codes"] = frozenset(str(c) for c in rule["codes"])
        changes["partner_codes"] = True
    if "add_codes" in rule:
        changes["codes"] = (el.codes or frozenset()) | frozenset(str(c) for c in rule["add_codes"])
    for key in ("min", "max"):
        if key in rule:
            changes[key] = int(rule[key])
    return replace(el, **changes) if changes else el


def _apply_profile(set_def: SetDef, sets: dict[str, Any]) -> None:
    rules: dict[str, Any] = {}
    for key in ("*", set_def.set_id):
        part = sets.get(key) or {}
        for kind in ("segments", "elements"):
            rules.setdefault(kind, {}).update(part.get(kind) or {})
    seg_rules: dict[str, Any] = rules.get("segments", {})
    el_rules: dict[str, Any] = rules.get("elements", {})
    if el_rules:
        for sid, seg in list(set_def.segments.items()):
            new_elements = tuple(
                _apply_element_profile(e, el_rules[e.ref]) if e.ref in el_rules else e for e in seg.elements
            )
            if new_elements != seg.elements:
                set_def.segments[sid] = replace(seg, elements=new_elements)

    def rec(loop: LoopNode) -> None:
        for child in loop.children:
            if isinstance(child, LoopNode):
                rec(child)
                rule = seg_rules.get(child.trigger) or {}
            else:
                child.seg = set_def.segments[child.seg.id]
                rule = seg_rules.get(child.seg.id) or {}
            usage = rule.get("usage")
            if usage in ("required", "mandatory"):
                child.mandatory = True
                child.partner_required = True
            elif usage in ("unused", "not_used"):
                child.not_used = True
                child.mandatory = False
            if "max" in rule:
                child.max_use = int(rule["max"])

    rec(set_def.root)


def _profile_key(profile: Profile | None) -> str:
    # only the profile's "sets" part changes definitions; the rest (mapping, envelope) would split the cache
    return json.dumps((profile or {}).get("sets") or {}, sort_keys=True, default=str)


@lru_cache(maxsize=256)
def _load(set_id: str, release: str, profile_key: str) -> SetDef:
    structures = structures_for(release)
    if set_id not in structures:
        raise DefinitionError(f"no definition for transaction set {set_id} in release {release}")
    data = structures[set_id]
    dictionary = segment_dictionary(release)
    used: dict[str, SegmentDef] = {"ST": dictionary["ST"], "SE": dictionary["SE"]}
    children = [
        SegmentNode(dictionary["ST"], True, 1),
        *_build_body(data["body"], dictionary, used),
        SegmentNode(dictionary["SE"], True, 1),
    ]
    root = LoopNode("", True, 1, children)
    set_def = SetDef(set_id, release, data["name"], root, used)
    sets = json.loads(profile_key)
    if sets:
        _apply_profile(set_def, sets)
    root.build_index()
    return set_def


def definition_release(set_id: str, release: str) -> str:
    """The release whose definitions hold ``set_id``: ``release``, or 5010 for a set 4010 lacks (999)."""
    if release == "004010" and set_id not in STRUCTURES_4010 and set_id in STRUCTURES_5010_DELTA:
        return "005010"
    return release


def load_set(set_id: str, version: str = "004010", profile: Profile | None = None) -> SetDef:
    """Compiled definition of ``set_id`` for a GS08-style version label (``004010UCS`` -> 4010)."""
    release = definition_release(set_id, release_of(version) or version)
    return _load(set_id, release, _profile_key(profile))


class SetDefinitions:
    """``load_set`` for one document or interchange: the profile key is computed once, each set type loaded once."""

    def __init__(self, profile: Profile | None = None):
        self._key = _profile_key(profile)
        self._sets: dict[tuple[str, str], SetDef] = {}

    def get(self, set_id: str, version: str = "004010") -> SetDef:
        release = release_of(version) or version
        set_def = self._sets.get((set_id, release))
        if set_def is None:
            set_def = self._sets[(set_id, release)] = _load(
                set_id, definition_release(set_id, release), self._key
            )
        return set_def


def available_sets(version: str = "004010") -> list[str]:
    return sorted(structures_for(release_of(version) or version))


def load_profile(path: str | Path) -> Profile:
    """Read a partner profile from YAML or JSON.

    Shape: ``{"name": ..., "sets": {"940" | "*": {"segments": {"W66": {"usage": "required"}},
    "elements": {"W0501": {"codes": ["N", "F"]}, "N102": {"max": 35}}}}}``.
    """
    text = Path(path).read_text(encoding="utf-8")
    if str(path).endswith(".json"):
        data = json.loads(text)
    else:
        import yaml

        data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise DefinitionError(f"partner profile {path} must be a mapping")
    return data
