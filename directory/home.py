"""Menu entries of the directory."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import nav_item

nav_item(
    45,
    _("Services"),
    "directory:search",
    roles.ANY_ROLE,
)
nav_item(
    46,
    _("Agreements"),
    "directory:agreements",
    roles.AGREEMENT_READERS,
)
