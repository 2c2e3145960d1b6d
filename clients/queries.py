"""Every read of the client registry, always with the acting user.

Who sees which clients:
- peer educators and group leaders: the clients of their own peer group(s), identity
  included (every reading of identity is audited by the service that opens it);
- coordinators: the clients of the peer groups of their support models, masked (codes
  only) unless they unmask one for a written reason, for a limited time;
- everybody else (provider staff, hotline, managers, administrators): no client pages at
  all. Providers reach referred clients through the referrals app only.

Consent helpers (`may_follow_up`, `may_contact_by_phone`, `has_sharing_consent`) are read
by other apps (reminders, referrals) before they act on a client.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import scope
from accounts.models import Role
from core.crypto import blind_index
from directory.taxonomy import CHILD_PROTECTION

from . import uic as uic_module
from .models import (
    Client,
    ClientStatus,
    Consent,
    DataSubjectRequest,
    PopulationGroup,
    UnmaskGrant,
)


def _scope_q(user: Any) -> Q | None:
    groups = scope.peer_group_ids(user)
    models = scope.support_model_ids(user)
    if not groups and not models:
        return None
    return Q(peer_group_id__in=groups) | Q(peer_group__support_model_id__in=models)


def clients_for(user: Any) -> QuerySet[Client]:
    """Clients the user may open (erased ones included: their pseudonymous record stays)."""
    cond = _scope_q(user)
    if cond is None:
        return Client.objects.none()
    return Client.objects.filter(cond).select_related("peer_group", "commune", "province")


def group_clients(user: Any) -> QuerySet[Client]:
    """Clients of the user's own peer groups (as peer educator or leader): those they log
    contacts with and follow up."""
    return clients_for(user).filter(peer_group_id__in=scope.peer_group_ids(user))


def get_client(user: Any, public_id: Any) -> Client:
    return get_object_or_404(clients_for(user), public_id=public_id)


def registration_groups(user: Any) -> QuerySet[Any]:
    """Peer groups the user may register clients in (their own, as peer or leader)."""
    from programs.models import PeerGroup

    return PeerGroup.objects.filter(pk__in=scope.peer_group_ids(user)).select_related(
        "support_model__province", "support_model__lead_organisation"
    )


def is_group_member_of(user: Any, client: Client) -> bool:
    return client.peer_group_id in scope.peer_group_ids(user)


def active_unmask(user: Any, client: Client) -> UnmaskGrant | None:
    if client.peer_group.support_model_id not in scope.support_model_ids(user):
        return None
    return (
        UnmaskGrant.objects.filter(user=user, client=client, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def can_see_identity(user: Any, client: Client) -> bool:
    """Own group's peers and leaders; a coordinator only while an unmask grant lasts."""
    if is_group_member_of(user, client):
        return True
    return active_unmask(user, client) is not None


def can_unmask(user: Any, client: Client) -> bool:
    return not is_group_member_of(
        user, client
    ) and client.peer_group.support_model_id in scope.support_model_ids(user)


def can_erase(user: Any, client: Client) -> bool:
    if client.peer_group_id in scope.peer_group_ids(user, Role.GROUP_LEADER):
        return True
    return client.peer_group.support_model_id in scope.support_model_ids(user)


def can_edit(user: Any, client: Client) -> bool:
    """Correcting a client's record: their group's peers and leaders, or an unmasked
    coordinator (correction may touch identity)."""
    return can_see_identity(user, client)


# --- Consent -------------------------------------------------------------------------


def _active_consents(client: Client, purpose: str) -> QuerySet[Consent]:
    return Consent.objects.filter(client=client, purpose=purpose, withdrawn_at__isnull=True)


def may_follow_up(client: Client, consents: Sequence[Consent] | None = None) -> bool:
    """False once the client withdrew consent to follow-up (no reminders, no contact), or
    is deceased. `consents`: all the client's consents, when the caller has just read them
    (the client's page lists them), so they are not asked for again."""
    if client.status == ClientStatus.DECEASED:
        return False
    if consents is not None:
        return any(
            c.purpose == Consent.Purpose.FOLLOW_UP and c.withdrawn_at is None for c in consents
        )
    return _active_consents(client, Consent.Purpose.FOLLOW_UP).exists()


def may_contact_by_phone(client: Client) -> bool:
    if client.is_erased or not may_follow_up(client):
        return False
    return _active_consents(client, Consent.Purpose.PHONE_CONTACT).exists()


def has_sharing_consent(client: Client, provider_org: Any) -> bool:
    """Consent, not withdrawn, to share this client's referral with this provider."""
    if provider_org is None:
        return False
    return (
        _active_consents(client, Consent.Purpose.SHARE_PROVIDER)
        .filter(provider_id=getattr(provider_org, "pk", provider_org))
        .exists()
    )


# --- Duplicates and look-ups ---------------------------------------------------------


def possible_duplicates(*, uic: str, province_code: str, phone: str = "") -> QuerySet[Client]:
    """Same UIC in the same province, or the same phone (both through their blind
    indexes: `uic` is the UIC's keyed hash, clients.uic.uic_index)."""
    cond = Q(uic=uic, province_id=province_code)
    phone_idx = blind_index("phone", phone) if phone else ""
    if phone_idx:
        cond |= Q(phone_index=phone_idx)
    return Client.objects.filter(cond).select_related("peer_group").order_by("short_code")


