"""The official document's figures as an Excel workbook (openpyxl)."""

from __future__ import annotations

from reports.export_xlsx import print_on_a4, workbook_bytes

from .models import ReportVersion
from .official import MOTTO, NATIONAL_TITLE, build_document


def to_xlsx(version: ReportVersion) -> bytes:
    """The figures of the version: numbers as numbers, the heading rows frozen and
    repeated on every printed page, the print area set, A4 portrait fitted to width."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    d = build_document(version)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Bao cao"
    bold = Font(name="Times New Roman", bold=True, size=12)
    normal = Font(name="Times New Roman", size=12)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([d.issuing_agency, None, NATIONAL_TITLE])
    ws.append([d.number, None, MOTTO])
    ws.append([None, None, d.place_date])
    ws.append([f"{d.title}: {d.summary}"])
    ws.append(["STT", "Chỉ tiêu", "Đơn vị tính", "Số lượng"])
    header_row = ws.max_row
    for row in d.rows:
        value = row.value if isinstance(row.value, int | float) else None
        ws.append([row.number, ("   " * row.level) + row.label, row.unit, value])
        if value is None:
            ws.cell(ws.max_row, 4).value = row.text
    last = ws.max_row
    for r in range(1, header_row):
        for c in range(1, 5):
            ws.cell(r, c).font = (
                bold if r != 3 else Font(name="Times New Roman", italic=True, size=12)
            )
    for r in range(header_row, last + 1):
        for c in range(1, 5):
            cell = ws.cell(r, c)
            cell.border = box
            cell.font = bold if r == header_row else normal
            if c == 4 and r > header_row:
                cell.number_format = "#,##0"
            if c == 2:
                cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=4)
    ws.cell(4, 1).alignment = Alignment(horizontal="center", wrap_text=True)
    ws.row_dimensions[4].height = 34
    ws.append([])
    ws.append([d.figures_note])
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 62
    ws.column_dimensions["C"].width = 16
    ws.column_dimensions["D"].width = 14
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    print_on_a4(
        ws,
        area=f"A1:D{ws.max_row}",
        title_rows=f"{header_row}:{header_row}",
        landscape=False,
        page_numbers=True,
    )
    return workbook_bytes(wb)
