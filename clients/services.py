"""Every write to the client registry: one function per use case, in a transaction, with
its audit entry. Audit entries name fields and counts, never identifying values."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
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
from core.crypto import (
    DecryptionError,
    EncryptedIdentity,
    blind_index,
    name_token_indexes,
    normalise_phone,
)
from core.keys import note_erasure
from core.registry import run_erasure_hooks
from geo.models import Commune
from programs.models import Establishment, Organisation, PeerGroup

from . import queries
from .models import (
    Client,
    ClientIdentityToken,
    ClientStatus,
    ClientStatusChange,
    Consent,
    DataSubjectRequest,
    PopulationGroup,
    UnmaskGrant,
)
from .uic import build_uic, uic_index

# Unambiguous when read aloud or written by hand: no 0/O, 1/I/L.
SHORT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SHORT_CODE_LENGTH = 6
IDENTITY_FIELDS = ("name", "nickname", "phone", "notes")


class PossibleDuplicate(ValidationError):
    """Registration stopped: a client within the user's own scope has the same UIC (same
    province) or the same phone. `matches` holds only those (the user may open them);
    a match outside the user's scope never stops a registration nor shows in any answer
    (the coordinators of both records are told: `_notify_possible_duplicate`)."""

    def __init__(self, matches: Sequence[Client]) -> None:
        super().__init__(_("This client may already be registered."), code="duplicate")
        self.matches = list(matches)


class TooManyDuplicateChecks(ValidationError):
    """The user ran more duplicate checks this hour than allowed (look-ups are rate-limited
    so that registering cannot be used to probe who is registered)."""


DUPLICATE_CHECK = "clients.duplicate_check"


def _duplicate_checks_per_hour() -> int:
    return int(str(settings.CAUNOI.get("DUPLICATE_CHECKS_PER_HOUR", 30)))


def _count_duplicate_check(actor: User) -> None:
    """Count one look-up in the database (core.ratelimit), in the registration's
    transaction: the limit holds across every worker process and server."""
    from core import ratelimit

    limit = _duplicate_checks_per_hour()
    if not ratelimit.spend(actor, DUPLICATE_CHECK, limit=limit):
        raise TooManyDuplicateChecks(
            _(
                "You have registered or checked too many clients this hour (%(limit)s). Wait "
                "until the next hour, or ask your coordinator. What you typed is kept."
            )
            % {"limit": limit},
            code="rate_limited",
        )


def duplicate_check_recount(*, actor: User) -> None:
    """Count again the look-up of a registration refused with PossibleDuplicate: its
    count rolled back with the registration. Called by the view once the refused
    transaction has ended, so that this count is kept."""
    from core import ratelimit

    ratelimit.spend(actor, DUPLICATE_CHECK, limit=_duplicate_checks_per_hour())


def _notify_possible_duplicate(*, client: Client, others: Sequence[Client]) -> None:
    """A new registration matches clients outside the registering user's scope: tell the
    coordinators of each record, each with a link to the record of their own model only,
    so that they can check together whether it is one person (counted once). No name,
    phone, code or UIC in the text: only the other side's support model, to contact."""
    from django.urls import reverse
    from django.utils import translation

    from accounts.models import Grant, Role
    from notifications.services import notify

    def coordinators(support_model_id: int) -> list[Any]:
        grants = Grant.objects.filter(
            role=Role.COORDINATOR, support_model_id=support_model_id, active=True
        ).select_related("user")
        return list({g.user_id: g.user for g in grants if g.user.is_active}.values())

    def tell(record: Client, other_model: Any) -> None:
        for user in coordinators(record.peer_group.support_model_id):
            with translation.override(getattr(user, "language", "") or "vi"):
                notify(
                    user=user,
                    kind="clients.possible_duplicate",
                    title=_("A client of your model may also be registered in another model"),
                    body=_(
                        "A registration in the model “%(model)s” matches a client of your "
                        "model (same UIC or phone). Open the record, then agree with that "
                        "model's coordinator whether it is one person."
                    )
                    % {"model": other_model.name},
                    url=reverse("clients:detail", args=[record.public_id]),
                )

    new_model = client.peer_group.support_model
    for other in others:
        other_model = other.peer_group.support_model
        tell(other, new_model)
        tell(client, other_model)


