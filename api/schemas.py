"""Input and output shapes of the JSON API, kept apart from the rules: the API validates its
input through the same Django forms and services as the pages. No schema here carries a
client's name, nickname, phone or UIC, in or out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from .validation import NUL_ERROR


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_nul(v) for v in value)
    return False


class Input(Schema):
    """Every input schema: a NUL character anywhere in a field's value (a string, or a
    string inside a list or an object) is refused with the field named (422, in the
    user's language) before anything looks it up or stores it: PostgreSQL refuses NUL in
    text, and the request would otherwise end in a server error."""

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        if _holds_nul(value):
            raise PydanticCustomError(NUL_ERROR, "null character")
        return value


class Message(Schema):
    detail: str


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        description="Messages by field, in the user's language; `__all__` for the whole record."
    )


class Choice(Schema):
    value: str
    label: str


class GrantOut(Schema):
    role: str
    role_label: str
    scope_kind: str
    scope_label: str


class MeOut(Schema):
    username: str
    language: str
    two_factor_required: bool
    can_log_outreach: bool
    grants: list[GrantOut]


class MaterialOut(Schema):
    id: int
    name: str
    theme: str
    theme_label: str


class StockOut(Schema):
    item_kind: str
    material: int | None
    quantity: int


class CommuneOut(Schema):
    code: str
    name: str


class EstablishmentOut(Schema):
    id: int
    name: str
    commune: str | None


class PeerGroupOut(Schema):
    id: int
    name: str
    stock_holder: str | None
    stock: list[StockOut]
    communes: list[CommuneOut]


class OutreachOptions(Schema):
    place_types: list[Choice]
    topics: list[Choice]
    needs: list[Choice]
    item_kinds: list[Choice]
    materials: list[MaterialOut]
    peer_groups: list[PeerGroupOut]
    establishments: list[EstablishmentOut]


class ItemIn(Input):
    model_config = ConfigDict(extra="forbid")

    item_kind: str = Field(description="condom, lubricant, needle_syringe or material")
    material: int | None = Field(None, description="The material's id, for item_kind material")
    quantity: int = Field(ge=0)


class ContactIn(Input):
    """One outreach contact: an anonymous head count, or one client named by its public id
    or short code. `client_uuid` is generated on the device: sending it again returns the
    contact already recorded instead of a second one."""

    model_config = ConfigDict(extra="forbid")

    client_uuid: UUID = Field(description="Idempotency key generated on the device")
    contact_date: date
    place_type: str
    peer_group: int | None = Field(
        None, description="Required when the user belongs to several groups"
    )
    client: str | None = Field(
        None, description="The client's public id or short code; empty for a head count"
    )
    head_count: int | None = Field(None, description="People reached (anonymous head count)")
    topics: list[str] = []
    needs: list[str] = []
    establishment: int | None = None
    commune: str | None = Field(None, description="Commune code (post-2025)")
    items: list[ItemIn] = []


class ItemOut(Schema):
    item_kind: str
    material: int | None
    label: str
    quantity: int


class ContactOut(Schema):
    public_id: UUID
    client_uuid: UUID | None
    contact_date: date
    peer_group: int
    place_type: str
    place_label: str
    head_count: int
    client_code: str | None = Field(description="The client's short code; never the identity")
    topics: list[str]
    needs: list[str]
    items: list[ItemOut]
    created_at: datetime
