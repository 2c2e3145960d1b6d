from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top of the stack: the home page, the menu and the commands that span every app
    (demo data, backup and restore check). It may import any app; no app imports it."""

    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from . import home  # noqa: F401  (registers the managers' panel and the Home entries)
