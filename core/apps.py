from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  (registers the key check)
            home,  # noqa: F401  (registers the managers' panel and a menu entry)
        )
        from .keys import record_key_check_after_migrate

        post_migrate.connect(record_key_check_after_migrate, sender=self)
