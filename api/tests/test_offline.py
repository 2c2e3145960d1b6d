"""The service worker and what it may keep on a phone: only allow-listed pages, only
responses the server marked, never a page with client identity."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from core.offline import CACHE_HEADER

HEAD_COUNT = "/outreach/contacts/new/"


def _config(body: str) -> dict[str, Any]:
    match = re.search(r"const CONFIG = (\{.*?\});", body)
    assert match
    return json.loads(match.group(1))


def test_it_serves_the_service_worker_for_the_whole_site(db: Any) -> None:
    response = HttpClient().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    config = _config(response.content.decode())
    assert config["pages"] == [HEAD_COUNT]
    assert "/static/js/app.js" in config["shell"] and "/offline/" in config["shell"]
    assert config["cacheHeader"] == CACHE_HEADER
    assert not any("/clients/" in url or url == "/" for url in config["pages"] + config["shell"])


def test_it_changes_the_worker_when_a_shell_file_changes(settings: Any) -> None:
    from api import offline

    before = offline._shell_version(offline.SHELL_STATIC)
    assert before == offline._shell_version(offline.SHELL_STATIC)
    assert before != offline._shell_version(offline.SHELL_STATIC[:-1])


def test_it_shows_an_offline_page_that_names_no_one(world: Any, as_user: Any) -> None:
    http = as_user(world.peer)
    response = http.get("/offline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không có mạng" in html and HEAD_COUNT in html
    assert "peer" not in html.replace("data-offline-page", "")
    assert 'data-user="' not in html and "csrfmiddlewaretoken" not in html


def test_it_marks_only_the_head_count_page_as_keepable(world: Any, as_user: Any) -> None:
    from clients.tests.conftest import register

    client = register(world)
    http = as_user(world.peer)
    assert http.get(HEAD_COUNT)[CACHE_HEADER] == "allow"
    for url in (
        "/",
        reverse("clients:list"),
        reverse("clients:detail", args=[client.public_id]),
        reverse("outreach:contact_new_for", args=[client.public_id]),
        reverse("outreach:contact_list"),
    ):
        response = http.get(url)
        assert response.status_code == 200, url
        assert CACHE_HEADER not in response, url


def test_it_does_not_mark_a_page_showing_a_message(world: Any, as_user: Any) -> None:
    """A flash message may name a client's code: a response showing one is not kept."""
    http = as_user(world.peer)
    saved = http.post(
        HEAD_COUNT,
        {
            "peer_group": world.group.pk,
            "contact_date": timezone.localdate().isoformat(),
            "head_count": "4",
            "place_type": "street",
            "topics": ["hiv_sti"],
        },
    )
    assert saved.status_code == 302  # "Contact saved." waits for the next page
    response = http.get(HEAD_COUNT)
    assert "messages" in response.content.decode()
    assert CACHE_HEADER not in response
    assert http.get(HEAD_COUNT)[CACHE_HEADER] == "allow"  # the message was shown once


def test_it_gives_loggers_the_outbox_and_others_nothing(world: Any, as_user: Any) -> None:
    peer = as_user(world.peer).get("/").content.decode()
    assert 'id="outbox"' in peer and 'data-sw="/sw.js"' in peer
    assert 'data-api="/api/v1/outreach/contacts"' in peer
    assert "Đã lưu trên máy, sẽ gửi khi có mạng." in peer
    provider = as_user(world.provider).get("/").content.decode()
    assert 'id="outbox"' not in provider
    login = HttpClient().get(reverse("accounts:login")).content.decode()
    assert "data-signed-out" in login  # app.js forgets the kept pages here
