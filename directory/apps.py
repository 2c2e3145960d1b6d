from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Service directory")

    def ready(self) -> None:
        from . import demo, home  # noqa: F401  (registers demo loader and menu entries)
