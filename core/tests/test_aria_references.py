"""Every aria-describedby / aria-labelledby on a form page names an element on that page
(Django points a field with help text at "<id>_helptext" and one with errors at
"<id>_error": the templates must render both). Checked without a browser, over the form
pages of every role, empty and sent empty; axe checks the key pages in Chromium."""

from __future__ import annotations

import re
from typing import Any

import pytest

from clients.tests.conftest import register

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r'aria-(?:describedby|labelledby)="([^"]*)"')
ID = re.compile(r'\sid="([^"]+)"')


def _dangling(html: str) -> list[str]:
    ids = set(ID.findall(html))
    return [ref for refs in REFERENCE.findall(html) for ref in refs.split() if ref not in ids]


def test_it_names_only_elements_that_are_on_the_page(world: Any, as_user: Any) -> None:
    client = register(world)
    consent = client.consents.first()
    assert consent is not None
    pages = {
        world.peer: [
            "/clients/new/",
            f"/clients/{client.public_id}/",
            f"/clients/{client.public_id}/edit/",
            f"/clients/{client.public_id}/consents/new/",
            f"/clients/{client.public_id}/requests/new/",
            "/outreach/contacts/new/",
            f"/outreach/contacts/new/{client.public_id}/",
            f"/referrals/client/{client.public_id}/new/",
            f"/referrals/client/{client.public_id}/service/",
            "/safety/incidents/new/",
            "/activities/new/?kind=meeting",
        ],
        world.hotline: ["/activities/hotline/new/", "/referrals/hotline/new/"],
        world.provider: ["/referrals/inbox/", "/referrals/services/new/"],
        world.coordinator: [
            "/programs/models/new/",
            "/programs/groups/new/",
            "/directory/services/new/",
            "/directory/locations/new/",
            "/directory/agreements/new/",
            "/outreach/materials/new/",
            "/outreach/stock/receive/",
            "/activities/establishments/new/",
        ],
    }
    checked = sent_empty = 0
    problems = []
    for user, urls in pages.items():
        http = as_user(user)
        for url in urls:
            response = http.get(url)
            if response.status_code != 200:
                continue
            checked += 1
            problems += [f"GET {url}: {r}" for r in _dangling(response.content.decode())]
            if url.endswith("/new/") or url.endswith("/receive/"):
                sent = http.post(url, {})  # refused: the form comes back with its errors
                if sent.status_code == 200:
                    sent_empty += 1
                    problems += [f"POST {url}: {r}" for r in _dangling(sent.content.decode())]
    assert checked >= 20 and sent_empty >= 10, (checked, sent_empty)
    assert problems == []
