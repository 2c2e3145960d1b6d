"""Writing a use case's typed input onto a model row, for services: which fields it changed
(for the audit entry, which names fields and never their values)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from django.db.models import Field, Model


def values_of(details: Any, *, skip: tuple[str, ...] = ()) -> dict[str, object]:
    """A frozen input dataclass as {field: value}, without the `skip` fields (relations
    set apart, such as many-to-many lists)."""
    return {f.name: getattr(details, f.name) for f in fields(details) if f.name not in skip}


def assign(obj: Model, values: Mapping[str, object]) -> list[str]:
    """Set the given fields; return the names of those that changed."""
    changed = []
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if isinstance(field, Field) and field.many_to_one:
            # Compare ids: reading an unset relation raises.
            current, new = getattr(obj, field.attname), getattr(value, "pk", value)
        else:
            current, new = getattr(obj, name), value
        if current != new:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def filled(values: Mapping[str, object], *extra: str) -> list[str]:
    """The names of the fields given a value (and `extra`), for a creation's audit entry."""
    return sorted([k for k, v in values.items() if v not in (None, "")] + list(extra))
