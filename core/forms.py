"""Form helpers shared by every app."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

# The empty option of every drop-down ("— Chọn —"), instead of Django's "---------".
EMPTY_LABEL = _("— Choose —")

# Help text of free text that may reach the audit log's reason or outlive a client's erasure.
NO_NAMES = _("Do not write names or phone numbers here.")


PHONE_DIGITS = (9, 11)


def clean_phone_digits(value: str) -> str:
    """A Vietnamese phone number as its digits (+84 written as 0), or "" when empty; one
    rule for every phone field: 9 to 11 digits."""
    from core.crypto import normalise_phone

    value = (value or "").strip()
    if not value:
        return ""
    digits = normalise_phone(value)
    low, high = PHONE_DIGITS
    if not low <= len(digits) <= high:
        raise forms.ValidationError(_("Enter a phone number of 9 to 11 digits, e.g. 0912 345 678."))
    return digits


def must_choose(choices: Any) -> list[tuple[Any, Any]]:
    """Choices that start on the empty option: for a field that describes what happened
    (who did it, what the call was about), a default would record what nobody chose."""
    return [("", EMPTY_LABEL), *list(choices)]


def apply_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form that was submitted: each field's
    messages next to that field (or at the top when the form has no such field), so the
    user sees why and keeps what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class ReadChoiceField(forms.ModelChoiceField):
    """A model choice among rows the view has already read (`rows`, e.g. the user's own
    peer groups): a value sent is looked up among them, not read again from the database;
    anything else is refused as an invalid choice, as by ModelChoiceField. The queryset
    still renders the drop-down (none is read when the widget is hidden)."""

    rows: Sequence[Model] = ()

    def to_python(self, value: Any) -> Model | None:
        if value in self.empty_values:
            return None
        for row in self.rows:
            if str(row.pk) == str(value).strip():
                return row
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )
