"""The referral slip: the client's short code, the referral code and a QR code. Never a
name. The QR encodes the provider look-up URL carrying only the referral's opaque code."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import segno
from django.utils.translation import gettext as _

from .models import Referral

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont, ImageFont

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
]


def qr_svg(url: str) -> str:
    """Inline SVG (no XML declaration) for the slip page."""
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, title="QR")
    return buffer.getvalue().decode()


def _font(size: int) -> FreeTypeFont | ImageFont:
    from PIL import ImageFont

    for path in FONT_CANDIDATES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def slip_lines(referral: Referral, locations: Iterable[Any] = ()) -> list[tuple[str, str]]:
    """What the slip image says, label and value: the codes, the service, the provider and
    where to go (address, opening hours, phone). `locations` are the service's locations
    as the user may see them (directory.queries.locations_as_seen_by): a confidential
    address is never written on the image."""
    lines = [
        (_("Referral code"), referral.code),
        (_("Client code"), referral.client.short_code),
        (_("Service"), str(referral.get_service_type_display())),
        (_("Provider"), referral.provider.name),
    ]
    service = referral.service
    for view in locations:
        location = view.location
        if view.address:
            lines.append((_("Address"), view.address))
        elif location.confidential:
            lines.append((_("Address"), str(_("Address given by phone"))))
        if location.opening_hours:
            lines.append((_("Opening hours"), location.opening_hours))
        if location.phone:
            lines.append((_("Phone"), location.phone))
    if service is not None:
        if service.opening_hours and not any(v.location.opening_hours for v in locations):
            lines.append((_("Opening hours"), service.opening_hours))
        if service.phone and service.phone not in {v.location.phone for v in locations}:
            lines.append((_("Phone"), service.phone))
    return lines


def _wrap(draw: Any, text: str, font: Any, width: int) -> list[str]:
    """The text in lines that fit `width` pixels (never cut: a provider's whole name)."""
    out: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            out.append(line)
            line = word
        else:
            line = candidate
    out.append(line)
    return out


def slip_png(referral: Referral, url: str, locations: Iterable[Any] = ()) -> bytes:
    """A PNG the client can keep on their phone: the QR code, the two codes and where to
    go (see `slip_lines`)."""
    from PIL import Image, ImageDraw

    qr = segno.make(url, error="m")
    qr_buffer = io.BytesIO()
    qr.save(qr_buffer, kind="png", scale=8, border=2)
    qr_buffer.seek(0)
    qr_image = Image.open(qr_buffer).convert("RGB")
    width = max(qr_image.width + 40, 480)
    locations = list(locations)
    small, big = _font(16), _font(24)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    blocks = [
        (label, _wrap(measure, value, big, width - 40))
        for label, value in slip_lines(referral, locations)
    ]
    height = 70 + qr_image.height + 20 + sum(28 + 30 * len(rows) for _l, rows in blocks)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 20), _("Cầu Nối referral slip"), fill="#0b6e4f", font=_font(26))
    image.paste(qr_image, ((width - qr_image.width) // 2, 64))
    y = 64 + qr_image.height + 16
    for label, rows in blocks:
        draw.text((20, y), label, fill="#5b6472", font=small)
        y += 20
        for row in rows:
            draw.text((20, y), row, fill="#1d2430", font=big)
            y += 30
        y += 8
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
