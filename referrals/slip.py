"""The referral slip: the client's short code, the referral code and a QR code. Never a
name. The QR encodes the provider look-up URL carrying only the referral's opaque code."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from django.utils.translation import gettext as _

from .models import Referral

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


def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    for path in FONT_CANDIDATES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def slip_png(referral: Referral, url: str) -> bytes:
    """A PNG the client can keep on their phone: QR code plus the two codes."""
    from PIL import Image, ImageDraw

    qr = segno.make(url, error="m")
    qr_buffer = io.BytesIO()
    qr.save(qr_buffer, kind="png", scale=8, border=2)
    qr_buffer.seek(0)
    qr_image = Image.open(qr_buffer).convert("RGB")
    width = max(qr_image.width + 40, 480)
    lines = [
        (_("Referral code"), referral.code),
        (_("Client code"), referral.client.short_code),
        (_("Service"), str(referral.get_service_type_display())),
        (_("Provider"), referral.provider.name),
    ]
    height = 70 + qr_image.height + 20 + 58 * len(lines)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 20), _("Cầu Nối referral slip"), fill="#0b6e4f", font=_font(26))
    image.paste(qr_image, ((width - qr_image.width) // 2, 64))
    y = 64 + qr_image.height + 16
    small, big = _font(16), _font(24)
    for label, value in lines:
        draw.text((20, y), label, fill="#5b6472", font=small)
        text = value if len(value) <= 40 else value[:39] + "…"
        draw.text((20, y + 20), text, fill="#1d2430", font=big)
        y += 58
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
