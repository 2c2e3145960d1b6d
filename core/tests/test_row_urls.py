"""`row_url` gives what {% url %} gives, under a script prefix too."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, get_script_prefix, set_script_prefix

from core.templatetags.row_urls import row_url

VIEWS = [
    "clients:detail",
    "referrals:detail",
    "referrals:inbox_detail",
    "safety:alert_detail",
    "hotline:call_detail",
    "activities:activity_detail",
]


@pytest.fixture
def prefix() -> Iterator[None]:
    before = get_script_prefix()
    yield
    set_script_prefix(before)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("script_prefix", ["/", "/cau-noi/"])
def test_the_url_is_djangos(view: str, script_prefix: str, prefix: None) -> None:
    set_script_prefix(script_prefix)
    ids = [uuid.uuid4() for _ in range(3)]
    ours = Template("{% load row_urls %}{% for i in ids %}{{ i|row_url:view }}|{% endfor %}")
    djangos = Template("{% for i in ids %}{% url view i %}|{% endfor %}")
    context = {"ids": ids, "view": view}
    assert ours.render(Context(context)) == djangos.render(Context(context))
    assert ours.render(Context(context)).startswith(script_prefix)


def test_other_values_are_reversed_as_django_does() -> None:
    value = uuid.uuid4()
    assert row_url("clients:detail", str(value)) == row_url("clients:detail", value)
    with pytest.raises(NoReverseMatch):
        row_url("clients:detail", None)
    with pytest.raises(NoReverseMatch):
        row_url("clients:detail", "not-a-uuid")
