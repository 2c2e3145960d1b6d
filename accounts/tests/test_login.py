from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import PASSWORD, browser_login


def test_it_serves_the_login_page_in_vietnamese(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()


def test_it_redirects_anonymous_users_to_login(client, db):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_requires_two_factor_for_coordinators(client, world):
    client.post(reverse("accounts:login"), {"username": "coordinator", "password": PASSWORD})
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor")


def test_it_lets_a_peer_in_without_two_factor(client, world):
    client.post(reverse("accounts:login"), {"username": "peer", "password": PASSWORD})
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200


def test_it_keeps_the_username_when_the_password_is_wrong(client, world):
    response = client.post(reverse("accounts:login"), {"username": "peer", "password": "nope"})
    assert response.status_code == 200
    assert 'value="peer"' in response.content.decode()


@pytest.mark.browser
def test_it_logs_in_and_reaches_the_home_page_in_a_browser(page, browser_world):
    browser_login(page, "peer")
    page.wait_for_url(page.base_url + "/")
    assert page.locator("[data-testid=roles]").is_visible()
    page.screenshot(path="test-artifacts/home-peer-360.png", full_page=True)
