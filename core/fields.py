"""The one declaration of a reference between models, for the field factories of the apps
(`geo.fields`, `accounts.fields`, `clients.fields`, `programs.fields`): a model names what
it refers to, its reverse name and its label on one line, and the options every such
reference shares (kept when the target is deleted, null and blank together) are written
here once. The columns are those of `models.ForeignKey`: using a factory changes no
migration."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def reference(
    to: str,
    related_name: str | None = "+",
    verbose_name: StrOrPromise | None = None,
    *,
    optional: bool = False,
    on_delete: Callable[..., Any] = models.PROTECT,
) -> models.ForeignKey[Any, Any]:
    """A foreign key to `to` ("app.Model"). `optional`: may be empty (null and blank)."""
    return models.ForeignKey(
        to,
        on_delete=on_delete,
        related_name=related_name,
        verbose_name=verbose_name,
        null=optional,
        blank=optional,
    )
