"""One-time keys for every create: a double tap, a resend or a retry makes one record.

Every form that creates a record carries a hidden one-time key (`Once` adds it). The key is
consumed in the same transaction as the record (`run_once` inserts the `IdempotencyKey` row
first, then creates the record, then points the row at it):

- sent again (a double tap that arrived after the first commit, a resend after a lost
  answer, the browser's "resend form"): the key is found, and the view answers with the
  record already made, exactly as it answered the first time;
- sent twice at the same moment: the second insert of the key waits on the unique index
  until the first transaction ends (PostgreSQL; SQLite takes the write lock first), then
  fails, and the second request answers with the first one's record;
- refused (a form error, short stock): the transaction rolls back with the key, so the
  corrected form can be sent again under the same key.

A key belongs to the user who first sent it; another user's key is refused (`KeyTaken`;
the JSON API answers 409). The page form also remembers a keyed hash of what was posted:
the same key sent with other content (an old copy of the page, filled in again) is not a
resend, so it is not answered with the old record: the form is shown again with a fresh
key. Use:

    form = SomeForm(request.POST or None)
    once = Once(request, form)
    if once.ready():  # a valid new send, or a resend of one already recorded
        record = once.run(lambda: services.some_create(actor=request.user, **form.cleaned_data))
        return redirect(record)  # a resend answers exactly as the first send did
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID, uuid4

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .models import IdempotencyKey

if TYPE_CHECKING:
    from accounts.models import User  # settings.AUTH_USER_MODEL

FIELD = "once_key"
M = TypeVar("M")
R = TypeVar("R", bound=models.Model)  # a record earlier() looks for


class KeyTaken(ValidationError):
    """The key was sent before by another user (or its record is gone)."""

    def __init__(self) -> None:
        super().__init__(
            _("This form was already sent. Check what you entered and save again."),
            code="once_key_taken",
        )


class _Refused(Exception):
    """`create` refused (returned None): roll the key back with everything else."""


def parse_key(value: object) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def lookup(key: UUID) -> IdempotencyKey | None:
    return IdempotencyKey.objects.select_related("content_type").filter(key=key).first()


def earlier_record(row: IdempotencyKey, user: User, fingerprint: str = "") -> Any:
    """The record made under a key already consumed, when the same user sent the same
    content; KeyTaken otherwise. One read answers both questions, so a retry racing the
    first send can never be told "someone else's key". Any: the record of whichever model
    the key's `create` made (api/outreach.py relies on it being a contact)."""
    if row.user_id != user.pk or (fingerprint and row.fingerprint != fingerprint):
        raise KeyTaken
    record = row.stored()
    if record is None:
        raise KeyTaken
    return record


def run_once(
    *,
    user: User,
    key: UUID | None,
    create: Callable[[], M | None],
    fingerprint: str = "",
    looked_up: bool = False,
) -> tuple[M | None, bool]:
    """Run `create` under a one-time key. (record, True): made now; (record, False): made
    earlier under this key (a retry, or the winner of a race); (None, False): `create`
    refused and returned None, nothing kept. Raises KeyTaken for another user's key.

    `looked_up`: the caller has just looked the key up and found no row (Once), so it is
    not read again; a send that took the key since is met on the unique index below, as
    any concurrent send is."""
    if key is None:
        record = create()
        return record, record is not None
    row = None if looked_up else lookup(key)
    if row is not None:
        return earlier_record(row, user, fingerprint), False
    try:
        with transaction.atomic():
            # The key first: a concurrent second send waits here until this one ends.
            row = IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint)
            record = create()
            if record is None:
                raise _Refused
            row.content_type = ContentType.objects.get_for_model(record)  # type: ignore[arg-type]
            row.object_id = record.pk  # type: ignore[attr-defined]
            row.save(update_fields=["content_type", "object_id"])
    except _Refused:
        return None, False
    except IntegrityError:
        row = lookup(key)
        if row is None:  # another constraint failed, not the key's
            raise
        return earlier_record(row, user, fingerprint), False
    return record, True


def fingerprint(data: Any, *, field: str = FIELD) -> str:
    """A keyed hash of what a form posted (the CSRF token and the key left out)."""
    skip = {field, "csrfmiddlewaretoken"}
    pairs = data.lists() if hasattr(data, "lists") else data.items()
    items = sorted(
        (k, sorted(map(str, v if isinstance(v, list | tuple) else [v])))
        for k, v in pairs
        if k not in skip
    )
    return salted_hmac("caunoi.once", repr(items), algorithm="sha256").hexdigest()


def _now() -> datetime:
    return timezone.now()


def keyless_window() -> timedelta:
    """How long a keyless send of the same content counts as a resend."""
    minutes: Any = settings.CAUNOI.get("ONCE_KEYLESS_MINUTES")
    return timedelta(minutes=max(1, int(minutes or 10)))


def _derived(user: User, scope: str, fp: str, bucket: int) -> UUID:
    digest = salted_hmac(
        "caunoi.once.keyless", f"{user.pk}|{scope}|{fp}|{bucket}", algorithm="sha256"
    ).digest()
    return UUID(bytes=digest[:16], version=4)


