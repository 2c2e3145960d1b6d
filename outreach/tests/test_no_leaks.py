"""No client name, phone or UIC in any URL, log line or error page during a registration and
contact flow."""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.uic import uic_index
from outreach.models import OutreachContact

NAME = "Trịnh Thị Nhàn"
PHONE = "0977 111 222"
SECRETS = [NAME, "Nhàn", "Trịnh", PHONE, "0977111222", "977111222", "NHHO"]


def test_it_never_puts_identity_in_urls_logs_or_error_pages(
    world: Any, as_user: Any, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    http = as_user(world.peer)
    urls: list[str] = []

    def visit(method: str, url: str, data: dict[str, Any] | None = None) -> Any:
        urls.append(url)
        response = getattr(http, method)(url, data or {})
        if response.get("Location"):
            urls.append(response["Location"])
        return response

    visit("get", reverse("clients:register"))
    form = {
        "peer_group": world.group.pk,
        "given_name": "Nhàn",
        "mother_given_name": "Hoa",
        "birth_year": "1990",
        "sex": "F",
        "gender_identity": "woman",
        "population_groups": ["fsw"],
        "commune": world.ha_long.pk,
        "name": NAME,
        "phone": PHONE,
        "consent_method": "verbal",
        "consent_follow_up": "on",
        "consent_phone": "on",
    }
    visit("post", reverse("clients:register"), form)
    client = Client.objects.get()
    uic = "NHHO90F"
    assert client.uic == uic_index(uic)  # only the keyed hash is stored
    # The duplicate path, the find-by-code path, the client page, a contact.
    visit("post", reverse("clients:register"), form)
    visit("post", reverse("clients:find"), {"code": uic})
    visit("post", reverse("clients:find"), {"code": client.short_code})
    visit("get", reverse("clients:detail", args=[client.public_id]))
    visit(
        "post",
        reverse("outreach:contact_new_for", args=[client.public_id]),
        {
            "peer_group": world.group.pk,
            "contact_date": timezone.localdate().isoformat(),
            "place_type": "street",
            "topics": ["hiv_sti"],
        },
    )
    assert OutreachContact.objects.count() == 1
    visit("get", reverse("clients:export", args=[client.public_id]))
    # Error pages: out of scope (404) for another group's peer.
    other = as_user(world.peer_other_group)
    not_found = other.get(reverse("clients:detail", args=[client.public_id]))
    urls.append(reverse("clients:detail", args=[client.public_id]))
    assert not_found.status_code == 404
    error_page = not_found.content.decode()
    logs = "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r} {getattr(r, 'request', '')}" for r in caplog.records
    )
    assert caplog.records  # something was logged, and looked at
    for secret in [*SECRETS, uic, client.short_code]:
        for url in urls:
            assert secret.lower() not in url.lower(), url
        assert secret not in logs
        assert secret not in error_page
