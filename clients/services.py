"""Every write to the client registry: one function per use case, in a transaction, with
its audit entry. Audit entries name fields and counts, never identifying values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record, audit_view
from core.crypto import DecryptionError
from geo.models import Commune
from programs.models import Establishment, Organisation, PeerGroup

from . import queries
from .duplicates import duplicates_outside_scope, notify_possible_duplicate
from .models import Client, ClientStatus, ClientStatusChange, Consent, PopulationGroup, UnmaskGrant
from .records import (
    IDENTITY_FIELDS,
    apply_identity,
    identity_fields,
    lock_client,
    new_short_code,
    open_identity,
    refresh_client,
    refuse_identifying,
    store_identity_tokens,
)
from .uic import build_uic, uic_index


def _is_minor(birth_year: int, on: date) -> bool:
    return on.year - birth_year < 18


@dataclass(frozen=True, kw_only=True)
class ClientCodeDetails:
    """What every registration asks, however the client is met (face to face, or on the
    hotline): the group that follows them up, the names that build the UIC only (never
    stored), the year of birth, the counted identity and the follow-up consent."""

    peer_group: PeerGroup
    given_name: str
    birth_year: int
    sex: str
    consent_follow_up: bool
    mother_given_name: str = ""
    family_name: str = ""
    gender_identity: str = "not_stated"
    population_groups: Iterable[PopulationGroup] = ()


@dataclass(frozen=True, kw_only=True)
class ClientDetails(ClientCodeDetails):
    """A client as registration gives them. Name, nickname, phone and notes are stored
    encrypted."""

    consent_method: str
    commune: Commune | None = None
    establishment: Establishment | None = None
    name: str = ""
    nickname: str = ""
    phone: str = ""
    notes: str = ""
    consent_phone: bool = False
    share_with: Iterable[Organisation] = ()
    registered_on: date | None = None


def _registration_consents(actor: User, client: Client, details: ClientDetails) -> list[Consent]:
    """The consents a registration takes: follow-up always, phone contact and sharing with
    each provider as the client agreed."""
    now = timezone.now()
    consents = [Consent(purpose=Consent.Purpose.FOLLOW_UP)]
    if details.consent_phone:
        consents.append(Consent(purpose=Consent.Purpose.PHONE_CONTACT))
    consents += [
        Consent(purpose=Consent.Purpose.SHARE_PROVIDER, provider=p) for p in details.share_with
    ]
    for consent in consents:
        consent.client = client
        consent.method = details.consent_method
        consent.taken_by = actor
        consent.taken_at = now
    return consents


@transaction.atomic
def client_register(
    *, actor: User, details: ClientDetails, register_anyway: bool = False, reason: str = ""
) -> Client:
    """Register a client under a UIC and a fresh short code. The names used for the UIC are
    not stored. Raises PossibleDuplicate unless `register_anyway`; `reason` (why a possible
    duplicate is registered anyway, say) goes to the audit entry."""
    if not details.consent_follow_up:
        raise ValidationError(
            {"consent_follow_up": _("The client must agree to registration before you continue.")}
        )
    today = details.registered_on or timezone.localdate()
    if not 1900 < details.birth_year <= today.year:
        raise ValidationError({"birth_year": _("Enter a year of birth between 1900 and now.")})
    province = details.peer_group.support_model.province
    uic = uic_index(
        build_uic(
            given_name=details.given_name,
            mother_given_name=details.mother_given_name,
            family_name=details.family_name,
            birth_year=details.birth_year,
            sex=details.sex,
        )
    )
    outside = duplicates_outside_scope(
        actor=actor,
        uic=uic,
        province_code=province.pk,
        phone=details.phone,
        register_anyway=register_anyway,
    )
    client = Client(
        short_code=new_short_code(),
        uic=uic,
        peer_group=details.peer_group,
        province=province,
        commune=details.commune,
        establishment=details.establishment,
        birth_year=details.birth_year,
        sex=details.sex,
        gender_identity=details.gender_identity,
        is_minor_at_registration=_is_minor(details.birth_year, today),
        registered_on=today,
        registered_by=actor,
    )
    fields = identity_fields(
        name=details.name, nickname=details.nickname, phone=details.phone, notes=details.notes
    )
    apply_identity(client, fields)
    client.save()
    store_identity_tokens(client, fields)
    client.population_groups.set(list(details.population_groups))
    ClientStatusChange.objects.create(
        client=client, status=ClientStatus.ACTIVE, changed_on=today, changed_by=actor
    )
    consents = Consent.objects.bulk_create(_registration_consents(actor, client, details))
    audit_record(
        actor=actor,
        action="create",
        obj=client,
        changes={
            "identity_fields": [k for k, v in fields.items() if v],
            "consents": [c.purpose for c in consents],
            "minor": client.is_minor_at_registration,
            "duplicate_overridden": register_anyway,
            "duplicates_outside_scope": len(outside),
        },
        reason=reason.strip(),
    )
    if outside:
        notify_possible_duplicate(client=client, others=outside)
    return client


@transaction.atomic
def client_update(
    *,
    actor: User,
    client: Client,
    birth_year: int,
    sex: str,
    gender_identity: str,
    population_groups: Iterable[PopulationGroup],
    commune: Any,
    establishment: Any,
    identity: dict[str, str] | None = None,
    given_name: str = "",
    mother_given_name: str = "",
    family_name: str = "",
) -> Client:
    """Correct a client's record. Identity is replaced only when `identity` is given; the
    UIC is rebuilt only when the names it is built from are typed again.

    The row is locked and read again first, and only the changed columns are written: an
    erasure that committed after the caller loaded the client always wins (identity given
    for an erased client is refused, and nothing stale is written back)."""
    caller = client
    client = lock_client(client)
    if identity is not None and client.is_erased:
        raise ValidationError(_("This client's identity was erased and cannot be re-entered."))
    changed: list[str] = []
    columns: list[str] = []
    for field, value in (
        ("birth_year", birth_year),
        ("sex", sex),
        ("gender_identity", gender_identity),
        ("commune", commune),
        ("establishment", establishment),
    ):
        if getattr(client, field) != value:
            setattr(client, field, value)
            changed.append(field)
            columns.append(field)
    if given_name:
        uic = uic_index(
            build_uic(
                given_name=given_name,
                mother_given_name=mother_given_name,
                family_name=family_name,
                birth_year=client.birth_year,
                sex=client.sex,
            )
        )
        if uic != client.uic:
            client.uic = uic
            changed.append("uic")
            columns.append("uic")
    if identity is not None:
        before = open_identity(client)
        fields = identity_fields(**identity)
        if before != fields:
            apply_identity(client, fields)
            changed += [k for k in IDENTITY_FIELDS if before.get(k, "") != fields[k]]
            columns += ["wrapped_key", "identity_blob", "phone_index", "name_index"]
    if columns:
        client.save(update_fields=[*columns, "updated_at"])
    if identity is not None and ("name" in changed or "nickname" in changed):
        store_identity_tokens(client, fields)
    groups = set(population_groups)
    if groups != set(client.population_groups.all()):
        client.population_groups.set(groups)
        changed.append("population_groups")
    audit_record(actor=actor, action="update", obj=client, changes={"fields": sorted(changed)})
    refresh_client(caller, client)
    return caller


@transaction.atomic
def client_identity(*, actor: User, client: Client, reason: str = "") -> dict[str, str]:
    """Decrypt a client's identity for display. Every reading is audited ("view")."""
    if not client.has_identity:
        return identity_fields()
    try:
        fields = open_identity(client)
    except DecryptionError:
        return identity_fields()
    audit_record(
        actor=actor,
        action="view",
        obj=client,
        changes={"fields": [k for k, v in fields.items() if v]},
        reason=reason,
    )
    return fields


