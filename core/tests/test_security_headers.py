"""Issue 15, item 8: Content-Security-Policy with no inline script, Permissions-Policy,
no-store on signed-in pages, the CSRF failure page and the null-character error in
Vietnamese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    p
    for p in ROOT.rglob("*.html")
    if ".venv" not in p.parts and "staticfiles" not in p.parts and "test-artifacts" not in p.parts
)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {d[0]: d[1:] for d in directives}


def test_it_sends_a_policy_without_inline_scripts_on_every_page(world, as_user, client):
    pages = [
        (client, reverse("accounts:login")),
        (as_user(world.peer), reverse("portal:home")),
        (as_user(world.peer), reverse("clients:list")),
        (as_user(world.coordinator), reverse("referrals:list")),
        (as_user(world.admin), reverse("accounts:user_list")),
    ]
    for who, url in pages:
        response = who.get(url)
        assert response.status_code == 200, url
        policy = _policy(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["style-src"] == ["'self'"]
        assert "style-src-attr" not in policy and "style-src-elem" not in policy
        assert "'unsafe-eval'" not in " ".join(sum(policy.values(), []))


def test_it_sends_the_policy_on_errors_and_api_answers_too(world, as_user, client):
    assert "Content-Security-Policy" in client.get("/no-such-page/")
    assert "Content-Security-Policy" in as_user(world.peer).get("/api/v1/me")


def test_it_switches_off_browser_features_no_page_uses(client, db):
    policy = client.get(reverse("accounts:login"))["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


@pytest.mark.parametrize("template", TEMPLATES, ids=[str(p.relative_to(ROOT)) for p in TEMPLATES])
def test_no_template_has_an_inline_script_or_event_handler(template):
    html = template.read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
        # Our own files, or JSON data blocks the policy never executes.
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, flags=re.I)
    assert "javascript:" not in html.lower()
    # No inline styles either (style-src 'self'): app.css has utility classes. The one
    # exception is the client's own data export, a self-contained file sent as a download
    # (Content-Disposition: attachment) and opened from disk, where no policy applies.
    if template.relative_to(ROOT) != Path("clients/templates/clients/export.html"):
        assert not re.search(r"<style\b", html, flags=re.I)
    assert not re.search(r"<[^>]+\sstyle\s*=", html, flags=re.I)
    assert "hx-on" not in html and "js:" not in html


def test_it_tells_browsers_and_proxies_to_keep_no_signed_in_page(world, as_user):
    peer = as_user(world.peer)
    for url in (reverse("portal:home"), reverse("clients:list"), "/api/v1/me"):
        cache = peer.get(url)["Cache-Control"]
        assert "no-store" in cache and "private" in cache, url


def test_it_leaves_static_files_cacheable_for_a_signed_in_user(world, as_user):
    response = as_user(world.peer).get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_it_explains_a_stale_form_in_vietnamese_without_touching_the_database(world):
    client = HttpClient(enforce_csrf_checks=True)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("accounts:login"), {"username": "peer", "password": PASSWORD}
        )
    assert response.status_code == 403
    html = response.content.decode()
    assert 'lang="vi"' in html
    assert "Biểu mẫu đã hết hạn" in html and "Chưa có gì được lưu" in html
    assert "CSRF" not in html and "Forbidden" not in html
    assert len(queries) == 0


def test_it_explains_a_stale_form_in_english_to_an_english_user(world):
    from conftest import login

    world.peer.language = "en"
    world.peer.save(update_fields=["language"])
    client = login(HttpClient(enforce_csrf_checks=True), world.peer)
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()


def test_it_explains_a_null_character_in_vietnamese_and_keeps_the_typing(world):
    client = HttpClient()
    response = client.post(
        reverse("accounts:login"), {"username": "pe\x00er", "password": PASSWORD}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "ký tự không hợp lệ" in html
    assert "Null characters" not in html


def test_it_refuses_a_null_character_in_a_search_in_vietnamese(world, as_user):
    """Views read some query parameters directly (the area search): a NUL there used to
    reach PostgreSQL, which refuses it, and the user got a server error."""
    peer = as_user(world.peer)
    response = peer.get("/areas/search/", {"kind": "commune", "q": "Hạ\x00Long"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "ký tự không hợp lệ" in html and 'lang="vi"' in html
    assert "Content-Security-Policy" in response
    api = peer.get("/api/v1/me", {"x": "\x00"})
    assert api.status_code == 400 and "ký tự không hợp lệ" in api.json()["detail"]
    assert peer.get("/areas/search/", {"kind": "commune", "q": "Hạ Long"}).status_code == 200


def test_it_sends_the_policy_on_a_refused_form_too(world):
    client = HttpClient(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "peer", "password": "x"})
    assert response.status_code == 403
    assert _policy(response)["script-src"] == ["'self'"]
    assert "Permissions-Policy" in response
