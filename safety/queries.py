"""Every read of incidents and alerts, always with the acting user (reports count them in
`reports/`, never here).

- Incidents are client-level: only the recording peer group, the recording hotline and
  the coordinators of the support model see them. Nobody else, managers included.
- Alerts are warnings for a province: peers and leaders of groups in that province,
  coordinators of models there, hotline counsellors of a hotline there, provincial
  managers of the province and national managers see them. Active = not expired and not
  withdrawn."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import roles, scope
from accounts.models import Role, User
from geo.models import Commune, Province
from programs.models import Organisation, PeerGroup

from .models import PROTECTION_SERVICE_TYPES, Incident, IncidentProtection, SafetyAlert


def incidents_for(user: User) -> QuerySet[Incident]:
    groups = scope.peer_group_ids(user)
    hotlines = scope.organisation_ids(user, Role.HOTLINE)
    models = scope.support_model_ids(user)
    if not groups and not hotlines and not models:
        return Incident.objects.none()
    cond = Q(peer_group_id__in=groups) | Q(hotline_id__in=hotlines)
    cond |= Q(support_model_id__in=models)
    return (
        Incident.objects.filter(cond)
        .select_related("province", "commune", "client", "peer_group", "hotline")
        .prefetch_related("violence_types", "protections")
    )


def get_incident(user: User, public_id: UUID) -> Incident:
    return get_object_or_404(
        incidents_for(user).prefetch_related("alerts", "protections__referral__provider"),
        public_id=public_id,
    )


def incident_recorder(user: User) -> tuple[PeerGroup | None, Organisation | None, list[Any]]:
    """Who records an incident for the user, and the "reported via" choices that go with
    it: the user's (first) peer group, else their hotline; 404 for anyone else."""
    groups = list(PeerGroup.objects.filter(pk__in=scope.peer_group_ids(user)).order_by("pk"))
    if groups:
        via = [
            (Incident.ReportedVia.PEER, Incident.ReportedVia.PEER.label),
            (Incident.ReportedVia.PEER_FOR_CLIENT, Incident.ReportedVia.PEER_FOR_CLIENT.label),
        ]
        return groups[0], None, via
    hotlines = list(
        Organisation.objects.filter(pk__in=scope.organisation_ids(user, Role.HOTLINE)).order_by(
            "pk"
        )
    )
    if hotlines:
        return (
            None,
            hotlines[0],
            [(Incident.ReportedVia.HOTLINE, Incident.ReportedVia.HOTLINE.label)],
        )
    raise Http404


def publish_provinces(user: User) -> set[str]:
    """Provinces the user works in, where they may record incidents and write alerts:
    those of their peer groups' models and of the models they coordinate."""
    provinces = set(scope.peer_group_provinces(user))
    provinces |= scope.support_model_provinces(user, Role.COORDINATOR)
    return provinces


def alertable_incidents(user: User) -> QuerySet[Incident]:
    """Incidents the user may publish an alert from: consent given, a publishing role,
    the incident is the user's group's or in a model the user coordinates, and it lies
    in a province the user works in."""
    if not scope.has_role(user, *roles.CASEWORK):
        return Incident.objects.none()
    groups = scope.peer_group_ids(user)
    models = scope.support_model_ids(user, Role.COORDINATOR)
    return incidents_for(user).filter(
        Q(peer_group_id__in=groups) | Q(support_model_id__in=models),
        consent_alert=True,
        province_id__in=publish_provinces(user),
    )


def alertable_incident(user: User, public_id: UUID) -> Incident:
    """An incident the user may publish an alert from (consent given; right role)."""
    return get_object_or_404(alertable_incidents(user), public_id=public_id)


def alert_provinces_for(user: User, incident: Incident) -> QuerySet[Province]:
    """Provinces the user may publish an alert from this incident in: the incident's own
    province, and only when the user may publish from the incident at all."""
    if not alertable_incidents(user).filter(pk=incident.pk).exists():
        return Province.objects.none()
    return Province.objects.filter(pk=incident.province_id)


def alert_communes_for(user: User, incident: Incident) -> QuerySet[Commune]:
    """Communes an alert from this incident may name: those of its allowed provinces."""
    return Commune.objects.filter(province__in=alert_provinces_for(user, incident)).select_related(
        "province"
    )


