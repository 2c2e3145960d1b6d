"""Django forms read from a page's HTML the way a browser submits them."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class FormReader(HTMLParser):
    """Reads the fields of every POST form the way a browser would submit them. The page's
    own form is the one posting back to the page (no `action`): `reader.own()`."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self.options: dict[str, list[str]] = {}  # select name → its non-empty option values
        self._data: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def own(self) -> dict[str, list[str]]:
        for action, data in self.forms:
            if not action:
                return data
        raise SystemExit("The page has no form posting back to itself.")

    def _add(self, name: str, value: str) -> None:
        assert self._data is not None
        self._data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._data = {}
            self.forms.append((a.get("action", ""), self._data))
            return
        if self._data is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
                return
            self._add(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if value:
                self.options.setdefault(self._select, []).append(value)
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._add(self._select, value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data: str) -> None:
        if self._textarea and self._data is not None:
            self._data[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._data = None
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self._add(self._select, self._select_first)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def contact_form_data(html: str) -> dict[str, Any]:
    """The contact form as rendered (prefilled), with a need ticked and two condoms handed
    out: what a peer logging a contact submits."""
    reader = FormReader()
    reader.feed(html)
    data: dict[str, Any] = {k: (v if len(v) > 1 else v[0]) for k, v in reader.own().items()}
    data["needs"] = ["hiv_test"]
    if data.get("place_type") == "establishment" and not data.get("establishment"):
        # The prefilled place is an establishment: pick one, as the peer would.
        data["establishment"] = reader.options.get("establishment", [""])[0]
    if "qty_condom" in data:
        data["qty_condom"] = "2"
    return data
