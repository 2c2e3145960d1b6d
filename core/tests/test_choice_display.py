"""`get_FOO_display()` looks its labels up once per field (core.apps), with the same result
as Django's own lookup, in the language of the moment."""

from __future__ import annotations

from functools import partialmethod
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from clients.models import Client
from referrals.models import Referral

# Django's own lookup, which core.apps replaces on the models.
DJANGO_DISPLAY = Model._get_FIELD_display  # type: ignore[attr-defined]


def _fields_with_choices() -> list[tuple[type[Model], Any]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.choices is not None and f"get_{field.name}_display" not in vars(Model)
    ]


def test_every_label_is_the_one_django_gives_in_both_languages() -> None:
    checked = 0
    for model, field in _fields_with_choices():
        method = vars(model).get(f"get_{field.name}_display")
        if not isinstance(method, partialmethod):
            continue  # the model defines its own
        values = [value for value, _label in field.flatchoices] + ["not-a-choice"]
        for language in ("vi", "en"):
            with translation.override(language):
                for value in values:
                    instance = model()
                    setattr(instance, field.attname, value)
                    shown = getattr(instance, f"get_{field.name}_display")()
                    assert shown == DJANGO_DISPLAY(instance, field=field), (
                        model.__name__,
                        field.name,
                        value,
                    )
                    checked += 1
    assert checked > 100


def test_the_label_follows_the_language_of_the_request() -> None:
    client = Client(status=Client._meta.get_field("status").flatchoices[0][0])
    with translation.override("en"):
        english = client.get_status_display()
    with translation.override("vi"):
        vietnamese = client.get_status_display()
    assert english != vietnamese
    assert isinstance(english, str) and isinstance(vietnamese, str)


def test_choices_given_by_a_callable_are_looked_up_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import replace

    from directory import taxonomy

    field = Referral._meta.get_field("service_type")
    value = field.flatchoices[0][0]
    referral = Referral(service_type=value)
    assert referral.get_service_type_display() == DJANGO_DISPLAY(referral, field=field)
    renamed = replace(taxonomy.SERVICE_TYPES[value], label="renamed")
    monkeypatch.setitem(taxonomy.SERVICE_TYPES, value, renamed)
    assert referral.get_service_type_display() == "renamed"
