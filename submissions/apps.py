from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Periodic reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import home  # noqa: F401  (registers the menu entry)
