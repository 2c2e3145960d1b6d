from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the key check)
        from .keys import record_key_check_after_migrate

        post_migrate.connect(record_key_check_after_migrate, sender=self)

        _empty_option_says_choose()
        _choice_labels_looked_up_once()


def _empty_option_says_choose() -> None:
    """Every drop-down's empty option reads "— Chọn —" ("— Choose —"), not Django's
    "---------": model choice fields (their default empty label) and model fields with
    choices (BLANK_CHOICE_DASH, shared by reference, so replaced in place)."""
    from django.db.models import fields
    from django.forms import models as form_models

    from .forms import EMPTY_LABEL

    fields.BLANK_CHOICE_DASH[:] = [("", EMPTY_LABEL)]  # type: ignore[list-item]
    defaults = form_models.ModelChoiceField.__init__.__kwdefaults__
    if defaults is not None:
        defaults["empty_label"] = EMPTY_LABEL


def _choice_labels_looked_up_once() -> None:
    """`get_FOO_display()` without translating every label of the field on each call.

    Django builds `dict(make_hashable(field.flatchoices))` on every call, and hashing a
    lazy label translates it: a page listing 50 clients with a status and a sex paid for
    every label of both fields 50 times (about a tenth of a field page's CPU). Here the
    table of a field with fixed choices is built once per process, the labels left lazy,
    so the one returned is still translated into the language of the request."""
    from functools import partialmethod

    from django.apps import apps
    from django.db.models import Field, Model
    from django.utils.choices import CallableChoiceIterator
    from django.utils.encoding import force_str
    from django.utils.hashable import make_hashable

    original = Model._get_FIELD_display  # type: ignore[attr-defined]
    tables: dict[Field[Any, Any], dict[Any, Any]] = {}

    def display(self: Model, field: Field[Any, Any]) -> Any:
        table = tables.get(field)
        if table is None:
            # Django's table, without hashing (translating) the labels.
            table = {make_hashable(v): label for v, label in field.flatchoices}
            if not isinstance(field.choices, CallableChoiceIterator):
                tables[field] = table  # a callable's choices may change: built every time
        value = getattr(self, field.attname)
        return force_str(table.get(make_hashable(value), value), strings_only=True)

    for model in apps.get_models(include_auto_created=True):
        for name, attr in list(vars(model).items()):
            if isinstance(attr, partialmethod) and attr.func is original:
                setattr(model, name, partialmethod(display, **attr.keywords))
