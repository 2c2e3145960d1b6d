"""The official document as a file: the formats offered and the one function that renders a
submitted version in one of them."""

from __future__ import annotations

from .models import ReportVersion
from .official_docx import to_docx
from .official_pdf import to_pdf
from .official_xlsx import to_xlsx

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render(version: ReportVersion, fmt: str) -> bytes:
    if fmt == "pdf":
        return to_pdf(version)
    if fmt == "docx":
        return to_docx(version)
    if fmt == "xlsx":
        return to_xlsx(version)
    raise ValueError(fmt)
