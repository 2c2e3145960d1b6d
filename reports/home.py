"""Menu entry of the reports app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import nav_item

nav_item(70, _("Reports"), "reports:report", roles.REPORT_READERS)
