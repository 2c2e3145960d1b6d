from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "safety"
    verbose_name = _("Safety")

    def ready(self) -> None:
        from . import demo, erasure, home, tasks  # noqa: F401  (loaders, hooks, panels, renderers)
