from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self) -> None:
        from . import demo, home  # noqa: F401  (registers demo loader, home panels, menu)
