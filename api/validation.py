"""422 answers in the user's language, the same shape whatever refused the input:
`{"detail": …, "errors": {field: [messages]}}`.

Type errors found while parsing the JSON body are reported with Django's own form messages
(translated in Django's and the core app's catalogues) instead of pydantic's English ones;
everything else is refused by the app's form and service, whose messages are already
translated. Input values are never echoed back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

ALL = "__all__"
# The pydantic error type of a string holding a NUL character (api.schemas.Input).
NUL_ERROR = "string_null_character"


def _message(error_type: str, ctx: Mapping[str, Any] | None = None) -> str:
    if error_type == "greater_than_equal" and ctx and "ge" in ctx:
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx["ge"]
        }
    if error_type == NUL_ERROR:
        return _("Null characters are not allowed.")  # translated in core/form_strings.py
    if error_type == "missing":
        return _("This field is required.")
    if error_type.startswith(("int_", "float_")):
        return _("Enter a whole number.")
    if error_type.startswith(("date_", "datetime_")):
        return _("Enter a valid date.")
    if error_type.startswith("uuid_"):
        return _("Enter a valid UUID.")
    if error_type in {"list_type", "tuple_type", "set_type"}:
        return _("Enter a list of values.")
    if error_type == "extra_forbidden":
        return _("This field is not accepted here.")
    if error_type in {"json_invalid", "model_type", "model_attributes_type", "dict_type"}:
        return _("The request body must be a JSON object.")
    return _("Enter a valid value.")


def pydantic_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """pydantic's errors (loc like ("body", "payload", "items", 0, "quantity")) by field."""
    out: dict[str, list[str]] = {}
    for error in errors:
        loc = [part for part in error.get("loc", ()) if part not in ("body", "payload", "query")]
        field = str(loc[0]) if loc and isinstance(loc[0], str) else ALL
        message = _message(str(error.get("type", "")), error.get("ctx"))
        if message not in out.setdefault(field, []):
            out[field].append(message)
    return out


def field_errors(errors: Mapping[str, list[str]]) -> dict[str, Any]:
    return {"detail": _("Some fields need correcting."), "errors": dict(errors)}
