from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reinstall_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After every migrate: SQLite rebuilds a table to alter it (dropping its triggers),
    and the triggers carry the service taxonomy, which lives in code."""
    from django.db import connections

    from .aggregates import install_triggers

    install_triggers(connections[using])


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from . import checks, home  # noqa: F401  (register the checks and the menu entry)

        post_migrate.connect(_reinstall_triggers, sender=self)