def refuse_identifying(*, client: Client, field: str, text: str) -> None:
    """A note or reason about a client (a status note, a request's note and answer, an
    unmask or erasure reason) is shown and kept in plain text, to people who may not see
    the identity (a coordinator before a tap, the audit log after an erasure): it may not
    hold the client's name, nickname, phone or code, nor anything shaped like a name or a
    phone number. Screened like a safety alert, through the client's own blind indexes
    (safety.screening); refused with what to remove, per field."""
    from core.text import fold
    from safety.screening import screen_alert

    if not text:
        return
    messages: list[str] = []
    if client.short_code and fold(client.short_code) in fold(text):
        messages.append(_("Remove the client's code: write the note without it."))
    # The client's own identity and the patterns only: a refusal for another client's
    # name would tell the author that this name is registered somewhere.
    for finding in screen_alert(fields={field: text}, victim=client, everyone=False):
        if finding.kind == "phone":
            messages.append(
                _("Remove “%(text)s”: a note never gives a phone number.")
                % {"text": finding.fragment}
            )
        else:
            messages.append(
                _(
                    "Remove “%(text)s”: it looks like a person's name. A note never names "
                    "anyone; the identity is kept encrypted in its own fields."
                )
                % {"text": finding.fragment}
            )
    if messages:
        raise ValidationError({field: messages})


def new_short_code() -> str:
    for _attempt in range(50):
        code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))
        if not Client.objects.filter(short_code=code).exists():
            return code
    raise RuntimeError("could not draw a free short code")  # pragma: no cover


def identity_fields(
    *, name: str = "", nickname: str = "", phone: str = "", notes: str = ""
) -> dict[str, str]:
    return {
        "name": (name or "").strip(),
        "nickname": (nickname or "").strip(),
        "phone": normalise_phone(phone or ""),
        "notes": (notes or "").strip(),
    }


def _apply_identity(client: Client, fields: dict[str, str]) -> None:
    """Encrypt identity onto the client under a fresh data key and refresh the blind
    indexes. All empty → no key and no blob at all. A replaced data key is destroyed like
    an erased one (note_erasure): a corrected phone or name left in a dead row, the WAL or
    a backup becomes unreadable at the next master key rotation, as erased ones do."""
    replaced = bool(client.wrapped_key)
    if not any(fields.values()):
        client.wrapped_key = None
        client.identity_blob = None
    else:
        client.wrapped_key, client.identity_blob = EncryptedIdentity.seal(
            fields, client.crypto_context
        )
    if replaced:
        note_erasure()
    client.phone_index = blind_index("phone", fields["phone"])
    client.name_index = blind_index("name", fields["name"])


def store_identity_tokens(client: Client, fields: dict[str, str]) -> None:
    """Replace the client's name-token blind indexes (the client must be saved)."""
    ClientIdentityToken.objects.filter(client=client).delete()
    ClientIdentityToken.objects.bulk_create(
        [
            ClientIdentityToken(client=client, index=index)
            for index in sorted(name_token_indexes(fields["name"], fields["nickname"]))
        ]
    )


def _locked(client: Client) -> Client:
    """A fresh copy of the client's row, locked until the transaction ends. Every write of
    a client starts here: what the caller loaded may be stale (an erasure may have
    committed since), and only the locked copy is read, changed and saved."""
    return Client.objects.select_for_update().get(pk=client.pk)


def _refresh(target: Client, source: Client) -> None:
    """Bring the caller's object up to date with what was saved."""
    for field in Client._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _is_minor(birth_year: int, on: date) -> bool:
    return on.year - birth_year < 18


