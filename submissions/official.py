"""The submitted report as an official document: its content, laid out as below in each
format (official_pdf, official_docx, official_xlsx; official_formats picks one).

Built from a frozen `ReportVersion` only (its figures JSON and narrative), never from
live figures: the document is what was submitted. The layout follows Decree
30/2020/NĐ-CP (Appendix I, administrative documents):

- top left: the governing agency (capitals), the issuing agency (bold capitals), a rule,
  the number and symbol ("Số: 15/BC-CCPCTNXH");
- top right: the national title "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and motto "Độc lập -
  Tự do - Hạnh phúc" (bold, ruled), then place and date in italics;
- the document kind "BÁO CÁO" and its summary line, centred and bold;
- the body: results with the indicator table (each indicator named once), difficulties,
  recommendations;
- bottom: "Nơi nhận:" with the recipients on the left, the signer's position, a space to
  sign and the name on the right;
- "Trang x/y" on every page.

The document text is Vietnamese whatever the user's language: these are Vietnamese
administrative documents, whose wording the decree fixes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import override

from reports.report import format_number

from . import queries
from .models import Level, ReportVersion

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SECTIONS = (
    ("results", "I. KẾT QUẢ THỰC HIỆN"),
    ("difficulties", "II. KHÓ KHĂN, VƯỚNG MẮC"),
    ("recommendations", "III. KIẾN NGHỊ, ĐỀ XUẤT"),
)


@dataclass
class Row:
    number: str
    label: str
    unit: str
    value: Any
    level: int

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if isinstance(self.value, int | float):
            with override("vi"):
                return format_number(self.value)
        return str(self.value)


@dataclass
class Document:
    parent_agency: str
    issuing_agency: str
    number: str
    place_date: str
    title: str
    summary: str
    rows: list[Row]
    sections: list[tuple[str, str]]
    figures_note: str
    recipients: list[str]
    signer_position: str
    signer_name: str
    file_stem: str


def _date_line(place: str, when: datetime) -> str:
    local = timezone.localtime(when)
    return f"{place or '……'}, ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def file_stem(version: ReportVersion) -> str:
    """bao-cao_<unit>_<area>_<period>_v<n>: the unit, its area and the period."""
    report = version.report
    if report.level == Level.MODEL and report.support_model is not None:
        unit, area = report.support_model.name, report.support_model.province.name
    elif report.level == Level.PROVINCE and report.province is not None:
        unit, area = "bao cao tinh", report.province.name
    else:
        unit, area = "bao cao toan quoc", "viet nam"
    parts = [slugify(_ascii(unit)), slugify(_ascii(str(area))), report.period_code.lower()]
    return "_".join(["bao-cao", *parts, f"v{version.number}"])


def build_document(version: ReportVersion) -> Document:
    report = version.report
    doc = version.document or {}
    with override("vi"):
        period = queries.period_of(report)
        period_title, period_dates = period.title, period.dates
        unit = report.unit_name
    indicators = version.figures.get("indicators", [])
    rows = [
        Row(
            i["number"],
            i.get("label_vi") or i["label"],
            i.get("unit_vi") or i["unit"],
            i["value"],
            str(i["number"]).count("."),
        )
        for i in indicators
    ]
    when = timezone.localtime(version.submitted_at)
    note = (
        f"Số liệu của {unit}, kỳ {period_title} (từ {period_dates.replace(' – ', ' đến ')}), "
        f"chốt lúc {when:%H:%M} ngày {when:%d/%m/%Y} khi gửi lần thứ {version.number}; "
        "một lượt hỗ trợ là một (người, nhóm dịch vụ, cơ sở, ngày); số người không trùng lặp."
    )
    recipients = [
        line.strip() for line in (doc.get("recipients") or "").splitlines() if line.strip()
    ]
    number = doc.get("doc_number") or ""
    return Document(
        parent_agency=(doc.get("parent_agency") or "").upper(),
        issuing_agency=(doc.get("issuing_agency") or unit).upper(),
        number=f"Số: {number}" if number else "Số:        /BC-",
        place_date=_date_line(doc.get("place", ""), version.submitted_at),
        title="BÁO CÁO",
        summary=f"Kết quả thực hiện {period_title} của {unit}",
        rows=rows,
        sections=[(heading, getattr(version, field)) for field, heading in SECTIONS],
        figures_note=note,
        recipients=recipients,
        signer_position=(doc.get("signer_position") or "").upper(),
        signer_name=doc.get("signer_name") or "",
        file_stem=file_stem(version),
    )


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text or "") if p.strip()] or ["—"]
