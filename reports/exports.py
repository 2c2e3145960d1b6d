"""Report exports: JSON, CSV (UTF-8 with BOM, for Excel), Excel in a Vietnamese report
layout, PDF. Every writer takes a built Report, so the protection (reports.perturbation)
is already applied: a writer shows `cell.value`, never `cell.raw`. A perturbed report
carries the disclosure note and the legend in every format; a withheld figure is an
empty value with its mark beside it, never a number-like text."""

from __future__ import annotations

from typing import Any

from .export_csv import to_csv
from .export_json import to_json
from .export_pdf import to_pdf
from .export_xlsx import to_xlsx
from .report import Report

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "dhis2": "application/json",
    "adx": "application/adx+xml",
}
EXTENSIONS = {
    "json": "json",
    "csv": "csv",
    "xlsx": "xlsx",
    "pdf": "pdf",
    "dhis2": "json",
    "adx": "xml",
}


def render(report: Report, fmt: str, **options: Any) -> bytes:
    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        return to_csv(report)
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt == "pdf":
        return to_pdf(report, **options)
    if fmt == "dhis2":
        from .dhis2 import to_dhis2

        return to_dhis2(report)
    if fmt == "adx":
        from .dhis2 import to_adx

        return to_adx(report)
    raise ValueError(fmt)
