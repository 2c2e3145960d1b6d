"""References to the programme's units: organisations, support models, peer groups and
establishments (see `core.fields`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import reference

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .models import Establishment, Organisation, PeerGroup, SupportModel

OnDelete = Callable[..., Any]


def organisation_field(
    related_name: str, verbose_name: StrOrPromise | None, on_delete: OnDelete = models.PROTECT
) -> models.ForeignKey[Organisation, Organisation]:
    return reference("programs.Organisation", related_name, verbose_name, on_delete=on_delete)


def optional_organisation_field(
    related_name: str, verbose_name: StrOrPromise | None, on_delete: OnDelete = models.PROTECT
) -> models.ForeignKey[Organisation | None, Organisation | None]:
    return reference(
        "programs.Organisation", related_name, verbose_name, optional=True, on_delete=on_delete
    )


def support_model_field(related_name: str) -> models.ForeignKey[SupportModel, SupportModel]:
    return reference("programs.SupportModel", related_name, _("support model"))


def optional_support_model_field(
    related_name: str, on_delete: OnDelete = models.PROTECT
) -> models.ForeignKey[SupportModel | None, SupportModel | None]:
    return reference(
        "programs.SupportModel",
        related_name,
        _("support model"),
        optional=True,
        on_delete=on_delete,
    )


def peer_group_field(related_name: str) -> models.ForeignKey[PeerGroup, PeerGroup]:
    return reference("programs.PeerGroup", related_name, _("peer group"))


def optional_peer_group_field(
    related_name: str,
    verbose_name: StrOrPromise | None = None,
    on_delete: OnDelete = models.PROTECT,
) -> models.ForeignKey[PeerGroup | None, PeerGroup | None]:
    return reference(
        "programs.PeerGroup",
        related_name,
        verbose_name or _("peer group"),
        optional=True,
        on_delete=on_delete,
    )


def optional_establishment_field(
    related_name: str,
) -> models.ForeignKey[Establishment | None, Establishment | None]:
    """The establishment a record was made at, when any (forgotten if it is deleted)."""
    return reference(
        "programs.Establishment",
        related_name,
        _("establishment"),
        optional=True,
        on_delete=models.SET_NULL,
    )
