"""Report exports: JSON, CSV (UTF-8 with BOM, for Excel), Excel in a Vietnamese report
layout, PDF. Every writer takes a built Report, so the protection (reports.perturbation)
is already applied: a writer shows `cell.value`, never `cell.raw`. A perturbed report
carries the disclosure note and the legend in every format; a withheld figure is an
empty value with its mark beside it, never a number-like text."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from geo.models import Commune, Province
from programs.models import Organisation, PeerGroup, SupportModel

from .engine import DIMENSIONS
from .report import Cell, Report, disclosure_note, legend, threshold

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


def describe(report: Report) -> list[tuple[str, str]]:
    """(label, value) lines for a report's heading: area, filters, period."""
    ctx = report.ctx
    out: list[tuple[str, str]] = []
    if ctx.commune_code:
        area = str(Commune.objects.select_related("province").get(pk=ctx.commune_code))
    elif ctx.province_code:
        area = str(Province.objects.get(pk=ctx.province_code))
    elif ctx.scope.kind in {"provinces", "models", "groups"}:
        from .queries import scope_provinces

        codes = scope_provinces(ctx.scope) or set()
        area = ", ".join(str(p) for p in Province.objects.filter(pk__in=codes).order_by("name"))
    else:
        area = _("Whole country")
    out.append((_("Area"), area))
    if ctx.scope.kind in {"models", "groups", "providers"}:
        model: Any = {"models": SupportModel, "groups": PeerGroup, "providers": Organisation}[
            ctx.scope.kind
        ]
        names = ", ".join(str(o) for o in model._default_manager.filter(pk__in=ctx.scope.ids))
        out.append((_("Reporting unit"), names))
    if ctx.support_model_id:
        out.append((_("Support model"), str(SupportModel.objects.get(pk=ctx.support_model_id))))
    if ctx.peer_group_id:
        out.append((_("Peer group"), str(PeerGroup.objects.get(pk=ctx.peer_group_id))))
    if ctx.provider_id:
        out.append((_("Provider"), str(Organisation.objects.get(pk=ctx.provider_id))))
    out.append((pgettext("report", "Period"), ctx.period.label))
    return out


def as_dict(report: Report) -> dict[str, Any]:
    ctx = report.ctx
    return {
        "report": {
            "heading": [{"label": k, "value": v} for k, v in describe(report)],
            "period": {
                "code": ctx.period.code,
                "start": ctx.period.start.isoformat(),
                "end": ctx.period.end.isoformat(),
            },
            "area": {
                "province": ctx.province_code,
                "commune": ctx.commune_code,
            },
            "filters": {
                "support_model": ctx.support_model_id,
                "peer_group": ctx.peer_group_id,
                "provider": ctx.provider_id,
            },
            "suppressed": report.suppressed,
            "suppression_threshold": threshold() if report.suppressed else None,
            "disclosure": _disclosure(report),
            "generated_at": timezone.localtime(report.generated_at).isoformat(),
        },
        "indicators": [
            {
                "code": line.indicator.code,
                "number": line.indicator.number,
                "label": line.indicator.label,
                "label_vi": line.indicator.label_vi,
                "label_en": line.indicator.label_en,
                "unit": line.indicator.unit,
                "unit_vi": line.indicator.unit_obj.vi,
                "unit_en": line.indicator.unit_obj.en,
                "parent": line.indicator.parent,
                **_json_cell(line.cell),
                "breakdowns": {
                    dim: [{"key": bc.key, "label": bc.label, **_json_cell(bc.cell)} for bc in cells]
                    for dim, cells in line.breakdowns.items()
                },
            }
            for line in report.lines
        ],
    }


def to_json(report: Report) -> bytes:
    return json.dumps(as_dict(report), ensure_ascii=False, indent=2, default=str).encode()


def _disclosure(report: Report) -> dict[str, Any] | None:
    if not report.suppressed:
        return None
    return {
        "method": "cell_key",
        "note": disclosure_note(),
        "legend": [{"mark": m, "meaning": t} for m, t in legend()],
    }


