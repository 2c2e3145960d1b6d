from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from . import demo, home  # noqa: F401  (registers demo loader, home panels, menu)
