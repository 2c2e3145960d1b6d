"""Vietnam's administrative areas after the 1 July 2025 reform, and the pre-reform
communes with the official conversion table so that older records can be reported
under the units that exist now."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    search_name = models.CharField(max_length=100, db_index=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A commune, ward or special zone (xã, phường, đặc khu) as of 1 July 2025."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    division_type = models.CharField(max_length=40)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")
    search_name = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta:
        ordering = ["province__name", "name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return f"{self.name}, {self.province.name}"


class LegacyCommune(models.Model):
    """A commune as it was before 1 July 2025 (63 provinces, with districts)."""

    code = models.CharField(max_length=5, primary_key=True)
    name = models.CharField(max_length=100)
    level = models.CharField(max_length=40, blank=True)
    district_code = models.CharField(max_length=3)
    district_name = models.CharField(max_length=100)
    province_code = models.CharField(max_length=2)
    province_name = models.CharField(max_length=100)
    search_name = models.CharField(max_length=300, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}, {self.district_name}, {self.province_name}"


class CommuneConversion(models.Model):
    """One row of the official old → new table. A split old commune has several rows."""

    class Note(models.TextChoices):
        MERGED_WHOLE = "whole", _("merged whole")
        SPLIT = "split", _("split")

    old_commune = models.ForeignKey(
        LegacyCommune, on_delete=models.CASCADE, related_name="conversions"
    )
    new_commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="legacy_conversions"
    )
    note = models.CharField(max_length=5, choices=Note.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["old_commune", "new_commune"], name="uniq_commune_conversion"
            )
        ]
