"""Menu entry of the submissions app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.registry import nav_item

from .queries import SUBMISSION_ROLES

nav_item(72, _("Periodic reports"), "submissions:overview", set(SUBMISSION_ROLES))