@dataclass(frozen=True)
class ClientDetails:
    """A client as registration gives them. The names are used for the UIC only (never
    stored); name, nickname, phone and notes are stored encrypted."""

    peer_group: PeerGroup
    given_name: str
    birth_year: int
    sex: str
    consent_follow_up: bool
    consent_method: str
    mother_given_name: str = ""
    family_name: str = ""
    gender_identity: str = "not_stated"
    population_groups: Iterable[PopulationGroup] = ()
    commune: Commune | None = None
    establishment: Establishment | None = None
    name: str = ""
    nickname: str = ""
    phone: str = ""
    notes: str = ""
    consent_phone: bool = False
    share_with: Iterable[Organisation] = ()
    registered_on: date | None = None


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
    if not register_anyway:
        _count_duplicate_check(actor)
    all_matches = list(
        queries.possible_duplicates(uic=uic, province_code=province.pk, phone=details.phone)[:20]
    )
    visible = set(
        queries.clients_for(actor)
        .filter(pk__in=[m.pk for m in all_matches])
        .values_list("pk", flat=True)
    )
    if not register_anyway and visible:
        raise PossibleDuplicate([m for m in all_matches if m.pk in visible])
    outside = [m for m in all_matches if m.pk not in visible]
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
    _apply_identity(client, fields)
    client.save()
    store_identity_tokens(client, fields)
    client.population_groups.set(list(details.population_groups))
    ClientStatusChange.objects.create(
        client=client, status=ClientStatus.ACTIVE, changed_on=today, changed_by=actor
    )
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
    Consent.objects.bulk_create(consents)
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
        _notify_possible_duplicate(client=client, others=outside)
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
    client = _locked(client)
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
        before = _open(client)
        fields = identity_fields(**identity)
        if before != fields:
            _apply_identity(client, fields)
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
    _refresh(caller, client)
    return caller


def _open(client: Client) -> dict[str, str]:
    if not client.has_identity:
        return identity_fields()
    return EncryptedIdentity.open(client.wrapped_key, client.identity_blob, client.crypto_context)


@transaction.atomic
def client_identity(*, actor: User, client: Client, reason: str = "") -> dict[str, str]:
    """Decrypt a client's identity for display. Every reading is audited ("view")."""
    if not client.has_identity:
        return identity_fields()
    try:
        fields = _open(client)
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
            identity = _open(client)
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
    client = _locked(client)
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
    client = _locked(client)
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
    _refresh(caller, client)
    return change


