"""The narrative of a periodic report is free text that travels up to the province and
the ministry and into signed documents: it must not carry a client identifier. Before a
narrative is saved it is checked for phone numbers, for anything shaped like a client's
short code, and for the short code or UIC of any registered client. The message never
repeats what was found (it may be an identifier)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from clients.models import Client
from clients.records import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH
from core.management.commands.scan_plaintext import PHONE

# Landlines too (0203 3825 123): 0 or +84, then 9 to 11 digits however spaced. Large
# amounts (300.000.000 đồng) do not start with 0 and stay allowed.
LONG_NUMBER = re.compile(r"(?<![0-9A-Za-z.,])(?:\+?84|0)(?:[ .\-]?\d){8,10}(?![0-9A-Za-z])")
_CODE_CHARS = re.escape(SHORT_CODE_ALPHABET)
SHORT_CODE_SHAPE = re.compile(
    rf"(?<![0-9A-Za-z])(?=[{_CODE_CHARS}]*\d)(?=[{_CODE_CHARS}]*[A-Z])"
    rf"[{_CODE_CHARS}]{{{SHORT_CODE_LENGTH}}}(?![0-9A-Za-z])"
)
TOKEN = re.compile(r"[0-9A-Za-z]{4,20}")


def identifier_problem(text: str) -> str | None:
    """Why the text may not be saved, or None."""
    if not text:
        return None
    if PHONE.search(text) or LONG_NUMBER.search(text):
        return _("It looks like it contains a phone number. Remove it before saving.")
    if SHORT_CODE_SHAPE.search(text):
        return _("It looks like it contains a client code. Remove it before saving.")
    tokens = {t.upper() for t in TOKEN.findall(text)}
    if tokens and Client.objects.filter(Q(short_code__in=tokens) | Q(uic__in=tokens)).exists():
        return _("It contains a client's code. Remove it before saving.")
    return None


def check_narrative(**texts: str) -> None:
    """Raise ValidationError({field: message}) for every field that carries an identifier."""
    errors = {}
    for field, text in texts.items():
        problem = identifier_problem(text)
        if problem:
            errors[field] = problem
    if errors:
        raise ValidationError(errors)
