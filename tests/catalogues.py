"""What a page shows in English although the app's catalogue translates it: each app ships
its own strings (`<app>/locale/vi/`), so a string moved out of another app's catalogue and
not into its own shows up here."""

from __future__ import annotations

import gettext
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.texts.update(v.strip() for k, v in attrs if k in SHOWN_ATTRIBUTES and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.add(" ".join(data.split()))


def translated_msgids(app: str) -> set[str]:
    """The msgids the app's compiled Vietnamese catalogue translates to something else."""
    mo = Path(settings.BASE_DIR) / app / "locale" / "vi" / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {
        key.split("\x04")[-1]
        for key, text in catalog.items()
        if isinstance(key, str) and key and text != key.split("\x04")[-1]
    }


def english_leaks(html: str, *apps: str) -> set[str]:
    """The English msgids of the apps' catalogues that stand whole as a text of the page."""
    parser = _Texts()
    parser.feed(html)
    english = set().union(*(translated_msgids(app) for app in apps))
    return parser.texts & english