def _json_cell(cell: Cell) -> dict[str, Any]:
    out: dict[str, Any] = {"value": cell.value}
    if cell.perturbed:
        out["adjusted"] = True
    if cell.withheld:
        out["withheld"] = True
        out["mark"] = cell.mark
    return out


def _notes(report: Report) -> list[str]:
    """The note and the legend as lines of text (CSV, PDF, Excel heading)."""
    if not report.suppressed:
        return []
    return [disclosure_note(), *[f"{m}: {t}" for m, t in legend()]]


def _headers() -> list[str]:
    return [_("No."), _("Indicator"), _("Unit"), _("Quantity")]


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
    for note in _notes(report):
        hw.writerow([note])
    hw.writerow([])
    # The BOM tells Excel the file is UTF-8 (Vietnamese letters survive).
    return ("\ufeff" + heading.getvalue() + buf.getvalue()).encode("utf-8")


def _csv(value: Any) -> Any:
    return "" if value is None else value


def to_xlsx(report: Report) -> bytes:
    """Every figure is a number cell (a SUM works); a withheld figure is an empty cell
    with its mark in the "Mark" column beside it; a perturbed report has a legend sheet
    and its note under the heading of every sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = _("Report")[:31]
    bold = Font(bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
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
    for col, title in enumerate([*_headers(), _("Mark")], start=1):
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

    for dim in report.dimensions():
        d = DIMENSIONS[dim]
        sheet = wb.create_sheet(sheet_title(str(d.label)))
        if d.by_area:
            _xlsx_area_sheet(report, dim, sheet, bold, box)
            continue
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
    if report.suppressed:
        sheet = wb.create_sheet(sheet_title(_("Legend")))
        sheet["A1"] = disclosure_note()
        sheet["A1"].font = bold
        for r, (mark, meaning) in enumerate(legend(), start=3):
            sheet.cell(row=r, column=1, value=mark).font = bold
            sheet.cell(row=r, column=2, value=meaning)
        sheet.column_dimensions["A"].width = 22
        sheet.column_dimensions["B"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def area_rows(
    report: Report, dim: str
) -> tuple[list[Any], list[tuple[Any, str, list[Cell | None]]]]:
    """An area table (by province, support model, commune): (its indicator lines,
    [(key, area name, a cell per line)]), the parts as rows, the report's totals last
    (key "total"). Cells are matched by key, never by position."""
    lines = [line for line in report.lines if dim in line.breakdowns]
    by_key = [{bc.key: bc.cell for bc in line.breakdowns[dim]} for line in lines]
    keys: list[tuple[Any, str]] = []
    for line in lines:
        for bc in line.breakdowns[dim]:
            if (bc.key, bc.label) not in keys:
                keys.append((bc.key, bc.label))
    rows: list[tuple[Any, str, list[Cell | None]]] = [
        (key, label, [cells.get(key) for cells in by_key]) for key, label in keys
    ]
    rows.append(("total", _("Total"), [line.cell for line in lines]))
    return lines, rows


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
    sheet.print_title_rows = f"{head}:{head}"
    sheet.print_area = f"A1:{get_column_letter(len(header))}{r}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def sheet_title(text: str) -> str:
    """An Excel sheet name: at most 31 characters, none of \\ / ? * [ ] : ("Xã/phường")."""
    for ch in "\\/?*[]:":
        text = text.replace(ch, "-")
    return text[:31]


def _xl(value: Any) -> Any:
    """A number, or an empty cell (withheld or not available): never a text figure."""
    return value if isinstance(value, int | float) else None


# --- PDF ---------------------------------------------------------------------------------

_FONT_CANDIDATES = [
    # Shipped with the project (DejaVu fonts licence, see fonts/DejaVu-LICENSE.txt), so
    # a fresh machine prints Vietnamese without installing fonts.
    str(Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"),
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation/LiberationSans-Regular.ttf",
]


def pdf_font() -> str:
    """Register and return a font with Vietnamese glyphs.

    reportlab's bundled fonts (Vera, the Type 1 set) lack most Vietnamese letters, so a
    system TrueType font is needed: CAUNOI_PDF_FONT (a .ttf path) if set, else DejaVu
    Sans or Liberation Sans where the system has them (Debian: fonts-dejavu-core).
    Without any of them the PDF falls back to Vera, and letters such as ạ, ế, ư show as
    boxes."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "CauNoiSans"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    candidates = [os.environ.get("CAUNOI_PDF_FONT", ""), *_FONT_CANDIDATES]
    import reportlab

    candidates.append(str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"))
    for path in candidates:
        if path and Path(path).exists():
            pdfmetrics.registerFont(TTFont(name, path))
            return name
    return "Helvetica"


def to_pdf(report: Report, *, compress: bool = True) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = pdf_font()
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=11)
    title = ParagraphStyle("title", parent=base, fontSize=14, leading=18, spaceAfter=6)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("Indicator report"),
        pageCompression=1 if compress else 0,
        invariant=0 if compress else 1,
    )
    story: list[Any] = [Paragraph(_("INDICATOR REPORT"), title)]
    for label, value in describe(report):
        story.append(Paragraph(f"<b>{_esc(label)}:</b> {_esc(value)}", base))
    for note in _notes(report):
        story.append(Paragraph(_esc(note), base))
    story.append(Spacer(1, 6))
    data: list[list[Any]] = [[Paragraph(_esc(h), base) for h in _headers()]]
    for line in report.lines:
        ind = line.indicator
        indent = "&nbsp;" * 4 * ind.level
        data.append(
            [
                ind.number,
                Paragraph(indent + _esc(ind.label), base),
                ind.unit_obj.label,
                str(line.cell),
            ]
        )
    table = Table(data, colWidths=[14 * mm, 110 * mm, 26 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6f2ec")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (3, 1), (3, -1), "RIGHT"),
            ]
        )
    )
    story.append(table)
    for dim in report.dimensions():
        d = DIMENSIONS[dim]
        story.append(Spacer(1, 8))
        story.append(Paragraph(f"<b>{_esc(str(d.label))}</b>", base))
        if d.by_area:
            story.append(_pdf_area_table(report, dim, font))
            continue
        rows: list[list[Any]] = [[_("No."), _("Indicator"), _("Group"), _("Quantity")]]
        for line in report.lines:
            for bc in line.breakdowns.get(dim, []):
                rows.append(
                    [
                        line.indicator.number,
                        Paragraph(_esc(line.indicator.label), base),
                        Paragraph(_esc(bc.label), base),
                        str(bc.cell),
                    ]
                )
        t = Table(rows, colWidths=[14 * mm, 90 * mm, 46 * mm, 28 * mm], repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("FONTSIZE", (0, 0), (-1, -1), 8),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("ALIGN", (3, 1), (3, -1), "RIGHT"),
                ]
            )
        )
        story.append(t)
    doc.build(story)
    return out.getvalue()


def _pdf_area_table(report: Report, dim: str, font: str) -> Any:
    """The parts as rows and the headline indicators as columns (each named once, in
    the heading row repeated on every page), the report's totals last."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    small = ParagraphStyle("area", fontName=font, fontSize=6.5, leading=7.5)
    lines, rows = area_rows(report, dim)
    data: list[list[Any]] = [
        [
            Paragraph(_esc(str(DIMENSIONS[dim].label)), small),
            *[
                Paragraph(_esc(f"{ln.indicator.number}. {ln.indicator.label}"), small)
                for ln in lines
            ],
        ]
    ]
    for _key, label, cells in rows:
        data.append([Paragraph(_esc(label), small), *["0" if c is None else str(c) for c in cells]])
    width = (180 - 36) * mm / max(len(lines), 1)
    t = Table(data, colWidths=[36 * mm, *[width] * len(lines)], repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 7),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6f2ec")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return t


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
