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
