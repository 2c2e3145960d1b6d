"""References to a client (see `core.fields`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import reference

if TYPE_CHECKING:
    from .models import Client


def client_field(related_name: str) -> models.ForeignKey[Client, Client]:
    return reference("clients.Client", related_name, _("client"))


def optional_client_field(related_name: str) -> models.ForeignKey[Client | None, Client | None]:
    """A client, when the record names one (an anonymous caller, a group reached)."""
    return reference("clients.Client", related_name, _("client"), optional=True)
