"""What every write of a client's record shares: the identity sealed under a data key and
opened again, the short code, the lock on the client's row, and the screening of free text
about the client (notes and reasons, kept in plain text)."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.crypto import EncryptedIdentity, blind_index, name_token_indexes, normalise_phone
from core.keys import note_erasure

from .models import Client, ClientIdentityToken

# Unambiguous when read aloud or written by hand: no 0/O, 1/I/L.
SHORT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SHORT_CODE_LENGTH = 6
IDENTITY_FIELDS = ("name", "nickname", "phone", "notes")


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


def apply_identity(client: Client, fields: dict[str, str]) -> None:
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


def lock_client(client: Client) -> Client:
    """A fresh copy of the client's row, locked until the transaction ends. Every write of
    a client starts here: what the caller loaded may be stale (an erasure may have
    committed since), and only the locked copy is read, changed and saved."""
    return Client.objects.select_for_update().get(pk=client.pk)


def refresh_client(target: Client, source: Client) -> None:
    """Bring the caller's object up to date with what was saved."""
    for field in Client._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def open_identity(client: Client) -> dict[str, str]:
    if not client.has_identity:
        return identity_fields()
    return EncryptedIdentity.open(client.wrapped_key, client.identity_blob, client.crypto_context)
