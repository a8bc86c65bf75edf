"""Sends crossdock's commands to a WMS as its profile says: which call, which body.

Idempotent by the WMS's own keys: order and notice creates carry the document's business key
as external_id, so a redelivery of the same body gets the WMS's first answer again. A 409 is a
refusal (another body under that id, a cancel after shipping) and fails permanently, unless the
profile lists its error code in `duplicate_codes` (a WMS that answers a repeat with 409).
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..base import Delivery, Outcome, PermanentError
from .client import Conflict, WmsClient
from .profile import facility_xrefs, load_profile
from .template import Context, TemplateError


class WmsSinkOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    api_key: str
    profile: str = Field(default="crossdock", description="a bundled profile name or a YAML path")
    timeout: float = Field(default=30.0, gt=0)
    account: str | None = Field(default=None, description="the distributor's account at a 3PL (as $_account)")
    facilities: dict[str, str] = Field(
        default_factory=dict,
        description="crossdock warehouse code -> the WMS's facility code, where they differ",
    )


def _path(template: str, document: dict[str, Any]) -> str:
    """/v1/orders/{order_id}/cancel with the document's (URL-quoted) values."""
    try:
        return template.format_map(
            {k: urllib.parse.quote(str(v), safe="") for k, v in document.items() if isinstance(v, (str, int))}
        )
    except KeyError as exc:
        raise PermanentError(f"the profile's path {template!r} needs field {exc.args[0]!r}") from None


class WmsSink:
    Options = WmsSinkOptions

    def __init__(self, name: str, options: WmsSinkOptions):
        self.name = name
        self.profile = load_profile(options.profile)
        p = self.profile.profile
        self.client = WmsClient(options.url, options.api_key, p.auth_header, p.auth_format, options.timeout)
        self.account = options.account
        self.context = Context(code_lists=p.code_lists, xrefs=facility_xrefs(p.xrefs, options.facilities))

    async def deliver(self, delivery: Delivery) -> Outcome:
        call = self.profile.profile.outbound.get(delivery.action)
        if call is None:
            raise PermanentError(f"profile {self.profile.profile.name!r} has no call for {delivery.action!r}")
        body = None
        if delivery.action in self.profile.bodies:
            try:
                document = {**delivery.payload, "_account": self.account}
                body = self.profile.bodies[delivery.action].render(document, self.context)
            except TemplateError as exc:
                raise PermanentError(str(exc)) from None
        try:
            answer = await self.client.request(call.method, _path(call.path, delivery.payload), json=body)
        except Conflict as exc:
            if exc.code is not None and exc.code in call.duplicate_codes:
                return Outcome(acknowledged=True, detail={"already_applied": True})
            raise PermanentError(str(exc), detail=exc.detail) from None
        except PermanentError as exc:
            if call.duplicate_text and call.duplicate_text in str(exc):
                return Outcome(acknowledged=True, detail={"already_applied": True})
            raise
        errors = (
            (answer or {}).get(call.errors_field) if call.errors_field and isinstance(answer, dict) else None
        )
        if errors:
            text = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)
            if call.duplicate_text and call.duplicate_text in text:
                return Outcome(acknowledged=True, detail={"already_applied": True})
            raise PermanentError(f"{call.method} {call.path}: the WMS refused it: {text}")
        return Outcome(acknowledged=True, detail={"wms": _summary(answer)})

    async def close(self) -> None:
        await self.client.close()


def _summary(answer: Any) -> Any:
    """Keep the ledger small: the WMS's ids and status, not its whole answer."""
    if isinstance(answer, dict):
        return {
            k: v
            for k, v in answer.items()
            if k in ("id", "wms_id", "external_id", "status") or k.endswith("_id")
        }
    return None
