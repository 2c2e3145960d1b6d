"""Every page names its icon: without one, a browser asks for /favicon.ico on each
visit, gets a 404, and prints "Failed to load resource" on the console of every page
(found by a user walking the demo in Chromium)."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders


def test_it_names_an_icon_that_exists(client, db):
    page = client.get("/accounts/login/").content.decode()
    match = re.search(r'<link rel="icon" href="/static/([^"]+)"', page)
    assert match, page[:800]
    assert finders.find(match.group(1)), match.group(1)
