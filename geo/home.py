"""Menu entry of the areas app: the look-up of pre-reform commune codes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import nav_item

nav_item(95, _("Old commune codes"), "geo:legacy_commune", roles.SUPERVISORS)
