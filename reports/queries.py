"""Who may see which report. Every report (page, export, command run as a user) gets
its ReportContext from here.

- peer educators and group leaders: their group(s);
- model coordinators: their support model(s);
- provincial managers: their province(s), small counts suppressed;
- national managers: everything, small counts suppressed;
- provider staff: their own service statistics (deliveries they provided or recorded,
  referrals addressed to them);
- administrators and hotline counsellors: no reports (unless they hold another role).

A user holding several roles gets the broadest one. Asking for an area, model, group or
provider outside the scope answers 404, like a missing one."""

from __future__ import annotations

from typing import Any, TypedDict, Unpack

from django.http import Http404

from accounts import scope
from accounts.models import Role
from geo.models import Commune, Province
from programs.models import Organisation, PeerGroup, SupportModel

from .context import NATION, ReportContext, ReportScope
from .periods import Period


def report_scope(user: Any) -> ReportScope | None:
    """The broadest report scope the user's grants give, or None (no reports)."""
    if scope.is_national(user):
        return ReportScope("nation", suppress=True, user_id=user.pk)
    provinces = scope.province_codes(user)
    if provinces:
        return ReportScope("provinces", frozenset(provinces), suppress=True, user_id=user.pk)
    models = scope.support_model_ids(user)
    if models:
        return ReportScope("models", frozenset(models), user_id=user.pk)
    groups = scope.peer_group_ids(user)
    if groups:
        return ReportScope("groups", frozenset(groups), user_id=user.pk)
    orgs = scope.organisation_ids(user, Role.PROVIDER)
    if orgs:
        # Providers already see client codes in their inbox: small cells in their
        # statistics could single a client out, so they are suppressed like managers'.
        return ReportScope("providers", frozenset(orgs), suppress=True, user_id=user.pk)
    return None


def can_see_reports(user: Any) -> bool:
    return report_scope(user) is not None


def scope_provinces(rs: ReportScope) -> set[str] | None:
    """Provinces a scope reaches (None: all)."""
    if rs.kind == "nation" or rs.kind == "providers":
        return None
    if rs.kind == "provinces":
        return set(rs.ids)
    if rs.kind == "models":
        return set(SupportModel.objects.filter(pk__in=rs.ids).values_list("province_id", flat=True))
    return set(
        PeerGroup.objects.filter(pk__in=rs.ids).values_list("support_model__province_id", flat=True)
    )


def _in_scope(rs: ReportScope, qs: Any, lookups: dict[str, str]) -> Any:
    """The rows a scope reaches: all for the nation; for the other kinds, those whose
    lookup for the kind (provinces, models, groups) is among the scope's ids; none for a
    kind without a lookup."""
    if rs.kind == "nation":
        return qs
    if rs.kind not in lookups:
        return qs.none()
    return qs.filter(**{f"{lookups[rs.kind]}__in": rs.ids})


def models_in_scope(rs: ReportScope) -> Any:
    qs = SupportModel.objects.select_related("province")
    found = _in_scope(rs, qs, {"provinces": "province_id", "models": "pk", "groups": "peer_groups"})
    return found.distinct() if rs.kind == "groups" else found


def groups_in_scope(rs: ReportScope) -> Any:
    qs = PeerGroup.objects.select_related("support_model")
    lookups = {
        "provinces": "support_model__province_id",
        "models": "support_model_id",
        "groups": "pk",
    }
    return _in_scope(rs, qs, lookups)


def providers_in_scope(rs: ReportScope) -> Any:
    qs = Organisation.objects.filter(kind=Organisation.Kind.SERVICE_PROVIDER)
    if rs.kind == "nation":
        return qs
    if rs.kind == "providers":
        return Organisation.objects.filter(pk__in=rs.ids)
    provinces = scope_provinces(rs) or set()
    return qs.filter(province_id__in=provinces)


class Filters(TypedDict, total=False):
    """What a report may be narrowed to, besides its period: an area (a province or a
    commune), a support model, a peer group, a provider (ids and codes)."""

    province: str | None
    commune: str | None
    support_model: int | None
    peer_group: int | None
    provider: int | None


def report_context(user: Any, *, period: Period, **filters: Unpack[Filters]) -> ReportContext:
    """The report the user asked for, limited to their scope; 404 when out of scope."""
    rs = report_scope(user)
    if rs is None:
        raise Http404
    return context_for_scope(rs, period=period, **filters)


def context_for_scope(
    rs: ReportScope,
    *,
    period: Period,
    province: str | None = None,
    commune: str | None = None,
    support_model: int | None = None,
    peer_group: int | None = None,
    provider: int | None = None,
) -> ReportContext:
    reach = scope_provinces(rs)
    label = ""
    commune_province = None
    if commune:
        c = Commune.objects.select_related("province").filter(pk=commune).first()
        if c is None or (reach is not None and c.province_id not in reach):
            raise Http404
        province, label = c.province_id, str(c)
        commune_province = c.province_id
    elif province:
        p = Province.objects.filter(pk=province).first()
        if p is None or (reach is not None and p.pk not in reach):
            raise Http404
        label = str(p)
    if support_model is not None and not models_in_scope(rs).filter(pk=support_model).exists():
        raise Http404
    if peer_group is not None and not groups_in_scope(rs).filter(pk=peer_group).exists():
        raise Http404
    if provider is not None and not providers_in_scope(rs).filter(pk=provider).exists():
        raise Http404
    return ReportContext(
        period=period,
        scope=rs,
        province_code=None if commune else province,
        commune_code=commune,
        support_model_id=support_model,
        peer_group_id=peer_group,
        provider_id=provider,
        area_label=label,
        commune_province_code=commune_province,
    )


def system_context(
    *, period: Period, suppress: bool = False, **filters: Unpack[Filters]
) -> ReportContext:
    """For the operator's command line: the whole nation, unsuppressed unless asked."""
    rs = ReportScope("nation", suppress=suppress) if suppress else NATION
    return context_for_scope(rs, period=period, **filters)
