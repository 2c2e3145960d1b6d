"""The PDF export of a report (A4, a font with Vietnamese glyphs)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from .dimensions import DIMENSIONS
from .export_common import area_rows, describe, line_headers, note_lines
from .report import Report

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
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Spacer

    font = pdf_font()
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=11)
    title = ParagraphStyle("title", parent=base, fontSize=14, leading=18, spaceAfter=6)
    story: list[Any] = [Paragraph(_("INDICATOR REPORT"), title)]
    for label, value in describe(report):
        story.append(Paragraph(f"<b>{_esc(label)}:</b> {_esc(value)}", base))
    for note in note_lines(report):
        story.append(Paragraph(_esc(note), base))
    story.append(Spacer(1, 6))
    story.append(_pdf_main_table(report, font, base))
    for dim in report.dimensions():
        d = DIMENSIONS[dim]
        story.append(Spacer(1, 8))
        story.append(Paragraph(f"<b>{_esc(str(d.label))}</b>", base))
        if d.by_area:
            story.append(_pdf_area_table(report, dim, font))
            continue
        story.append(_pdf_breakdown_table(report, dim, font, base))
    return pdf_bytes(
        story,
        pagesize=A4,
        margins_mm=(15, 15, 15, 15),
        title=_("Indicator report"),
        pageCompression=1 if compress else 0,
        invariant=0 if compress else 1,
    )


def pdf_bytes(
    story: list[Any],
    *,
    pagesize: tuple[float, float],
    margins_mm: tuple[float, float, float, float],
    canvasmaker: Any = None,
    **info: Any,
) -> bytes:
    """The PDF file of the flowables laid out on pages of `pagesize`, with the margins
    (left, right, top, bottom) in millimetres; `info`: the document's title, author and
    output options."""
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    out = io.BytesIO()
    sides = ("leftMargin", "rightMargin", "topMargin", "bottomMargin")
    margins = {side: size * mm for side, size in zip(sides, margins_mm)}
    doc = SimpleDocTemplate(out, pagesize=pagesize, **margins, **info)
    if canvasmaker is None:
        doc.build(story)
    else:
        doc.build(story, canvasmaker=canvasmaker)
    return out.getvalue()


def _pdf_main_table(report: Report, font: str, base: Any) -> Any:
    """A row per indicator (indented by its level) with its published figure."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph

    data: list[list[Any]] = [[Paragraph(_esc(h), base) for h in line_headers()]]
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
    return _grid_table(
        data,
        [14 * mm, 110 * mm, 26 * mm, 28 * mm],
        font,
        9,
        0.5,
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(_HEADING)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (3, 1), (3, -1), "RIGHT"),
    )


def _pdf_breakdown_table(report: Report, dim: str, font: str, base: Any) -> Any:
    """A row per part of each indicator broken down by `dim`."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph

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
    return _grid_table(
        rows,
        [14 * mm, 90 * mm, 46 * mm, 28 * mm],
        font,
        8,
        0.25,
        ("ALIGN", (3, 1), (3, -1), "RIGHT"),
    )


def _pdf_area_table(report: Report, dim: str, font: str) -> Any:
    """The parts as rows and the headline indicators as columns (each named once, in
    the heading row repeated on every page), the report's totals last."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph

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
    return _grid_table(
        data,
        [36 * mm, *[width] * len(lines)],
        font,
        7,
        0.25,
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(_HEADING)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    )


_HEADING = "#e6f2ec"  # the background of a table's heading row


def _grid_table(
    data: list[list[Any]], widths: list[Any], font: str, size: float, grid: float, *style: Any
) -> Any:
    """A table in `font` at `size` points, ruled with `grid`-point grey lines, its heading
    row repeated on every page, with the further `style` commands."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), size),
                ("GRID", (0, 0), (-1, -1), grid, colors.grey),
                *style,
            ]
        )
    )
    return table


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
