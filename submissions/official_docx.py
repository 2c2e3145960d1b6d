"""The official document as a Word file (python-docx), in Times New Roman."""

from __future__ import annotations

import io
from typing import Any

from .models import ReportVersion
from .official import MOTTO, NATIONAL_TITLE, Document, _paragraphs, build_document


def _docx_page_field(paragraph: Any, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)


def _no_borders(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _para(
    cell_or_doc: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: int = 13,
    align: Any = None,
    first: bool = False,
) -> Any:
    """A paragraph of one run (the cell's first paragraph when `first`), centred unless
    `align` says otherwise, with no space after it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if align is None else align
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return p


def _docx_header(word: Any, d: Document) -> None:
    """The agencies and number on the left, the national title, motto and date on the right."""
    from docx.shared import Mm

    header = word.add_table(rows=1, cols=2)
    _no_borders(header)
    left, right = header.rows[0].cells
    left.width, right.width = Mm(68), Mm(92)
    _para(left, d.parent_agency, size=12, first=True)
    _para(left, d.issuing_agency, bold=True, size=12)
    _para(left, "―――――", size=8)
    _para(left, d.number, size=13)
    _para(right, NATIONAL_TITLE, bold=True, size=12, first=True)
    _para(right, MOTTO, bold=True, size=13)
    _para(right, "――――――――――――", size=8)
    _para(right, d.place_date, italic=True, size=13)


def _docx_indicators(word: Any, d: Document) -> None:
    """The indicator table (its heading row repeated on every page) and the figures' note."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    _para(word, "Số liệu chỉ tiêu:", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    table = word.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text_ in zip(
        table.rows[0].cells, ("STT", "Chỉ tiêu", "Đơn vị tính", "Số lượng"), strict=True
    ):
        _para(cell, text_, bold=True, size=11, first=True)
    # The heading row repeats on every page.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for row in d.rows:
        cells = table.add_row().cells
        _para(cells[0], row.number, size=11, first=True)
        label = _para(
            cells[1],
            row.label,
            bold=row.level == 0,
            size=11,
            first=True,
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )
        label.paragraph_format.left_indent = Mm(4 * row.level)
        _para(cells[2], row.unit, size=11, first=True)
        _para(cells[3], row.text, size=11, first=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    for row_ in table.rows:
        for cell, w in zip(row_.cells, (Mm(12), Mm(100), Mm(24), Mm(24)), strict=True):
            cell.width = w
    _para(word, d.figures_note, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)


def _docx_foot(word: Any, d: Document) -> None:
    """The recipients ("Nơi nhận") on the left, the signer's block on the right."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    foot = word.add_table(rows=1, cols=2)
    _no_borders(foot)
    left, right = foot.rows[0].cells
    left.width, right.width = Mm(68), Mm(92)
    _para(
        left,
        "Nơi nhận:",
        bold=True,
        italic=True,
        size=12,
        first=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    for recipient in d.recipients:
        _para(left, recipient, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(right, d.signer_position, bold=True, size=13, first=True)
    _para(right, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True, size=11)
    for _ in range(4):
        _para(right, "", size=13)
    _para(right, d.signer_name, bold=True, size=13)


def to_docx(version: ReportVersion) -> bytes:
    from docx import Document as WordDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    d = build_document(version)
    word = WordDocument()
    section = word.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    style = word.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    word.core_properties.title = f"{d.title} {d.summary}"
    word.core_properties.author = d.issuing_agency

    _docx_header(word, d)
    _para(word, "", size=6)
    _para(word, d.title, bold=True, size=14)
    _para(word, d.summary, bold=True, size=13)
    _para(word, "―――――", size=8)
    for index, (section_title, text) in enumerate(d.sections):
        _para(word, section_title, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        for paragraph_text in _paragraphs(text):
            p = _para(word, paragraph_text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
            p.paragraph_format.first_line_indent = Mm(10)
        if index == 0:
            _docx_indicators(word, d)
    _para(word, "", size=6)
    _docx_foot(word, d)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Trang ")
    _docx_page_field(footer, "PAGE")
    footer.add_run("/")
    _docx_page_field(footer, "NUMPAGES")

    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