@transaction.atomic
def client_erase(*, actor: User, client: Client, reason: str) -> Client:
    """Destroy the client's wrapped data key and encrypted identity: the name, nickname,
    phone and notes can no longer be recovered, even with the master key. The pseudonymous
    record and everything counted in reports stay. Closes open erasure requests."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Write why this identity is erased.")})
    caller = client
    # The lock makes an edit in flight wait for the erasure (and re-read it), and an
    # erasure wait for an edit in flight (and then destroy what it wrote).
    client = _locked(client)
    # The reason outlives the identity (in the audit log): it may not hold it.
    refuse_identifying(client=client, field="reason", text=reason)
    if client.is_erased:
        _refresh(caller, client)
        return caller
    had = [k for k in ("wrapped_key", "identity_blob") if getattr(client, k)]
    client.wrapped_key = None
    client.identity_blob = None
    client.phone_index = ""
    client.name_index = ""
    client.erased_at = timezone.now()
    client.save(
        update_fields=[
            "wrapped_key",
            "identity_blob",
            "phone_index",
            "name_index",
            "erased_at",
            "updated_at",
        ]
    )
    UnmaskGrant.objects.filter(client=client).delete()
    ClientIdentityToken.objects.filter(client=client).delete()
    # Free text about the client elsewhere may identify them: blank it too, here and
    # in the apps that registered an erasure hook (referrals, safety).
    ClientStatusChange.objects.filter(client=client).update(note="")
    DataSubjectRequest.objects.filter(client=client).update(note="")
    run_erasure_hooks(client)
    note_erasure()  # the next master key rotation makes it final for every copy
    closed = DataSubjectRequest.objects.filter(
        client=client, kind=DataSubjectRequest.Kind.ERASE, closed_at__isnull=True
    ).update(closed_at=client.erased_at, closed_by=actor)
    audit_record(
        actor=actor,
        action="erase",
        obj=client,
        changes={"destroyed": had, "requests_closed": closed},
        reason=reason,
    )
    _refresh(caller, client)
    return caller


# --- Consent -------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    actor: User,
    client: Client,
    purpose: str,
    method: str,
    provider: Any = None,
    taken_at: Any = None,
) -> Consent:
    if purpose not in Consent.Purpose.values:
        raise ValidationError({"purpose": _("Choose a purpose from the list.")})
    if method not in Consent.Method.values:
        raise ValidationError({"method": _("Choose how the consent was given.")})
    if purpose == Consent.Purpose.SHARE_PROVIDER and provider is None:
        raise ValidationError({"provider": _("Name the provider the client agrees to share with.")})
    if purpose != Consent.Purpose.SHARE_PROVIDER:
        provider = None
    _locked(client)  # serialise with erasure and other writes of this client
    existing = Consent.objects.filter(
        client=client, purpose=purpose, provider=provider, withdrawn_at__isnull=True
    ).first()
    if existing:
        return existing
    consent = Consent.objects.create(
        client=client,
        purpose=purpose,
        provider=provider,
        method=method,
        taken_by=actor,
        taken_at=taken_at or timezone.now(),
    )
    audit_record(
        actor=actor,
        action="create",
        obj=consent,
        changes={"purpose": purpose, "method": method, "client": client.pk},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent) -> Consent:
    """Withdrawing follow-up consent stops reminders and contact (queries.may_follow_up).
    Sent twice (a double tap, a resend, two at once): the row is locked and read again,
    so the second send finds it withdrawn and is answered the same, with one audit row."""
    Client.objects.select_for_update().filter(pk=consent.client_id).first()
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(
        actor=actor,
        action="update",
        obj=consent,
        changes={"withdrawn": consent.purpose, "client": consent.client_id},
    )
    return consent


# --- Data-subject requests -----------------------------------------------------------


@transaction.atomic
def request_record(
    *, actor: User, client: Client, kind: str, received_on: date, note: str = ""
) -> DataSubjectRequest:
    if kind not in DataSubjectRequest.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of request.")})
    if _locked(client).is_erased:
        note = ""  # free text about an erased client is not kept (see client_erase)
    note = (note or "").strip()
    refuse_identifying(client=client, field="note", text=note)
    due = received_on + timedelta(days=DataSubjectRequest.DUE_DAYS[DataSubjectRequest.Kind(kind)])
    request = DataSubjectRequest.objects.create(
        client=client,
        kind=kind,
        received_on=received_on,
        due_on=due,
        note=note,
        created_by=actor,
    )
    audit_record(actor=actor, action="create", obj=request, changes={"kind": kind})
    return request


@transaction.atomic
def request_close(
    *, actor: User, request: DataSubjectRequest, note: str = ""
) -> DataSubjectRequest:
    locked_client = Client.objects.select_for_update().get(pk=request.client_id)
    request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    if request.closed_at is not None:
        return request
    if locked_client.is_erased:
        note = ""
    note = (note or "").strip()
    refuse_identifying(client=locked_client, field="note", text=note)
    request.closed_at = timezone.now()
    request.closed_by = actor
    if note:
        request.note = (f"{request.note} — {note}" if request.note else note)[:300]
    request.save(update_fields=["closed_at", "closed_by", "note"])
    audit_record(actor=actor, action="update", obj=request, changes={"closed": True})
    return request


@transaction.atomic
def client_export(*, actor: User, client: Client) -> str:
    """The client's own data as a readable UTF-8 HTML document (audited "export")."""
    from . import queries as q

    identity = _open(client) if client.has_identity else identity_fields()
    contacts: list[Any] = []
    try:
        from outreach.queries import contacts_of_client

        contacts = list(contacts_of_client(client))
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