def alert_provinces(user: User) -> set[str] | None:
    """Provinces whose alerts the user sees; None means every province."""
    if scope.is_national(user):
        return None
    provinces = set(scope.peer_group_provinces(user))
    provinces |= scope.support_model_provinces(user)
    provinces |= scope.organisation_provinces(user, Role.HOTLINE)
    provinces |= scope.province_codes(user)
    return provinces


def _area_coordinator_provinces(user: User) -> set[str]:
    return scope.support_model_provinces(user, Role.COORDINATOR)


def _reviewer_q(user: User) -> Q:
    """Alerts the user reviews: from incidents of a group they lead or of a model they
    coordinate."""
    return Q(incident__peer_group_id__in=scope.peer_group_ids(user, Role.GROUP_LEADER)) | Q(
        incident__support_model_id__in=scope.support_model_ids(user, Role.COORDINATOR)
    )


def alerts_for(user: User) -> QuerySet[SafetyAlert]:
    """Published (and withdrawn) alerts of the user's provinces; alerts waiting for
    approval or declined only for their author, their reviewers and the area's
    coordinators. The author always finds their own alert (never a 404)."""
    provinces = alert_provinces(user)
    qs = SafetyAlert.objects.select_related("province", "commune")
    shown = Q(status__in=[SafetyAlert.Status.PUBLISHED, SafetyAlert.Status.WITHDRAWN])
    if provinces is not None:
        shown &= Q(province_id__in=provinces)
    if getattr(user, "is_authenticated", False):
        shown |= Q(published_by=user) | _reviewer_q(user)
        shown |= Q(province_id__in=_area_coordinator_provinces(user))
    return qs.filter(shown)


def pending_for_review(user: User) -> QuerySet[SafetyAlert]:
    """Alerts waiting for this user's approval (not their own)."""
    if not scope.has_role(user, *roles.LEADERS):
        return SafetyAlert.objects.none()
    return (
        SafetyAlert.objects.filter(_reviewer_q(user), status=SafetyAlert.Status.PENDING)
        .exclude(published_by=user)
        .select_related("province", "commune")
        .order_by("created_at", "id")
    )


def alert_approvers(incident: Incident | None, author: User) -> list[User]:
    """Who may approve an alert from this incident: the leaders of its peer group and
    the coordinators of its support model (active grants), never the author."""
    if incident is None:
        return []
    cond = Q(role=Role.COORDINATOR, support_model_id=incident.support_model_id)
    if incident.peer_group_id:
        cond |= Q(role=Role.GROUP_LEADER, peer_group_id=incident.peer_group_id)
    return granted_users(cond, leaving_out=[author.pk])


def granted_users(cond: Q, *, leaving_out: list[int]) -> list[User]:
    """The users of the active grants that match `cond`: active users, each once, in id
    order, the users `leaving_out` names left out."""
    from accounts.models import Grant

    grants = (
        Grant.objects.filter(cond, active=True, user__is_active=True)
        .exclude(user_id__in=leaving_out)
        .select_related("user")
        .order_by("user_id")
    )
    users: dict[int, User] = {}
    for grant in grants:
        users.setdefault(grant.user_id, grant.user)
    return list(users.values())


def can_approve(user: User, alert: SafetyAlert) -> bool:
    """A leader of the incident's group or a coordinator of its model, not the author."""
    if alert.status != SafetyAlert.Status.PENDING or alert.published_by_id == user.pk:
        return False
    if alert.incident_id is None:
        return False
    return SafetyAlert.objects.filter(_reviewer_q(user), pk=alert.pk).exists()


# A step already taken by this very user: its resend (a double tap, the browser's resend)
# is answered with the same success, never "no longer waiting" or a 404.


def approved_by(user: User, alert: SafetyAlert) -> bool:
    return alert.status == SafetyAlert.Status.PUBLISHED and alert.approved_by_id == user.pk


def declined_by(user: User, alert: SafetyAlert) -> bool:
    """The decline itself is kept in the audit log only."""
    from audit.models import AuditEntry

    return (
        alert.status == SafetyAlert.Status.DECLINED
        and AuditEntry.objects.filter(
            action="alert.decline",
            object_type=SafetyAlert._meta.label_lower,
            object_id=str(alert.pk),
            actor_id=user.pk,
        ).exists()
    )


def withdrawn_by(user: User, alert: SafetyAlert) -> bool:
    return alert.status == SafetyAlert.Status.WITHDRAWN and alert.withdrawn_by_id == user.pk


