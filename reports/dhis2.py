"""DHIS2 dataValueSets export.

Which DHIS2 dataElement, categoryOptionCombo and orgUnit each indicator and area map
to is configuration, not code: reports/dhis2_mapping.json in the repository, overridden
by settings.CAUNOI["DHIS2_MAPPING_FILE"] or the CAUNOI_DHIS2_MAPPING_FILE environment
variable (a path to a file of the same shape). Indicators without a mapping are left out.

For a manager the values are the report's published (perturbed) figures, never the true
ones (docs/disclosure-control.md); a withheld rate or median is sent without a value,
with its mark "x" as the comment, so DHIS2 records that a value exists but is withheld."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings

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


def org_unit(report: Report, mapping: dict[str, Any]) -> str:
    ctx = report.ctx
    units = mapping.get("orgUnits", {})
    code = ctx.commune_code or ctx.province_code
    if code is None and ctx.scope.kind == "provinces" and len(ctx.scope.ids) == 1:
        code = next(iter(ctx.scope.ids))
    key = code or "national"
    if key in units:
        return str(units[key])
    pattern = mapping.get("orgUnitPattern", "{code}")
    return pattern.format(code=key)


def as_data_value_set(report: Report, mapping: dict[str, Any] | None = None) -> dict[str, Any]:
    mapping = mapping or load_mapping()
    period = report.ctx.period.dhis2
    ou = org_unit(report, mapping)
    default_coc = mapping.get("defaultCategoryOptionCombo", "HllvX50cXC0")
    combos: dict[str, dict[str, str]] = mapping.get("categoryOptionCombos", {})
    values: list[dict[str, Any]] = []

    def add(data_element: str, coc: str, cell: Any) -> None:
        if cell.raw is None and not cell.withheld:
            return
        item: dict[str, Any] = {
            "dataElement": data_element,
            "period": period,
            "orgUnit": ou,
            "categoryOptionCombo": coc,
        }
        # What the report shows (perturbed for managers), never the true figure behind
        # it; a withheld rate is sent without a value, its mark as the comment.
        if cell.withheld:
            item["comment"] = cell.mark
        else:
            item["value"] = str(cell.value)
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
