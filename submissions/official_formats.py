"""The official document as a file: the formats offered and the one function that renders a
submitted version in one of them."""

from __future__ import annotations

from collections.abc import Callable

from .models import ReportVersion
from .official_docx import to_docx
from .official_pdf import to_pdf
from .official_xlsx import to_xlsx

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


_WRITERS: dict[str, Callable[[ReportVersion], bytes]] = {
    "pdf": to_pdf,
    "docx": to_docx,
    "xlsx": to_xlsx,
}


def render(version: ReportVersion, fmt: str) -> bytes:
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise ValueError(fmt)
    return writer(version)
