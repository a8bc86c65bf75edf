"""CloudEvents 1.0 envelope (structured JSON mode) with crossdock's extensions.

Extensions (CloudEvents requires lower-case alphanumeric names of at most 20 characters):
- correlationid: ties every message of one business transaction together (an order's life);
- causationid: the id of the message that caused this one;
- idempotencykey: overrides the default de-duplication key (source + id).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .base import UtcDatetime, utc_now

_EXTENSION_NAME = re.compile(r"^[a-z0-9]{1,20}$")
_CORE_ATTRIBUTES = {
    "specversion",
    "id",
    "source",
    "type",
    "subject",
    "time",
    "datacontenttype",
    "dataschema",
    "data",
}


class CloudEvent(BaseModel):
    model_config = ConfigDict(extra="allow")

    specversion: str = "1.0"
    id: str = Field(default_factory=lambda: uuid.uuid4().hex, min_length=1)
    source: str = Field(min_length=1, description="URI-reference of the producing system, e.g. odoo://main")
    type: str = Field(min_length=1, description="event type from the catalog, e.g. order.released")
    subject: str | None = Field(default=None, description="business key; same subject = processed in order")
    time: UtcDatetime = Field(default_factory=utc_now)
    datacontenttype: str = "application/json"
    dataschema: str | None = None
    data: dict[str, Any]
    correlationid: str | None = None
    causationid: str | None = None
    idempotencykey: str | None = None

    @field_validator("specversion")
    @classmethod
    def _only_1_0(cls, value: str) -> str:
        if value != "1.0":
            raise ValueError(f"unsupported CloudEvents specversion {value!r}; crossdock speaks 1.0")
        return value

    @model_validator(mode="after")
    def _extension_names(self) -> CloudEvent:
        for name in self.model_extra or {}:
            if not _EXTENSION_NAME.match(name):
                raise ValueError(f"extension attribute {name!r} must be 1-20 lower-case letters or digits")
        return self

    @property
    def dedup_key(self) -> str:
        return self.idempotencykey or f"{self.source}#{self.id}"

    @property
    def system(self) -> str:
        """The producing system's name: the scheme or first segment of `source` (odoo://main -> odoo)."""
        source = self.source
        if "://" in source:
            return source.split("://", 1)[0]
        return source.strip("/").split("/", 1)[0].split(":", 1)[0]

    def caused(self, type: str, data: dict[str, Any], source: str, subject: str | None = None) -> CloudEvent:
        """A follow-up event in the same business transaction."""
        return CloudEvent(
            type=type,
            source=source,
            subject=subject or self.subject,
            data=data,
            correlationid=self.correlationid or self.id,
            causationid=self.id,
        )
