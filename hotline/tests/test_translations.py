"""The hotline ships its own Vietnamese strings (hotline/locale), none left in activities'."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.catalogues import english_leaks, translated_msgids

pytestmark = pytest.mark.django_db


def test_its_catalogue_holds_its_strings_and_activities_no_longer_does():
    assert {"Hotline", "Duration (minutes)", "Caller"} <= translated_msgids("hotline")
    assert not {"Hotline", "Duration (minutes)"} & translated_msgids("activities")


def test_its_pages_show_no_english_in_vietnamese(world, as_user):
    http = as_user(world.hotline)
    for name in ("hotline:hotline_shift", "hotline:call_create"):
        html = http.get(reverse(name), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
        assert "Đường dây nóng" in html
        leaks = english_leaks(html, "hotline", "activities", "programs")
        assert leaks - {world.hotline.username} == set(), name  # the user's name is no leak
