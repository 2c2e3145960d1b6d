"""References to a user: who recorded, decided or closed something (see `core.fields`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from core.fields import reference

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .models import User


def user_field(
    verbose_name: StrOrPromise | None = None, related_name: str | None = "+"
) -> models.ForeignKey[User, User]:
    """The user who did it (kept while the record is)."""
    return reference("accounts.User", related_name, verbose_name)


def optional_user_field(
    verbose_name: StrOrPromise | None = None,
) -> models.ForeignKey[User | None, User | None]:
    """The user who took a later step (accepted, closed, withdrew), once taken."""
    return reference("accounts.User", "+", verbose_name, optional=True)
