"""DHIS2 dataValueSets export.

Which DHIS2 dataElement, categoryOptionCombo and orgUnit each indicator and area map
to is configuration, not code: reports/dhis2_mapping.json in the repository, overridden
by settings.CAUNOI["DHIS2_MAPPING_FILE"] or the CAUNOI_DHIS2_MAPPING_FILE environment
variable (a path to a file of the same shape). Indicators without a mapping are left out.

Hidden (suppressed) cells are sent without a value, with the comment "<5" (a small count,
or a cell hidden to protect one): the number never leaves the system, and DHIS2 records
that a value exists but is withheld."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from programs.models import Organisation, PeerGroup, SupportModel

from .engine import ReportContext
from .queries import scope_provinces
from .report import Report

DEFAULT_MAPPING = Path(__file__).resolve().parent / "dhis2_mapping.json"


def mapping_path() -> Path:
    configured = settings.CAUNOI.get("DHIS2_MAPPING_FILE") or os.environ.get(
        "CAUNOI_DHIS2_MAPPING_FILE"
    )
    return Path(str(configured)) if configured else DEFAULT_MAPPING


def load_mapping() -> dict[str, Any]:
    with mapping_path().open(encoding="utf-8") as handle:
        return json.load(handle)


class ReportAreaError(ValueError):
    """The report covers several provinces and no one area can stand for it."""


def report_area(ctx: ReportContext) -> str | None:
    """The area a report's figures belong to: a commune or province code, or None for
    the whole country. It is the area the report was narrowed to (commune, province,
    or the province of the model, group or provider it was filtered to), or else the
    one province the user's scope reaches; a scope across several provinces without a
    filter has no single area (ReportAreaError)."""
    if ctx.commune_code:
        return ctx.commune_code
    if ctx.province_code:
        return ctx.province_code
    narrowed: set[str | None] = set()
    if ctx.peer_group_id is not None:
        narrowed.add(
            PeerGroup.objects.filter(pk=ctx.peer_group_id)
            .values_list("support_model__province_id", flat=True)
            .first()
        )
    elif ctx.support_model_id is not None:
        narrowed.add(
            SupportModel.objects.filter(pk=ctx.support_model_id)
            .values_list("province_id", flat=True)
            .first()
        )
    elif ctx.provider_id is not None:
        narrowed.add(
            Organisation.objects.filter(pk=ctx.provider_id)
            .values_list("province_id", flat=True)
            .first()
        )
    elif ctx.scope.kind == "providers":
        narrowed.update(
            Organisation.objects.filter(pk__in=ctx.scope.ids).values_list("province_id", flat=True)
        )
    elif ctx.scope.kind != "nation":
        narrowed.update(scope_provinces(ctx.scope) or set())
    else:
        return None
    codes = {code for code in narrowed if code}
    if len(codes) != 1:
        raise ReportAreaError(
            _(
                "This report covers several provinces: choose one province (or a commune) "
                "to export it to DHIS2."
            )
        )
    return codes.pop()


def org_unit(report: Report, mapping: dict[str, Any]) -> str:
    """The DHIS2 orgUnit of the report's own area (reports.dhis2.report_area)."""
    units = mapping.get("orgUnits", {})
    key = report_area(report.ctx) or "national"
    if key in units:
        return str(units[key])
    pattern = mapping.get("orgUnitPattern", "{code}")
    return str(pattern.format(code=key))


def as_data_value_set(report: Report, mapping: dict[str, Any] | None = None) -> dict[str, Any]:
    mapping = mapping or load_mapping()
    period = report.ctx.period.dhis2
    ou = org_unit(report, mapping)
    default_coc = mapping.get("defaultCategoryOptionCombo", "HllvX50cXC0")
    combos: dict[str, dict[str, str]] = mapping.get("categoryOptionCombos", {})
    values: list[dict[str, Any]] = []

    def add(data_element: str, coc: str, cell: Any) -> None:
        if cell.raw is None:
            return
        item: dict[str, Any] = {
            "dataElement": data_element,
            "period": period,
            "orgUnit": ou,
            "categoryOptionCombo": coc,
        }
        if cell.hidden:
            item["comment"] = cell.value
        else:
            item["value"] = str(cell.raw)
        values.append(item)

    for line in report.lines:
        target = mapping.get("dataElements", {}).get(line.indicator.code)
        if not target:
            continue
        element = target["dataElement"] if isinstance(target, dict) else str(target)
        coc = (
            target.get("categoryOptionCombo", default_coc)
            if isinstance(target, dict)
            else default_coc
        )
        add(element, coc, line.cell)
        for dim, cells in line.breakdowns.items():
            dim_combos = combos.get(dim, {})
            for bc in cells:
                combo = dim_combos.get(str(bc.key))
                if combo:
                    add(element, combo, bc.cell)
    result: dict[str, Any] = {"period": period, "orgUnit": ou, "dataValues": values}
    if mapping.get("dataSet"):
        result["dataSet"] = mapping["dataSet"]
    return result


def to_dhis2(report: Report) -> bytes:
    return json.dumps(as_data_value_set(report), ensure_ascii=False, indent=2).encode()
