"""DHIS2 exports: dataValueSets (JSON) and ADX (XML).

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
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import Organisation, PeerGroup, SupportModel

from .context import ReportContext
from .periods import PeriodError
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
        target = data_element_for(line.indicator.code, mapping, default_coc)
        if target is None:
            continue
        element, coc = target
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


# --- Mapping validation (a system check, reports.checks) ---------------------------

_UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")


def mapping_problems(mapping: dict[str, Any]) -> list[str]:
    """What is wrong with a mapping, each problem naming the code or id concerned."""
    from .dimensions import DIMENSIONS
    from .indicators import CATALOGUE

    problems: list[str] = []
    known = {ind.code for ind in CATALOGUE}
    elements = mapping.get("dataElements", {})
    if not isinstance(elements, dict):
        return ["dataElements must be an object of indicator code → data element"]
    for code, target in elements.items():
        if code not in known:
            problems.append(f"dataElements: unknown indicator code {code!r}")
        uid = target.get("dataElement") if isinstance(target, dict) else target
        if not isinstance(uid, str) or not _UID.match(uid):
            problems.append(f"dataElements[{code!r}]: {uid!r} is not a DHIS2 uid")
        coc = target.get("categoryOptionCombo") if isinstance(target, dict) else None
        if coc is not None and not _UID.match(str(coc)):
            problems.append(f"dataElements[{code!r}].categoryOptionCombo: {coc!r} is not a uid")
    default = mapping.get("defaultCategoryOptionCombo", "HllvX50cXC0")
    if not _UID.match(str(default)):
        problems.append(f"defaultCategoryOptionCombo: {default!r} is not a DHIS2 uid")
    for dim, combos in (mapping.get("categoryOptionCombos") or {}).items():
        if dim not in DIMENSIONS:
            problems.append(f"categoryOptionCombos: unknown breakdown {dim!r}")
            continue
        for key, uid in (combos or {}).items():
            if not _UID.match(str(uid)):
                problems.append(f"categoryOptionCombos[{dim!r}][{key!r}]: {uid!r} is not a uid")
    for key in mapping.get("orgUnits") or {}:
        if key != "national" and not re.fullmatch(r"\d{2}|\d{5}", str(key)):
            problems.append(
                f"orgUnits: {key!r} is neither 'national' nor a province (2 digits) or "
                "commune (5 digits) code"
            )
    pattern = mapping.get("orgUnitPattern", "{code}")
    if "{code}" not in str(pattern):
        problems.append(f"orgUnitPattern: {pattern!r} has no {{code}}")
    data_set = mapping.get("dataSet") or ""
    if data_set and not _UID.match(str(data_set)):
        problems.append(f"dataSet: {data_set!r} is not a DHIS2 uid")
    return problems


# --- ADX (ISO/IHE Aggregate Data Exchange) ---------------------------------------

ADX_NS = "urn:ihe:qrph:adx:2015"
_ADX_DURATION = {"month": "P1M", "quarter": "P3M", "half": "P6M", "year": "P1Y"}


def adx_period(period: Any) -> str:
    """ADX periods are a start date and an ISO 8601 duration: 2026-07-01/P3M."""
    duration = _ADX_DURATION.get(period.kind)
    if duration is None or period.start.day != 1:
        raise PeriodError(
            _("ADX needs a calendar month, quarter, six months or year, not this period.")
        )
    return f"{period.start.isoformat()}/{duration}"


def as_adx(payload: dict[str, Any], period: Any, mapping: dict[str, Any]) -> bytes:
    """The same values as a dataValueSet payload, in ADX. Withheld cells (no value)
    are left out: ADX has no way to say "withheld". A value in a category option combo
    other than the default carries it as the `categoryOptionCombo` attribute (DHIS2's
    ADX import reads category attributes; mappings that need codes list them under
    `adxCategoryAttributes`: {combo uid: {category: option}})."""
    from xml.etree import ElementTree as ET

    ET.register_namespace("", ADX_NS)
    root = ET.Element(f"{{{ADX_NS}}}adx", {"exported": timezone.now().isoformat()})
    attrs = {"orgUnit": payload["orgUnit"], "period": adx_period(period)}
    if payload.get("dataSet"):
        attrs["dataSet"] = payload["dataSet"]
    group = ET.SubElement(root, f"{{{ADX_NS}}}group", attrs)
    default = mapping.get("defaultCategoryOptionCombo", "HllvX50cXC0")
    categories = mapping.get("adxCategoryAttributes", {})
    for value in payload["dataValues"]:
        if "value" not in value:
            continue
        item = {"dataElement": value["dataElement"], "value": value["value"]}
        coc = value.get("categoryOptionCombo", default)
        if coc != default:
            item.update(categories.get(coc) or {"categoryOptionCombo": coc})
        ET.SubElement(group, f"{{{ADX_NS}}}dataValue", item)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def to_adx(report: Report) -> bytes:
    mapping = load_mapping()
    return as_adx(as_data_value_set(report, mapping), report.ctx.period, mapping)


# --- From frozen figures (a submitted report) ------------------------------------


def org_unit_for_area(area: str | None, mapping: dict[str, Any]) -> str:
    units = mapping.get("orgUnits", {})
    key = area or "national"
    if key in units:
        return str(units[key])
    return str(mapping.get("orgUnitPattern", "{code}").format(code=key))


def data_element_for(
    code: str, mapping: dict[str, Any], default_coc: str
) -> tuple[str, str] | None:
    """The DHIS2 data element and category option combo an indicator is sent as (None: not
    mapped). The mapping names the element alone, or the element and its combo."""
    target = mapping.get("dataElements", {}).get(code)
    if not target:
        return None
    if isinstance(target, dict):
        return target["dataElement"], target.get("categoryOptionCombo", default_coc)
    return str(target), default_coc


def data_value_set_from_figures(
    figures: dict[str, Any], *, period: Any, area: str | None, mapping: dict[str, Any]
) -> dict[str, Any]:
    """A dataValueSet of the totals frozen in a submitted report (its JSON): exactly the
    values that were submitted, at the report's own area."""
    ou = org_unit_for_area(area, mapping)
    pe = period.dhis2
    default_coc = mapping.get("defaultCategoryOptionCombo", "HllvX50cXC0")
    values = []
    for indicator in figures.get("indicators", []):
        target = data_element_for(indicator["code"], mapping, default_coc)
        value = indicator.get("value")
        if target is None or value is None:
            continue
        element, coc = target
        item: dict[str, Any] = {
            "dataElement": element,
            "period": pe,
            "orgUnit": ou,
            "categoryOptionCombo": coc,
        }
        if isinstance(value, int | float):
            item["value"] = str(value)
        else:
            item["comment"] = str(value)
        values.append(item)
    result: dict[str, Any] = {"period": pe, "orgUnit": ou, "dataValues": values}
    if mapping.get("dataSet"):
        result["dataSet"] = mapping["dataSet"]
    return result