@transaction.atomic
def client_view(
    *, actor: User, client: Client, page: str, with_identity: bool
) -> dict[str, str] | None:
    """Record one opening of a page that shows this client's record ("view"), and open the
    identity when the page shows it. One audit entry per page view, masked or not; it names
    the fields shown, never their values."""
    identity: dict[str, str] | None = None
    changes: dict[str, Any] = {"masked": not with_identity}
    if with_identity:
        try:
            identity = open_identity(client)
        except DecryptionError:
            identity = identity_fields()
        changes["fields"] = [k for k, v in identity.items() if v]
    audit_view(actor=actor, obj=client, page=page, changes=changes)
    return identity


@transaction.atomic
def client_unmask(*, actor: User, client: Client, reason: str) -> UnmaskGrant:
    """A coordinator sees one client's identity for UNMASK_MINUTES, for a written reason."""
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Write why you need to see this identity.")})
    client = lock_client(client)
    refuse_identifying(client=client, field="reason", text=reason)
    if not queries.can_unmask(actor, client):
        raise ValidationError(_("You cannot unmask this client."))
    minutes = int(str(settings.CAUNOI.get("UNMASK_MINUTES", 15)))
    grant = UnmaskGrant.objects.create(
        user=actor,
        client=client,
        reason=reason,
        expires_at=timezone.now() + timedelta(minutes=minutes),
    )
    audit_record(
        actor=actor, action="unmask", obj=client, changes={"minutes": minutes}, reason=reason
    )
    return grant


@transaction.atomic
def client_status_change(
    *, actor: User, client: Client, status: str, changed_on: date, note: str = ""
) -> ClientStatusChange:
    if status not in ClientStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    caller = client
    client = lock_client(client)
    if client.is_erased:
        note = ""  # free text about an erased client is not kept (see client_erase)
    note = (note or "").strip()
    refuse_identifying(client=client, field="note", text=note)
    if status == client.status:
        last = client.status_history.order_by("-id").first()
        if (
            last is not None
            and last.changed_by_id == actor.pk
            and (last.status, last.changed_on, last.note) == (status, changed_on, note)
        ):
            return last  # a resend of this very change: answered as the first one was
        raise ValidationError({"status": _("The client already has this status.")})
    if changed_on < client.registered_on or changed_on > timezone.localdate():
        raise ValidationError({"changed_on": _("The date must be between registration and today.")})
    change = ClientStatusChange.objects.create(
        client=client, status=status, changed_on=changed_on, changed_by=actor, note=note
    )
    before = client.status
    client.status = status
    client.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="update",
        obj=client,
        changes={"status": [before, status]},
    )
    refresh_client(caller, client)
    return change


@transaction.atomic
def client_export(*, actor: User, client: Client) -> str:
    """The client's own data as a readable UTF-8 HTML document (audited "export")."""
    from . import queries as q

    identity = open_identity(client) if client.has_identity else identity_fields()
    contacts: list[Any] = []
    try:
        from outreach.queries import contacts_of_client, with_handed_out

        contacts = with_handed_out(list(contacts_of_client(client)))
    except ImportError:  # pragma: no cover
        contacts = []
    html = render_to_string(
        "clients/export.html",
        {
            "client": client,
            "identity": identity,
            "population_groups": list(client.population_groups.all()),
            "consents": list(q.consents_of(client)),
            "history": list(q.status_history(client)),
            "requests": list(q.requests_of(client)),
            "contacts": contacts,
            "generated_at": timezone.now(),
        },
    )
    audit_record(
        actor=actor,
        action="export",
        obj=client,
        changes={"identity_fields": [k for k, v in identity.items() if v]},
    )
    return html
