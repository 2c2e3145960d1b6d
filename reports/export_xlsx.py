"""The Excel export of a report, in a Vietnamese report layout: a number cell per figure,
its mark beside it, a sheet per breakdown and per area table, the legend sheet."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from .dimensions import DIMENSIONS
from .export_common import area_rows, describe, line_headers
from .report import Report, disclosure_note, legend


def to_xlsx(report: Report) -> bytes:
    """Every figure is a number cell (a SUM works); a withheld figure is an empty cell
    with its mark in the "Mark" column beside it; a perturbed report has a legend sheet
    and its note under the heading of every sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Border, Font, Side

    wb = Workbook()
    bold = Font(bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    _xlsx_main_sheet(report, wb.active, bold, box)
    for dim in report.dimensions():
        d = DIMENSIONS[dim]
        sheet = wb.create_sheet(sheet_title(str(d.label)))
        if d.by_area:
            _xlsx_area_sheet(report, dim, sheet, bold, box)
        else:
            _xlsx_breakdown_sheet(report, dim, sheet, bold, box)
    if report.suppressed:
        _xlsx_legend_sheet(wb.create_sheet(sheet_title(_("Legend"))), bold)
    return workbook_bytes(wb)


def workbook_bytes(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def print_on_a4(
    sheet: Any, *, area: str, title_rows: str, landscape: bool, page_numbers: bool = False
) -> None:
    """Print the sheet on A4, one page wide and as many long as it takes, with its
    heading rows on every page (and "Trang n/N" at the foot of each: official documents)."""
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.print_title_rows = title_rows
    sheet.print_area = area
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if page_numbers:
        sheet.oddFooter.center.text = "Trang &P/&N"


def _xlsx_main_sheet(report: Report, ws: Any, bold: Any, box: Any) -> None:
    """The heading, the note of a perturbed report, and a row per indicator."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws.title = _("Report")[:31]
    ws["A1"] = _("INDICATOR REPORT")
    ws["A1"].font = Font(bold=True, size=14)
    row = 2
    for label, value in describe(report):
        ws.cell(row=row, column=1, value=f"{label}:").font = bold
        ws.cell(row=row, column=2, value=value)
        row += 1
    if report.suppressed:
        ws.cell(row=row, column=1, value=disclosure_note())
        row += 1
    row += 1
    for col, title in enumerate([*line_headers(), _("Mark")], start=1):
        cell = ws.cell(row=row, column=col, value=title)
        cell.font = bold
        cell.border = box
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for line in report.lines:
        row += 1
        ind = line.indicator
        values = [ind.number, ind.label, ind.unit_obj.label, _xl(line.cell.value), line.cell.mark]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.border = box
            if col == 2:
                cell.alignment = Alignment(indent=ind.level, wrap_text=True)
            if ind.level == 0:
                cell.font = bold
    for col, width in zip(range(1, 6), (8, 70, 14, 14, 8)):
        ws.column_dimensions[get_column_letter(col)].width = width


def _xlsx_breakdown_sheet(report: Report, dim: str, sheet: Any, bold: Any, box: Any) -> None:
    """A row per indicator broken down by `dim`, a column per part, the total and the
    marks of the row last."""
    from openpyxl.styles import Alignment

    keys: list[tuple[Any, str]] = []
    for line in report.lines:
        for bc in line.breakdowns.get(dim, []):
            if (bc.key, bc.label) not in keys:
                keys.append((bc.key, bc.label))
    header = [
        _("No."),
        _("Indicator"),
        _("Unit"),
        *[label for _k, label in keys],
        _("Total"),
        _("Mark"),
    ]
    r = 0
    if report.suppressed:
        r += 1
        sheet.cell(row=r, column=1, value=disclosure_note())
    r += 1
    for col, title in enumerate(header, start=1):
        c = sheet.cell(row=r, column=col, value=title)
        c.font = bold
        c.border = box
        c.alignment = Alignment(wrap_text=True, horizontal="center")
    for line in report.lines:
        if dim not in line.breakdowns:
            continue
        r += 1
        by_key = {bc.key: bc.cell for bc in line.breakdowns[dim]}
        cells = [by_key.get(k) for k, _label in keys]
        marks = sorted({c.mark for c in [*cells, line.cell] if c is not None and c.mark})
        values = [
            line.indicator.number,
            line.indicator.label,
            line.indicator.unit_obj.label,
            *[0 if c is None else _xl(c.value) for c in cells],
            _xl(line.cell.value),
            " ".join(marks),
        ]
        for col, value in enumerate(values, start=1):
            sheet.cell(row=r, column=col, value=value).border = box
    sheet.column_dimensions["B"].width = 60


def _xlsx_legend_sheet(sheet: Any, bold: Any) -> None:
    """The disclosure note and what each mark means (a perturbed report)."""
    sheet["A1"] = disclosure_note()
    sheet["A1"].font = bold
    for r, (mark, meaning) in enumerate(legend(), start=3):
        sheet.cell(row=r, column=1, value=mark).font = bold
        sheet.cell(row=r, column=2, value=meaning)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100


def _xlsx_area_sheet(report: Report, dim: str, sheet: Any, bold: Any, box: Any) -> None:
    """The parts as rows, a number column and a mark column per headline indicator;
    heading rows and the name column frozen, printed landscape with the heading on
    every page."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    lines, rows = area_rows(report, dim)
    r = 0
    if report.suppressed:
        r += 1
        sheet.cell(row=r, column=1, value=disclosure_note())
    r += 1
    header = [str(DIMENSIONS[dim].label)]
    for line in lines:
        header += [
            f"{line.indicator.number}. {line.indicator.label} ({line.indicator.unit_obj.label})",
            _("Mark"),
        ]
    for col, title in enumerate(header, start=1):
        c = sheet.cell(row=r, column=col, value=title)
        c.font = bold
        c.border = box
        c.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    head = r
    for i, (_key, label, cells) in enumerate(rows):
        r += 1
        values: list[Any] = [label]
        for cell in cells:
            values += [0 if cell is None else _xl(cell.value), "" if cell is None else cell.mark]
        for col, value in enumerate(values, start=1):
            c = sheet.cell(row=r, column=col, value=value)
            c.border = box
            if i == len(rows) - 1:
                c.font = bold
    sheet.column_dimensions["A"].width = 36
    for col in range(2, len(header) + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 14 if col % 2 == 0 else 6
    sheet.freeze_panes = sheet.cell(row=head + 1, column=2)
    print_on_a4(
        sheet,
        area=f"A1:{get_column_letter(len(header))}{r}",
        title_rows=f"{head}:{head}",
        landscape=True,
    )


def sheet_title(text: str) -> str:
    """An Excel sheet name: at most 31 characters, none of \\ / ? * [ ] : ("Xã/phường")."""
    for ch in "\\/?*[]:":
        text = text.replace(ch, "-")
    return text[:31]


def _xl(value: Any) -> Any:
    """A number, or an empty cell (withheld or not available): never a text figure."""
    return value if isinstance(value, int | float) else None
