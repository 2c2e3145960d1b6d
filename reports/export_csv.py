"""The CSV export of a report: UTF-8 with BOM (for Excel), a row per figure and per part."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from .dimensions import DIMENSIONS
from .export_common import describe, note_lines
from .report import Report


def to_csv(report: Report) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(
        [
            _("No."),
            _("Code"),
            _("Indicator"),
            _("Unit"),
            _("Breakdown"),
            _("Group"),
            _("Quantity"),
            _("Mark"),
        ]
    )
    for line in report.lines:
        ind = line.indicator
        value = line.cell.value
        writer.writerow(
            [
                ind.number,
                ind.code,
                ind.label,
                ind.unit_obj.label,
                "",
                "",
                _csv(value),
                line.cell.mark,
            ]
        )
        for dim, cells in line.breakdowns.items():
            for bc in cells:
                writer.writerow(
                    [
                        ind.number,
                        ind.code,
                        ind.label,
                        ind.unit_obj.label,
                        str(DIMENSIONS[dim].label),
                        bc.label,
                        _csv(bc.cell.value),
                        bc.cell.mark,
                    ]
                )
    heading = io.StringIO()
    hw = csv.writer(heading)
    for label, text in describe(report):
        hw.writerow([label, text])
    for note in note_lines(report):
        hw.writerow([note])
    hw.writerow([])
    # The BOM tells Excel the file is UTF-8 (Vietnamese letters survive).
    return ("\ufeff" + heading.getvalue() + buf.getvalue()).encode("utf-8")


def _csv(value: Any) -> Any:
    return "" if value is None else value
