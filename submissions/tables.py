"""The headline tables of the periodic reports page as files: by province (national
managers) and by support model (provincial managers), each row with its status and, per
indicator, the submitted figure beside the live one; a total row with the sum of the
approved reports beside the live figure of the whole area. Live cells are the user's
own report cells: adjusted for a manager as on the report page (docs/disclosure-control.md),
a withheld rate or median "x"; Excel keeps every shown number a number."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from reports.export_pdf import pdf_bytes
from reports.export_xlsx import print_on_a4, workbook_bytes
from reports.report import Cell

SUB, LIVE = "submitted", "live"


def _value(value: Any) -> Any:
    if isinstance(value, Cell):
        return value.mark or value.value
    return value


def matrix(table: dict[str, Any], unit_label: str) -> tuple[list[list[str]], list[list[Any]]]:
    """Two heading rows and the body rows (numbers as numbers)."""
    first = [unit_label, _("Status")]
    second = ["", ""]
    for ind in table["indicators"]:
        first += [f"{ind.number}. {ind.label} ({ind.unit_obj.label})", ""]
        second += [_("submitted"), _("live")]
    body: list[list[Any]] = []
    for row in table["rows"]:
        cells: list[Any] = [row.status.name, row.status.state_label]
        for _code, submitted, live in row.cells():
            cells += [submitted, _value(live)]
        body.append(cells)
    total: list[Any] = [_("Total (approved reports) / live"), ""]
    for _code, submitted, live in table["total_cells"]:
        total += [submitted, _value(live)]
    body.append(total)
    return [first, second], body


def to_csv(table: dict[str, Any], unit_label: str) -> bytes:
    heads, body = matrix(table, unit_label)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in heads + body:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode()


def to_xlsx(table: dict[str, Any], unit_label: str, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    heads, body = matrix(table, unit_label)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Bang"
    ws.append([title])
    ws.cell(1, 1).font = Font(bold=True, size=13)
    for row in heads:
        ws.append(row)
    for col in range(3, len(heads[0]) + 1, 2):
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + 1)
    for r in (2, 3):
        for c in range(1, len(heads[0]) + 1):
            cell = ws.cell(r, c)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    ws.row_dimensions[2].height = 60
    for row in body:
        ws.append([v if v is not None else "—" for v in row])
    for r in range(4, ws.max_row + 1):
        for c in range(3, len(heads[0]) + 1):
            if isinstance(ws.cell(r, c).value, int | float):
                ws.cell(r, c).number_format = "#,##0"
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 14
    for c in range(3, len(heads[0]) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 11
    ws.freeze_panes = "C4"
    ws.print_title_cols = "A:A"
    print_on_a4(
        ws,
        area=f"A1:{get_column_letter(len(heads[0]))}{ws.max_row}",
        title_rows="2:3",
        landscape=True,
        page_numbers=True,
    )
    return workbook_bytes(wb)


def to_pdf(table: dict[str, Any], unit_label: str, title: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    from .official_pdf import _serif_fonts, numbered_canvas

    f = _serif_fonts()
    base = ParagraphStyle("b", fontName=f["regular"], fontSize=7.5, leading=9)
    head = ParagraphStyle("h", parent=base, fontName=f["bold"], alignment=1)
    heads, body = matrix(table, unit_label)
    n = len(heads[0])
    data: list[list[Any]] = [
        [Paragraph(str(v), head) for v in heads[0]],
        [Paragraph(str(v), head) for v in heads[1]],
    ]
    for row in body:
        data.append(
            [Paragraph(str(row[0]), base), Paragraph(str(row[1]), base)]
            + [
                "—" if v is None else (f"{v:,}".replace(",", ".") if isinstance(v, int) else str(v))
                for v in row[2:]
            ]
        )
    page = landscape(A4)
    width = page[0] - 20 * mm
    first = 40 * mm
    rest = (width - first - 18 * mm) / (n - 2)
    grid = Table(data, colWidths=[first, 18 * mm] + [rest] * (n - 2), repeatRows=2)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), f["regular"]),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("ALIGN", (2, 2), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, len(data) - 1), (-1, len(data) - 1), f["bold"]),
    ]
    style += [("SPAN", (c, 0), (c + 1, 0)) for c in range(2, n, 2)]
    style += [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1))]
    grid.setStyle(TableStyle(style))

    title_style = ParagraphStyle("t", parent=base, fontName=f["bold"], fontSize=12, leading=15)
    return pdf_bytes(
        [Paragraph(title, title_style), grid],
        pagesize=page,
        margins_mm=(10, 10, 12, 12),
        canvasmaker=numbered_canvas(f["regular"]),
        title=title,
    )
