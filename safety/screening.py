"""Screening a safety alert's text before it is shared: it describes a danger (a person,
vehicle, place, method), never a victim.

Every free-text field is checked against
- the victim's and every registered client's name and nickname, through the name-token
  blind indexes (clients.ClientIdentityToken, core.crypto.name_token_indexes): the
  text's word n-grams are folded and indexed the same way and looked up, nobody's
  identity is decrypted. Stretches of two words or more ("Thị Lan", "Nguyễn Lan") are
  compared with every client; a single word ("Lan", a nickname "Bé") only with the
  victim's, since single words are too common to refuse nation-wide;
- phone numbers: anything shaped like a Vietnamese phone number (0…, 84…, +84…, with
  spaces, dots or dashes) is refused, and every digit run is also compared with every
  client's phone blind index;
- name-like patterns: an honorific or kinship word followed by a capitalised word
  ("Chị Hằng", "em Thảo", "bạn Na").

Each finding names the stretch to remove, in the words the author typed. The message
is the same whether a stretch matched a registered client or only a pattern, so the
check does not tell the author who is registered."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from core.crypto import blind_index, normalise_phone
from core.text import fold

MAX_GRAM = 5

# Honorifics and kinship words used before a person's name, as written (lower case,
# with their diacritics: "ở" is not the Huế "O", "ba" is not "bà").
HONORIFICS = {
    "chị",
    "em",
    "bạn",
    "anh",
    "cô",
    "bà",
    "ông",
    "cháu",
    "bé",
    "chú",
    "dì",
    "bác",
    "cậu",
    "thím",
    "mợ",
    "o",
    "mẹ",
    "con",
    "nàng",
    "má",
}
# Words after an honorific that are not names, even when capitalised (all-caps text).
NOT_NAMES = {
    "ta",
    "ay",
    "kia",
    "nay",
    "no",
    "do",
    "em",
    "chi",
    "anh",
    "ban",
    "va",
    "cua",
    "voi",
    "thi",
    "la",
    "bi",
    "da",
    "dang",
    "se",
    "nen",
    "khong",
    "hay",
    "phai",
    "can",
    "nhe",
    "oi",
    "minh",
    "ho",
    "gai",
    "trai",
}

# Words before a place named after a person ("đường Bà Triệu", "thị xã Ba Đồn").
PLACE_WORDS = {
    "duong",
    "pho",
    "phuong",
    "xa",
    "huyen",
    "tinh",
    "cau",
    "cho",
    "khu",
    "quan",
    "ngo",
    "hem",
    "kiet",
    "ben",
    "thon",
    "lang",
    "nui",
    "dao",
    "song",
    "ho",
    "bien",
    "den",
    "chua",
    "truong",
    "benh",
    "vien",
}

WORD = re.compile(r"\w+")
# A phone-like run: an optional +84 / 84 / 0 prefix then 8–10 digits, separated by
# spaces, dots, dashes or brackets (checked for the Vietnamese shape afterwards).
PHONE_RUN = re.compile(r"(?<![\w+])\+?\d(?:[\s.\-()]{0,2}\d){7,12}(?!\w)")


@dataclass(frozen=True)
class Finding:
    field: str
    fragment: str
    kind: str  # "name" or "phone"

    def message(self) -> str:
        if self.kind == "phone":
            return _(
                "Remove “%(text)s”: an alert never gives a phone number. Describe the danger "
                "instead (how the person makes contact, where)."
            ) % {"text": self.fragment}
        return _(
            "Remove “%(text)s”: it looks like a person's name. An alert never names anyone, "
            "least of all the person who was hurt; describe the danger instead."
        ) % {"text": self.fragment}


def _words(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for each word of the text as typed."""
    return [(fold(m.group()), m.start(), m.end()) for m in WORD.finditer(text)]


def _grams(words: list[tuple[str, int, int]], text: str) -> list[tuple[str, str, int]]:
    """(folded n-gram, stretch as typed, number of words) for n = 1…MAX_GRAM."""
    out = []
    for i in range(len(words)):
        for n in range(1, MAX_GRAM + 1):
            if i + n > len(words):
                break
            folded = " ".join(w for w, _s, _e in words[i : i + n])
            out.append((folded, text[words[i][1] : words[i + n - 1][2]], n))
    return out


