"""A WMS profile: everything that differs between warehouses, as one YAML file, not code.

It names how to call the WMS (paths, bodies as templates), how to read what it sends (event
types, templates to canonical documents), how it signs webhooks, how to poll it, and its code
lists, SKU cross-references and units. Bundled profiles live in ./profiles; a path works too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .signatures import Scheme
from .template import Template, TemplateError

BUNDLED = Path(__file__).with_name("profiles")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class OutboundCall(Strict):
    method: Literal["POST", "PUT", "PATCH", "DELETE"] = "POST"
    path: str = Field(description="may name document fields: /v1/orders/{order_id}/cancel")
    body: Any = None
    duplicate_codes: list[str] = Field(
        default_factory=list,
        description="409 error codes meaning the WMS already has it; any other 409 is a refusal",
    )
    errors_field: str | None = Field(
        default=None, description="an answer field that lists errors even on HTTP 200 (GraphQL's errors)"
    )
    duplicate_text: str | None = Field(
        default=None, description="text in an error meaning the WMS already has it (a create sent twice)"
    )


class InboundEvent(Strict):
    type: str = Field(
        description="the canonical event type, or a template choosing it ($... ); none: ignored"
    )
    subject: str | None = Field(default=None, description="template for the ordering key")
    data: Any = Field(description="template from the WMS event to the canonical document")


class SignatureConfig(Strict):
    scheme: Scheme = "hmac-sha256-hex"
    header: str = "X-Signature"
    prefix: str = ""


class PollingConfig(Strict):
    path: str
    cursor_param: str = "after"
    limit_param: str = "limit"
    page_size: int = Field(default=200, ge=1)
    items_field: str | None = Field(
        default=None, description="where the list is in the answer; None: the answer"
    )
    cursor_field: str = Field(
        default="sequence", description="field of each item that the next poll starts after"
    )


class Profile(Strict):
    name: str
    description: str = ""
    auth_header: str = "Authorization"
    auth_format: str = Field(default="Bearer {key}", description="the header's value; {key} is the API key")
    signature: SignatureConfig = Field(default_factory=SignatureConfig)
    event_id_header: str | None = None
    event_id_field: str = "event_id"
    event_type_field: str = "event_type"
    polling: PollingConfig | None = None
    delivery: Literal["feed", "push"] = Field(
        default="feed",
        description="feed: webhooks only wake a poll of the ordered event feed; push: webhook bodies are the events",
    )
    ack_status: int = 200
    ack_body: Any = Field(
        default_factory=lambda: {"status": "received"}, description="what the WMS expects back"
    )
    code_lists: dict[str, dict[str, Any]] = Field(default_factory=dict)
    xrefs: dict[str, dict[str, str]] = Field(default_factory=dict)
    outbound: dict[str, OutboundCall] = Field(default_factory=dict)
    inbound: dict[str, InboundEvent] = Field(default_factory=dict)
    ignored: list[str] = Field(default_factory=list, description="WMS event types crossdock does not need")

    def compile(self) -> CompiledProfile:
        return CompiledProfile(self)


class CompiledProfile:
    """A profile with its templates checked and ready; errors name the key in the YAML."""

    def __init__(self, profile: Profile):
        self.profile = profile
        self.bodies = {
            action: Template(call.body, where=f"{profile.name}: outbound.{action}.body")
            for action, call in profile.outbound.items()
            if call.body is not None
        }
        self.events = {
            name: Template(event.data, where=f"{profile.name}: inbound.{name}.data")
            for name, event in profile.inbound.items()
        }
        self.subjects = {
            name: Template(event.subject, where=f"{profile.name}: inbound.{name}.subject")
            for name, event in profile.inbound.items()
            if event.subject
        }
        self.types = {
            name: Template(event.type, where=f"{profile.name}: inbound.{name}.type")
            for name, event in profile.inbound.items()
        }


class ProfileError(ValueError):
    pass


def load_profile(name_or_path: str) -> CompiledProfile:
    path = Path(name_or_path)
    if not path.suffix:
        path = BUNDLED / f"{name_or_path}.yaml"
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError:
        known = ", ".join(sorted(p.stem for p in BUNDLED.glob("*.yaml")))
        raise ProfileError(f"no WMS profile {name_or_path!r} (bundled: {known})") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML: {exc}") from None
    try:
        return Profile.model_validate(raw).compile()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ProfileError(f"{path}: {problems}") from None
    except TemplateError as exc:
        raise ProfileError(f"{path}: {exc}") from None


def facility_xrefs(xrefs: dict[str, dict[str, str]], facilities: dict[str, str]) -> dict[str, dict[str, str]]:
    """The profile's cross-references plus warehouse codes both ways (facility out, warehouse in)."""
    merged = {name: dict(table) for name, table in xrefs.items()}
    merged.setdefault("facility", {}).update(facilities)
    merged.setdefault("warehouse", {}).update({wms: ours for ours, wms in facilities.items()})
    return merged
