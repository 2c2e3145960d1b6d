"""Menu entry of the reports app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.registry import nav_item

from .queries import REPORT_ROLES

nav_item(70, _("Reports"), "reports:report", set(REPORT_ROLES))
