"""Reads of the service directory.

The directory itself (organisations' services, public locations) is visible to every
signed-in user with a role. A confidential location's address (a shelter) is visible
only to: staff and hotline counsellors of the organisation that runs it, hotline
counsellors in its province, and coordinators of support models in its province.
Agreements are visible to the provider's staff, coordinators and managers of the
province, national managers and administrators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts import roles, scope
from accounts.models import Role
from programs.models import Organisation, SupportModel

from .models import Agreement, AgreementLine, Location, Service


def _has_any_role(user: Any) -> bool:
    return bool(scope.roles(user))


def services_for(user: Any) -> QuerySet[Service]:
    if not _has_any_role(user):
        return Service.objects.none()
    return (
        Service.objects.filter(active=True, organisation__active=True)
        .select_related("organisation__province", "organisation__commune")
        .prefetch_related(
            Prefetch(
                "locations",
                queryset=Location.objects.filter(active=True).select_related(
                    "commune__province", "province"
                ),
            )
        )
    )


def service_search(
    user: Any,
    *,
    service_type: str = "",
    category: str = "",
    commune: Any = None,
    province: Any = None,
    friendly_only: bool = False,
    text: str = "",
) -> QuerySet[Service]:
    qs = services_for(user)
    if service_type:
        qs = qs.filter(service_type=service_type)
    if category:
        from .taxonomy import SERVICE_TYPES

        qs = qs.filter(
            service_type__in=[t.code for t in SERVICE_TYPES.values() if t.category == category]
        )
    if commune is not None:
        qs = qs.filter(Q(locations__commune=commune) | Q(organisation__commune=commune))
    if province is not None:
        qs = qs.filter(
            Q(locations__province=province)
            | Q(locations__commune__province=province)
            | Q(organisation__province=province)
        )
    if friendly_only:
        qs = qs.filter(friendly_to_key_populations=True)
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(organisation__name__icontains=text))
    return qs.distinct().order_by("organisation__name", "name")


def get_service(user: Any, public_id: Any) -> Service:
    return get_object_or_404(services_for(user), public_id=public_id)


def _coordinator_provinces(user: Any) -> set[str]:
    return scope.support_model_provinces(user)


def _hotline_provinces(user: Any) -> set[str]:
    return scope.organisation_provinces(user, Role.HOTLINE)


def address_visible_provinces(user: Any) -> set[str]:
    """Provinces in which the user may see confidential addresses (cached per request)."""
    cached = getattr(user, "_confidential_provinces", None)
    if cached is None:
        cached = _coordinator_provinces(user) | _hotline_provinces(user)
        try:
            user._confidential_provinces = cached
        except AttributeError:
            pass
    return cached


def location_province(location: Location) -> str | None:
    if location.province_id:
        return location.province_id
    if location.commune_id and location.commune is not None:
        return location.commune.province_id
    return location.organisation.province_id if location.organisation_id else None


def can_see_address(user: Any, location: Location) -> bool:
    if not location.confidential:
        return True
    if location.organisation_id in scope.organisation_ids(user, *roles.ORGANISATION_STAFF):
        return True
    return location_province(location) in address_visible_provinces(user)


@dataclass
class LocationView:
    """A location as one user may see it (address redacted when confidential)."""

    location: Location
    address_visible: bool

    @property
    def address(self) -> str:
        return self.location.address if self.address_visible else ""

    @property
    def commune(self) -> Any:
        return self.location.commune if self.address_visible else None


def locations_as_seen_by(user: Any, locations: Any) -> list[LocationView]:
    return [LocationView(loc, can_see_address(user, loc)) for loc in locations]


# --- Agreements -----------------------------------------------------------------------


def agreements_for(user: Any) -> QuerySet[Agreement]:
    qs = Agreement.objects.select_related("provider", "support_model").prefetch_related(
        Prefetch("lines", queryset=AgreementLine.objects.order_by("id"))
    )
    if scope.is_national(user) or scope.is_admin(user):
        return qs
    provinces = scope.province_codes(user) | _coordinator_provinces(user)
    cond = Q(provider_id__in=scope.organisation_ids(user, Role.PROVIDER))
    cond |= Q(provider__province_id__in=provinces)
    cond |= Q(support_model_id__in=scope.support_model_ids(user))
    return qs.filter(cond).distinct()


def get_agreement(user: Any, public_id: Any) -> Agreement:
    return get_object_or_404(agreements_for(user), public_id=public_id)


@dataclass
class LineUsage:
    line: AgreementLine
    used: int

    @property
    def percent(self) -> int:
        return round(100 * self.used / self.line.quantity) if self.line.quantity else 0

    @property
    def remaining(self) -> int:
        return max(self.line.quantity - self.used, 0)

    @property
    def over(self) -> bool:
        return self.used > self.line.quantity


def agreement_usage(agreement: Agreement) -> list[LineUsage]:
    """Use against capacity, counted live from ServiceDelivery rows of the provider and
    type within the agreement period: one per distinct (client, date), as reports count."""
    from referrals.models import ServiceDelivery

    lines = list(agreement.lines.all())
    rows = (
        ServiceDelivery.objects.filter(
            provider_id=agreement.provider_id,
            service_type__in=[line.service_type for line in lines],
            delivered_on__gte=agreement.start_date,
            delivered_on__lte=agreement.end_date,
        )
        .order_by()
        .values_list("service_type", "client_id", "delivered_on")
        .distinct()
    )
    distinct: dict[str, int] = {}
    for service_type, _client, _day in rows:
        distinct[service_type] = distinct.get(service_type, 0) + 1
    return [LineUsage(line, distinct.get(line.service_type, 0)) for line in lines]


# --- Who may edit --------------------------------------------------------------------


def editable_organisations(user: Any) -> QuerySet[Organisation]:
    """Coordinators edit service providers (kind SERVICE_PROVIDER only) in their models'
    provinces; provider staff their own organisation; administrators all."""
    if scope.is_admin(user):
        return Organisation.objects.all()
    own = scope.organisation_ids(user, Role.PROVIDER)
    provinces = _coordinator_provinces(user)
    if not own and not provinces:
        return Organisation.objects.none()
    cond = Q(pk__in=own)
    cond |= Q(kind=Organisation.Kind.SERVICE_PROVIDER, province_id__in=provinces)
    return Organisation.objects.filter(cond)


def can_edit_agreements(user: Any) -> bool:
    return scope.is_admin(user) or bool(scope.support_model_ids(user))


def agreement_support_models(user: Any) -> QuerySet[SupportModel]:
    """Support models an agreement may be made for: a coordinator's own models only."""
    if scope.is_admin(user):
        return SupportModel.objects.all()
    return SupportModel.objects.filter(pk__in=scope.support_model_ids(user))


def editable_service(user: Any, public_id: Any) -> Service:
    """A service of an organisation the user may edit, else 404."""
    qs = Service.objects.filter(organisation__in=editable_organisations(user))
    return get_object_or_404(qs, public_id=public_id)


def editable_location(user: Any, public_id: Any) -> Location:
    """A location of an organisation the user may edit, else 404."""
    qs = Location.objects.filter(organisation__in=editable_organisations(user))
    return get_object_or_404(qs, public_id=public_id)


def editable_agreements(user: Any) -> QuerySet[Agreement]:
    """Coordinators edit the agreements of their own support models; administrators all."""
    if scope.is_admin(user):
        return Agreement.objects.all()
    models = scope.support_model_ids(user)
    if not models:
        return Agreement.objects.none()
    return Agreement.objects.filter(support_model_id__in=models)
