"""Menu entries of the directory."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.registry import nav_item

nav_item(
    45,
    _("Services"),
    "directory:search",
    {
        Role.PEER_EDUCATOR,
        Role.GROUP_LEADER,
        Role.HOTLINE,
        Role.PROVIDER,
        Role.COORDINATOR,
        Role.PROVINCIAL_MANAGER,
        Role.NATIONAL_MANAGER,
        Role.ADMINISTRATOR,
    },
)
nav_item(
    46,
    _("Agreements"),
    "directory:agreements",
    {
        Role.PROVIDER,
        Role.COORDINATOR,
        Role.PROVINCIAL_MANAGER,
        Role.NATIONAL_MANAGER,
        Role.ADMINISTRATOR,
    },
)
