"""The area fields a record is placed with (see `core.fields`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import reference

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .models import Commune, LegacyCommune, Province


def province_field(
    related_name: str | None = "+", verbose_name: StrOrPromise | None = None
) -> models.ForeignKey[Province, Province]:
    return reference("geo.Province", related_name, verbose_name or _("province"))


def optional_province_field(
    related_name: str | None = "+", on_delete: Callable[..., Any] = models.PROTECT
) -> models.ForeignKey[Province | None, Province | None]:
    return reference(
        "geo.Province", related_name, _("province"), optional=True, on_delete=on_delete
    )


def commune_field(
    related_name: str | None = "+", verbose_name: StrOrPromise | None = None
) -> models.ForeignKey[Commune | None, Commune | None]:
    """A commune as of 1 July 2025, when known."""
    return reference("geo.Commune", related_name, verbose_name or _("commune"), optional=True)


def legacy_commune_field() -> models.ForeignKey[LegacyCommune | None, LegacyCommune | None]:
    """Set only for a record made under a pre-1 July 2025 commune; reports resolve it to the
    new commune(s) through geo.CommuneConversion."""
    return reference("geo.LegacyCommune", "+", _("pre-2025 commune"), optional=True)
