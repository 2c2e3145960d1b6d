"""The directory as Open Referral HSDS 3.0: one organization object per organisation, with
its services and locations nested. Confidential locations keep their name and phone but
lose address, commune and coordinates.

Ids: services and locations use their public_id; everything else gets a stable UUIDv5 so
that repeated exports give the same ids."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from programs.models import Organisation

from .models import Location, Service
from .taxonomy import CATEGORIES, SERVICE_TYPES

NAMESPACE = uuid.UUID("6f1b7c0e-3c7a-5d0e-9a35-0c6a7e4f2b11")
TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "taxonomy:caunoi"))
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English", "km": "Khmer", "zh": "Chinese"}


def _id(*parts: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def _phone(owner: str, number: str) -> list[dict[str, Any]]:
    if not number:
        return []
    return [{"id": _id(owner, "phone", number), "number": number, "type": "voice"}]


def _term(code: str, name: str, parent: str | None = None) -> dict[str, Any]:
    term: dict[str, Any] = {
        "id": _id("term", code),
        "code": code,
        "name": name,
        "description": name,
        "taxonomy": "caunoi",
        "taxonomy_id": TAXONOMY_ID,
    }
    if parent:
        term["parent_id"] = _id("term", parent)
    return term


def _attribute(owner: str, link_id: str, term: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": _id(owner, "attribute", term["code"]),
        "link_id": link_id,
        "link_type": "service",
        "link_entity": "service",
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }


def location_object(location: Location) -> dict[str, Any]:
    loc_id = str(location.public_id)
    obj: dict[str, Any] = {
        "id": loc_id,
        "location_type": "physical",
        "organization_id": _id("organisation", location.organisation_id),
        "name": location.name,
        "phones": _phone(loc_id, location.phone),
        "schedules": [],
        "addresses": [],
    }
    if location.opening_hours:
        obj["schedules"].append(
            {
                "id": _id(loc_id, "schedule"),
                "location_id": loc_id,
                "description": location.opening_hours,
            }
        )
    if location.confidential:
        # Never the address, the commune or coordinates of a shelter.
        obj["description"] = _("Confidential location: ask the hotline.")
        return obj
    province = location.province or (location.commune.province if location.commune else None)
    obj["addresses"].append(
        {
            "id": _id(loc_id, "address"),
            "location_id": loc_id,
            "address_1": location.address or location.name,
            "city": location.commune.name if location.commune else "",
            "state_province": province.name if province else "",
            "postal_code": "",
            "country": "VN",
            "address_type": "physical",
        }
    )
    if location.latitude is not None and location.longitude is not None:
        obj["latitude"] = float(location.latitude)
        obj["longitude"] = float(location.longitude)
    return obj


def service_object(service: Service) -> dict[str, Any]:
    sid = str(service.public_id)
    stype = SERVICE_TYPES[service.service_type]
    category = CATEGORIES[stype.category]
    terms = [
        _term(category.code, str(category.label)),
        _term(stype.code, str(stype.label), category.code),
    ]
    if service.friendly_to_key_populations:
        terms.append(_term("friendly_to_key_populations", "Friendly to key populations"))
    obj: dict[str, Any] = {
        "id": sid,
        "organization_id": _id("organisation", service.organisation_id),
        "name": service.name,
        "description": service.description or str(stype.label),
        "status": "active" if service.active else "inactive",
        "eligibility_description": service.eligibility,
        "fees_description": service.fee_note if service.cost == Service.Cost.FEE else _("Free"),
        "cost_options": [
            {
                "id": _id(sid, "cost"),
                "service_id": sid,
                "option": service.get_cost_display()
                if service.cost == Service.Cost.FEE
                else _("Free"),
                "currency": "VND",
                **({"amount": 0} if service.cost == Service.Cost.FREE else {}),
            }
        ],
        "languages": [
            {"id": _id(sid, "language", code), "name": LANGUAGE_NAMES.get(code, code), "code": code}
            for code in (service.languages or [])
        ],
        "phones": _phone(sid, service.phone),
        "schedules": (
            [{"id": _id(sid, "schedule"), "service_id": sid, "description": service.opening_hours}]
            if service.opening_hours
            else []
        ),
        "service_at_locations": [
            {
                "id": _id(sid, "at", location.public_id),
                "service_id": sid,
                "location_id": str(location.public_id),
            }
            for location in service.locations.all()
        ],
        "attributes": [_attribute(sid, sid, term) for term in terms],
    }
    if service.last_verified_on:
        obj["assured_date"] = service.last_verified_on.isoformat()
    return obj


def organisation_object(organisation: Organisation) -> dict[str, Any]:
    org_id = _id("organisation", organisation.pk)
    obj: dict[str, Any] = {
        "id": org_id,
        "name": organisation.name,
        "description": organisation.description or organisation.name,
        "phones": _phone(org_id, organisation.phone),
        "locations": [location_object(loc) for loc in organisation.locations.all()],
        "services": [service_object(s) for s in organisation.services.all()],
    }
    if organisation.email:
        obj["email"] = organisation.email
    if organisation.website:
        obj["website"] = organisation.website
    return obj


def organisations_to_export() -> QuerySet[Organisation]:
    """Every active organisation with at least one active service (public directory)."""
    return (
        Organisation.objects.filter(active=True, services__active=True)
        .distinct()
        .prefetch_related(
            Prefetch(
                "locations",
                queryset=Location.objects.filter(active=True).select_related(
                    "commune__province", "province"
                ),
            ),
            Prefetch(
                "services",
                queryset=Service.objects.filter(active=True).prefetch_related("locations"),
            ),
        )
        .order_by("pk")
    )
