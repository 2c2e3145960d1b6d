"""Menu entry of the submissions app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import nav_item

nav_item(72, _("Periodic reports"), "submissions:overview", roles.SUBMITTERS)