def keyless(user: User, scope: str, fp: str) -> tuple[UUID, IdempotencyKey | None]:
    """The key of a send that carried none, and the key row of the same user's send of
    the same content (`fp`) to the same form (`scope`) within the window, if any.

    Time is cut into windows of `keyless_window()`: the key is derived from the current
    one, so two sends at the same moment meet on the unique index like two sends of a
    page's key. The previous window's key is looked up too (a resend just after a window
    boundary) and counts only while younger than one window."""
    window = keyless_window()
    now = _now()
    bucket = int(now.timestamp()) // int(window.total_seconds())
    current = _derived(user, scope, fp, bucket)
    for b in (bucket, bucket - 1):
        row = lookup(current if b == bucket else _derived(user, scope, fp, b))
        if row is not None and row.created_at > now - window:
            return current, row
    return current, None


def _user(request: HttpRequest) -> User:
    """The user sending a create form (every such page is behind login_required)."""
    return cast("User", request.user)


def _scope(request: HttpRequest, name: str) -> str:
    """Which form a keyless send went to: the path with its query (the record's id and
    any choice made in the address included) and the key field's name (two forms on one
    page have two prefixes). Only ever hashed, never stored."""
    return f"{request.get_full_path()}|{name}"


def earlier(
    request: HttpRequest, model: type[R], *, prefix: str = "", field: str = FIELD
) -> R | None:
    """The `model` record an earlier send of this very POST made (same key, same user,
    same content; without a key, the same content within the keyless window), or None:
    for a page that no longer shows the form that was sent."""
    name = f"{prefix}-{field}" if prefix else field
    fp = fingerprint(request.POST, field=name)
    key = parse_key(request.POST.get(name))
    if key is None:
        _key, row = keyless(_user(request), _scope(request, name), fp)
    else:
        row = lookup(key)
    if row is None:
        return None
    try:
        record = earlier_record(row, _user(request), fp)
    except KeyTaken:
        return None
    return record if isinstance(record, model) else None


class Once:
    """The one-time key of one create form on one request. It adds the hidden key field
    to the form (a fresh key on every new page; the posted key when the form comes back
    with errors), finds the record of an earlier send (`earlier`), and runs the create
    under the key (`run`)."""

    def __init__(
        self, request: HttpRequest, form: Any, *, field: str = FIELD, active: bool = True
    ) -> None:
        """`active=False` for a page that edits as well as creates, when it edits (saving
        the same edit twice changes nothing): no key, `run` simply runs."""
        self.user = _user(request)
        self.form = form
        self.field = field
        self.key: UUID | None = None
        self.earlier: Any = None
        self.fingerprint = ""
        # Whether `key` was looked up on this request and had no row (run need not again).
        self._absent = False
        if not active:
            return
        # A plain text field: a malformed key is simply no key, never a form error.
        form.fields[field] = forms.CharField(
            required=False, max_length=64, widget=forms.HiddenInput, initial=uuid4()
        )
        if request.method != "POST" or not form.is_bound:
            return
        name = form.add_prefix(field)
        self.key = parse_key(form.data.get(name))
        self.fingerprint = fingerprint(form.data, field=name)
        if self.key is None:
            # No key sent: derive one, so that a resend of the same content is one record.
            self.key, row = keyless(self.user, _scope(request, name), self.fingerprint)
            self._absent = row is None
            if row is not None:
                try:
                    self.earlier = earlier_record(row, self.user, self.fingerprint)
                except KeyTaken:
                    pass  # its record is gone: this send makes a new one (`run`)
            return
        row = lookup(self.key)
        if row is None:
            self._absent = True
            return
        try:
            self.earlier = earlier_record(row, self.user, self.fingerprint)
        except KeyTaken as exc:
            # Not a resend: an old copy of the page, filled in again. Show the form again
            # with what was typed and a fresh key, so that saving it records it.
            self.key = uuid4()
            form.data = form.data.copy()
            form.data[name] = str(self.key)
            form.add_error(None, exc)

    def ready(self) -> bool:
        """Go on to `run`: a resend of a form already recorded (`run` then answers with
        that record and creates nothing; the form is not validated again, since what it
        made may have changed what it would accept), or a valid new send."""
        if self.earlier is not None:
            return True
        return bool(self.form.is_bound and self.form.is_valid())

    @property
    def cleaned_data(self) -> dict[str, Any]:
        """The form's cleaned data, empty on a resend (the form was not validated again)."""
        return getattr(self.form, "cleaned_data", {})

    def run(self, create: Callable[[], M]) -> M:
        """`create` under the key (after `ready`): the record it made, or the record an
        earlier send of the same key made; None when it refused."""
        if self.earlier is not None:
            return self.earlier
        cleaned = getattr(self.form, "cleaned_data", None)
        if cleaned is not None:
            cleaned.pop(self.field, None)
        try:
            record, _created = run_once(
                user=self.user,
                key=self.key,
                create=create,
                fingerprint=self.fingerprint,
                looked_up=self._absent,
            )
        except KeyTaken:
            # At this very moment another user's send (a copied page), or this user's send
            # of other content, took the key: this is a send of its own, under a new key.
            # `create` has not run (the key is inserted first).
            self.key = uuid4()
            record, _created = run_once(
                user=self.user, key=self.key, create=create, fingerprint=self.fingerprint
            )
        return record  # type: ignore[return-value]