def active(qs: QuerySet[SafetyAlert], today: date | None = None) -> QuerySet[SafetyAlert]:
    today = today or timezone.localdate()
    return qs.filter(
        status=SafetyAlert.Status.PUBLISHED, withdrawn_at__isnull=True, expires_on__gte=today
    )


def active_alerts_for(user: User) -> QuerySet[SafetyAlert]:
    return active(alerts_for(user)).order_by("-issued_on", "-id")


def get_alert(user: User, public_id: UUID) -> SafetyAlert:
    return get_object_or_404(alerts_for(user), public_id=public_id)


def alert_lists(user: User) -> dict[str, Any]:
    """The alert page's lists: active alerts, past ones (published or withdrawn), those
    waiting for the user's review, and the user's own still pending or declined."""
    alerts = alerts_for(user)
    current = active(alerts).order_by("-issued_on", "-id")
    inactive = alerts.exclude(pk__in=current.values("pk"))
    waiting = pending_for_review(user)
    own = alerts.filter(
        published_by_id=user.pk,
        status__in=[SafetyAlert.Status.PENDING, SafetyAlert.Status.DECLINED],
    ).order_by("-created_at")
    return {
        "active": current[:100],
        "past": inactive.filter(
            status__in=[SafetyAlert.Status.PUBLISHED, SafetyAlert.Status.WITHDRAWN]
        ).order_by("-issued_on", "-id")[:30],
        "to_review": waiting[:50],
        "own": own.exclude(pk__in=waiting.values("pk"))[:30],
    }


def can_withdraw(user: User, alert: SafetyAlert) -> bool:
    """The area's coordinators (any model in the alert's province) always; the author
    while the province is still theirs; the reviewers of the incident."""
    if alert.status not in (SafetyAlert.Status.PENDING, SafetyAlert.Status.PUBLISHED):
        return False
    if not scope.has_role(user, *roles.CASEWORK):
        return False
    if alert.province_id in _area_coordinator_provinces(user):
        return True
    if alert.published_by_id == user.pk and alert.province_id in publish_provinces(user):
        return True
    return SafetyAlert.objects.filter(_reviewer_q(user), pk=alert.pk).exists()


# --- Protection referrals from an incident -----------------------------------------


def can_refer(user: User, incident: Incident) -> bool:
    """May the user send protection referrals for this (visible) incident's client?
    Peers, leaders and coordinators for a client they may refer; the recording hotline."""
    from referrals.queries import referable_clients

    if incident.client_id is None or not scope.has_role(user, *roles.CASEWORK_AND_HOTLINE):
        return False
    if incident.hotline_id and incident.hotline_id in scope.organisation_ids(user, Role.HOTLINE):
        return True
    return referable_clients(user).filter(pk=incident.client_id).exists()


def referral_from_kind(user: User, incident: Incident) -> str:
    """Who the protection referral comes from, as the referrals app records it: the
    client's peer, the model's coordinator or the hotline that recorded the incident."""
    from referrals.models import Referral

    client = incident.client
    if client is not None and client.peer_group_id in scope.peer_group_ids(user):
        return Referral.FromKind.PEER
    if scope.has_role(user, Role.COORDINATOR) and incident.support_model_id in (
        scope.support_model_ids(user)
    ):
        return Referral.FromKind.COORDINATOR
    if incident.hotline_id and incident.hotline_id in scope.organisation_ids(user, Role.HOTLINE):
        return Referral.FromKind.HOTLINE
    return Referral.FromKind.COORDINATOR


def referable_protection(
    user: User, public_id: UUID, kind: str
) -> tuple[Incident, IncidentProtection]:
    """The incident and its ticked protection of this kind, still without a referral,
    that the user may refer; 404 otherwise."""

    incident = get_incident(user, public_id)
    protection = next((p for p in incident.protections.all() if p.kind == kind), None)
    if protection is None or protection.referral_id is not None or not can_refer(user, incident):
        raise Http404
    return incident, protection


def protection_services(user: User, incident: Incident, kind: str) -> QuerySet[Any]:
    """Active services that answer this protection kind, those in the incident's province
    first."""
    from django.db.models import Case, IntegerField, Value, When

    from directory.queries import services_for

    return (
        services_for(user)
        .filter(service_type__in=PROTECTION_SERVICE_TYPES.get(kind, ()))
        .annotate(
            elsewhere=Case(
                When(organisation__province_id=incident.province_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("elsewhere", "service_type", "organisation__name", "name")
    )