def is_vietnamese_phone(digits: str) -> bool:
    """A normalised number (core.crypto.normalise_phone) of a Vietnamese mobile
    (0[35789] + 8 digits) or landline (02 + 9 digits)."""
    return (len(digits) == 10 and digits[:2] in {"03", "05", "07", "08", "09"}) or (
        len(digits) == 11 and digits.startswith("02")
    )


def _phone_findings(
    field: str, text: str, victim: Any = None, everyone: bool = True
) -> list[Finding]:
    from clients.models import Client

    findings: list[Finding] = []
    candidates: dict[str, str] = {}
    for m in PHONE_RUN.finditer(text):
        digits = normalise_phone(m.group())
        if is_vietnamese_phone(digits):
            findings.append(Finding(field, m.group().strip(), "phone"))
        else:
            for variant in {digits, "0" + digits}:
                candidates[blind_index("phone", variant)] = m.group().strip()
    candidates.pop("", None)
    if candidates and (everyone or victim is not None):
        clients = Client.objects.all() if everyone else Client.objects.filter(pk=victim.pk)
        hits = set(
            clients.filter(phone_index__in=list(candidates)).values_list("phone_index", flat=True)
        )
        findings += [Finding(field, candidates[h], "phone") for h in sorted(hits)]
    return findings


def _pattern_findings(field: str, text: str, words: list[tuple[str, int, int]]) -> list[Finding]:
    findings = []
    for i, (_folded, start, end) in enumerate(words[:-1]):
        if text[start:end].lower() not in HONORIFICS:
            continue
        if i > 0 and words[i - 1][0] in PLACE_WORDS:
            continue
        j = i + 1
        while j < len(words) and j - i <= 3:
            nxt_folded, nxt_start, _nxt_end = words[j]
            typed = text[nxt_start]
            if not typed.isupper() or nxt_folded in NOT_NAMES or nxt_folded.isdigit():
                break
            j += 1
        if j > i + 1:
            findings.append(Finding(field, text[start : words[j - 1][2]], "name"))
    return findings


def screen_alert(
    *, fields: dict[str, str], victim: Any = None, everyone: bool = True
) -> list[Finding]:
    """Findings in the alert's free-text fields ({field name: text}), at most one per
    stretch. `victim` is the incident's client (or None). `everyone=False` compares the
    text with the victim's identity and the patterns only, never with other clients: for
    a text whose refusal is not rate-limited (a note about one client), so that it cannot
    be used to test whether somebody else is registered."""
    from clients.models import ClientIdentityToken

    findings: list[Finding] = []
    lookups: dict[str, list[tuple[str, str, int]]] = {}
    for field, text in fields.items():
        words = _words(text)
        findings += _phone_findings(field, text, victim, everyone)
        findings += _pattern_findings(field, text, words)
        for folded, typed, n in _grams(words, text):
            index = blind_index("name", folded)
            if index:
                lookups.setdefault(index, []).append((field, typed, n))
    if lookups:
        multi = [i for i, uses in lookups.items() if any(n > 1 for _f, _t, n in uses)]
        hits: set[str] = set()
        if everyone:
            hits = set(
                ClientIdentityToken.objects.filter(index__in=multi).values_list("index", flat=True)
            )
        if victim is not None:
            hits |= set(
                ClientIdentityToken.objects.filter(
                    client=victim, index__in=list(lookups)
                ).values_list("index", flat=True)
            )
        for index in hits:
            for field, typed, n in lookups[index]:
                if n > 1 or victim is not None:
                    findings.append(Finding(field, typed, "name"))
    return _dedupe(findings)


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per stretch; a stretch inside a longer one of the same field is left
    out ("Lan" when "Chị Lan" is already named)."""
    unique = list(dict.fromkeys(findings))
    kept = []
    for f in unique:
        if any(
            o is not f and o.field == f.field and f.fragment in o.fragment and o != f
            for o in unique
        ):
            continue
        kept.append(f)
    return kept
