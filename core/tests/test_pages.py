"""core.pages.handle_form: the one shape of a page that sends a form to a use case."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from core import pages
from core.models import IdempotencyKey

pytestmark = pytest.mark.django_db


class NameForm(forms.Form):
    name = forms.CharField(max_length=20)


def _post(user: Any, data: dict[str, str]) -> Any:
    request = RequestFactory().post("/things/new/", data)
    request.user = user
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


@pytest.fixture
def user() -> Any:
    return get_user_model().objects.create_user(username="sender", password="x")


def _key(user: Any) -> str:
    """The one-time key a fresh page of the form carries."""
    request = RequestFactory().get("/things/new/")
    request.user = user
    form = NameForm()
    pages.handle_form(request, form, lambda: None, to="/")
    return str(form.fields["once_key"].initial)


def test_a_valid_send_runs_the_use_case_once_and_a_resend_is_answered_the_same(user: Any) -> None:
    made: list[Any] = []

    def create() -> Any:
        made.append(get_user_model().objects.create_user(username=f"made{len(made)}"))
        return made[-1]

    data = {"name": "Lan", "once_key": _key(user)}
    answers: list[HttpResponse] = []
    for _send in range(2):
        request = _post(user, data)
        response = pages.handle_form(
            request,
            NameForm(request.POST),
            create,
            success="Saved.",
            to=lambda record: f"/things/{record.pk}/",
        )
        assert response is not None
        answers.append(response)
        assert [str(m) for m in get_messages(request)] == ["Saved."]
    assert len(made) == 1
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"] == f"/things/{made[0].pk}/"


def test_a_refusal_is_put_on_its_field_and_keeps_what_was_typed(user: Any) -> None:
    request = _post(user, {"name": "Lan", "once_key": _key(user)})
    form = NameForm(request.POST)

    def refuse() -> Any:
        raise ValidationError({"name": "Already taken."})

    assert pages.handle_form(request, form, refuse, to="/") is None
    assert form.errors["name"] == ["Already taken."]
    assert form["name"].value() == "Lan"
    assert not IdempotencyKey.objects.exists()  # the key rolled back: send it again


def test_show_again_records_nothing_and_shows_the_form(user: Any) -> None:
    request = _post(user, {"name": "Lan", "once_key": _key(user)})
    form = NameForm(request.POST)

    def confirm_first() -> Any:
        get_user_model().objects.create_user(username="not-kept")
        raise pages.ShowAgain

    assert pages.handle_form(request, form, confirm_first, to="/") is None
    assert not form.errors
    assert not get_user_model().objects.filter(username="not-kept").exists()
    assert not IdempotencyKey.objects.exists()


def test_an_edit_form_carries_no_key(user: Any) -> None:
    request = _post(user, {"name": "Lan"})
    form = NameForm(request.POST)
    response = pages.handle_form(request, form, lambda: None, creates=False, to="/done/")
    assert response is not None and response["Location"] == "/done/"
    assert "once_key" not in form.fields