def find_by_code(user: Any, term: str) -> list[Client]:
    """Clients in the user's scope whose short code or UIC is the term typed."""
    code = uic_module.normalise(term)
    if not code:
        return []
    uic = uic_module.uic_index(code)
    return list(clients_for(user).filter(Q(short_code=code) | Q(uic=uic))[:20])


# --- Lists ---------------------------------------------------------------------------


# What a row of the client list shows (clients/client_list.html), and nothing more: the
# encrypted identity, its key and indexes stay in the database.
CLIENT_LIST_COLUMNS = (
    "public_id",
    "short_code",
    "is_minor_at_registration",
    "status",
    "erased_at",
    "birth_year",
    "sex",
    "registered_on",
    "peer_group__name",
    "commune__name",
)


def client_list(user: Any) -> QuerySet[Client]:
    return (
        clients_for(user)
        .select_related(None)
        .select_related("peer_group", "commune")
        .only(*CLIENT_LIST_COLUMNS)
        .prefetch_related(
            Prefetch(
                "population_groups",
                PopulationGroup.objects.all(),
                to_attr="listed_population_groups",
            )
        )
        .order_by("-registered_on", "short_code")
    )


def status_history(client: Client) -> QuerySet[Any]:
    return client.status_history.select_related("changed_by")


def consents_of(client: Client) -> QuerySet[Consent]:
    return client.consents.select_related("provider", "taken_by", "withdrawn_by")


def sharing_providers(client: Client) -> QuerySet[Any]:
    """Service providers a client may consent to share with: those of the group's province."""
    from programs.models import Organisation

    return Organisation.objects.filter(
        kind=Organisation.Kind.SERVICE_PROVIDER,
        province_id=client.province_id,
        active=True,
    )


def requests_of(client: Client) -> QuerySet[DataSubjectRequest]:
    return client.data_requests.select_related("created_by", "closed_by")


def open_requests_for(user: Any) -> QuerySet[DataSubjectRequest]:
    """Open data-subject requests a coordinator (or group leader) must see until closed."""
    models = scope.support_model_ids(user)
    groups = scope.peer_group_ids(user, Role.GROUP_LEADER)
    if not models and not groups:
        return DataSubjectRequest.objects.none()
    return (
        DataSubjectRequest.objects.filter(closed_at__isnull=True)
        .filter(
            Q(client__peer_group__support_model_id__in=models) | Q(client__peer_group_id__in=groups)
        )
        .select_related("client", "created_by")
        .order_by("due_on", "id")
    )


def get_request(user: Any, pk: int) -> DataSubjectRequest:
    qs = DataSubjectRequest.objects.filter(client__in=clients_for(user)).select_related("client")
    return get_object_or_404(qs, pk=pk)


def cutoff_year_for_minor(today: date | None = None) -> int:
    """Clients born after this year are under 18 (by birth year)."""
    return (today or date.today()).year - 18


# --- Minors and child protection -----------------------------------------------------
# A client under 18 needs a child-protection referral. They are covered once one is sent,
# accepted or completed, or once a child-protection service is recorded for them; a
# declined, cancelled, expired or missed referral leaves them uncovered.
CHILD_PROTECTION_COVERING_STATUSES = ("sent", "accepted", "completed")
# Minors no longer followed here (moved away, deceased) drop off the follow-up list.
MINOR_FOLLOW_UP_EXCLUDED = (ClientStatus.MOVED, ClientStatus.DECEASED)


def _child_protection_covered() -> Q:
    # Imported here: the referrals app builds on this one (it imports these queries).
    from referrals.models import Referral, ServiceDelivery

    referred = Referral.objects.filter(
        client_id=OuterRef("pk"),
        service_type=CHILD_PROTECTION,
        status__in=CHILD_PROTECTION_COVERING_STATUSES,
    )
    delivered = ServiceDelivery.objects.filter(
        client_id=OuterRef("pk"), service_type=CHILD_PROTECTION
    )
    return Q(Exists(referred)) | Q(Exists(delivered))


def has_child_protection(client: Client) -> bool:
    """True once the client has a child-protection referral (sent, accepted or completed)
    or a child-protection service recorded."""
    return Client.objects.filter(pk=client.pk).filter(_child_protection_covered()).exists()


def minors_awaiting_child_protection(user: Any) -> QuerySet[Client]:
    """Clients under 18 (by birth year) who have no child-protection referral yet, for
    group leaders (their groups) and coordinators (their models' groups). Callers show
    codes only, never identity."""
    models = scope.support_model_ids(user)
    groups = scope.peer_group_ids(user, Role.GROUP_LEADER)
    if not models and not groups:
        return Client.objects.none()
    return (
        clients_for(user)
        .filter(Q(peer_group__support_model_id__in=models) | Q(peer_group_id__in=groups))
        .filter(birth_year__gt=cutoff_year_for_minor())
        .exclude(status__in=MINOR_FOLLOW_UP_EXCLUDED)
        .exclude(_child_protection_covered())
        .order_by("registered_on", "short_code")
    )
