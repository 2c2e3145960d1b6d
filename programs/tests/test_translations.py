"""Establishments ship their Vietnamese strings in programs/locale, none in activities'."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.catalogues import english_leaks, translated_msgids
from tests.factories import make_establishment

pytestmark = pytest.mark.django_db


def test_its_catalogue_holds_the_establishment_strings():
    assert {"Establishments", "Owner's name", "Karaoke bar"} <= translated_msgids("programs")
    assert not {"Owner's name", "Karaoke bar"} & translated_msgids("activities")


def test_establishment_pages_show_no_english_in_vietnamese(world, as_user):
    est = make_establishment(world)
    http = as_user(world.coordinator)
    urls = [
        reverse("establishments:establishment_list"),
        reverse("establishments:establishment_create"),
        reverse("establishments:establishment_detail", args=[est.public_id]),
    ]
    for url in urls:
        html = http.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
        assert english_leaks(html, "programs", "activities", "hotline") == set(), url
