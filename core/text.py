"""Vietnamese text folding, so that 'Ha Long', 'hạ long' and 'HẠ LONG' all match."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip diacritics, including the đ/Đ that NFD leaves alone."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
