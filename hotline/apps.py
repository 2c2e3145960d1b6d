from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = _("Hotline")

    def ready(self) -> None:
        from . import demo, home  # noqa: F401  (registers demo loader, home panel, menu)
