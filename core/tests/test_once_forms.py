"""Every page form that creates a record carries a one-time key: sent twice, resent or
sent by two taps at the same moment, it makes exactly one record, and every send is
answered as the first was (issue 10 item 4)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse

from conftest import build_world, login
from core import idempotency
from core.models import IdempotencyKey

from .once_cases import CASES, Case, model_count, post_data


def _key_name(form: Any) -> str:
    field = idempotency.FIELD if idempotency.FIELD in form.fields else "client_uuid"
    return str(form.add_prefix(field))


def _open(case: Case, world: Any, http: HttpClient) -> tuple[str, dict[str, Any]]:
    extra = case.setup(world)
    url = case.url(world, extra)
    page = http.get(url)
    assert page.status_code == 200
    form = page.context[case.form]
    key = _key_name(form)
    assert f'name="{key}"' in page.content.decode(), "the page carries no one-time key"
    data = post_data(form, case.data(world, extra), case.raw)
    assert data.get(key), "the one-time key has no value"
    return (case.post_url(world, extra) if case.post_url else url), data


def _errors(response: Any, case: Case) -> Any:
    context = getattr(response, "context", None)
    form = context.get(case.form) if context else None
    return form.errors if form is not None else response.status_code


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_form_sent_three_times_makes_one_record(case: Case, world: Any, as_user: Any) -> None:
    """A double tap and a resend after a lost answer: one record; each send is answered
    with the first one's page (the same redirect)."""
    http = as_user(getattr(world, case.user))
    url, data = _open(case, world, http)
    before = model_count(case.model)
    first = http.post(url, data)
    assert first.status_code == 302, _errors(first, case)
    for _again in range(2):
        again = http.post(url, data)
        assert again.status_code == 302, _errors(again, case)
        assert again["Location"] == first["Location"]
    assert model_count(case.model) == before + 1
    assert IdempotencyKey.objects.filter(key=data[_key_name_of(data)]).count() == 1


def _key_name_of(data: dict[str, Any]) -> str:
    return next(k for k in data if k.endswith(idempotency.FIELD) or k == "client_uuid")


def test_a_new_page_is_a_new_key(world: Any, as_user: Any) -> None:
    http = as_user(world.peer)
    url = reverse("clients:request_add", args=[CASES[2].setup(world).client.public_id])
    keys = {str(http.get(url).context["form"][idempotency.FIELD].value()) for _ in range(2)}
    assert len(keys) == 2


def test_an_old_page_filled_in_again_is_a_new_record(world: Any, as_user: Any) -> None:
    """The same key with other content (the browser's back button, a kept copy of the
    page filled in again) is not a resend: the form comes back, with what was typed and
    a fresh key, and saving it records the second request."""
    from clients.models import DataSubjectRequest

    case = CASES[2]
    http = as_user(world.peer)
    url, data = _open(case, world, http)
    assert http.post(url, data).status_code == 302
    other = {**data, "kind": "erase"}
    shown = http.post(url, other)
    assert shown.status_code == 200
    assert shown.context["form"].non_field_errors()
    assert DataSubjectRequest.objects.count() == 1
    fresh = shown.context["form"][idempotency.FIELD].value()
    assert fresh and str(fresh) != str(data[idempotency.FIELD])
    assert shown.context["form"]["kind"].value() == "erase"  # what was typed is kept
    assert http.post(url, {**other, idempotency.FIELD: fresh}).status_code == 302
    assert sorted(DataSubjectRequest.objects.values_list("kind", flat=True)) == ["erase", "view"]


def test_a_refused_form_keeps_its_key_for_the_corrected_send(world: Any, as_user: Any) -> None:
    from outreach.models import StockReceipt

    http = as_user(world.coordinator)
    url, data = _open(CASES[5], world, http)
    refused = http.post(url, {**data, "quantity": "0"})
    assert refused.status_code == 200 and not StockReceipt.objects.exists()
    assert str(refused.context["form"][idempotency.FIELD].value()) == str(data[idempotency.FIELD])
    assert http.post(url, data).status_code == 302
    assert StockReceipt.objects.count() == 1


def test_someone_elses_key_is_refused_with_a_fresh_one(world: Any, as_user: Any) -> None:
    """A copy of the peer's sent page, sent by the leader: not the peer's record; the form
    comes back with what was typed and a fresh key, and saving it records the leader's."""
    from clients.models import DataSubjectRequest

    peer = as_user(world.peer)
    url, data = _open(CASES[2], world, peer)
    assert peer.post(url, data).status_code == 302
    leader = as_user(world.leader)
    shown = leader.post(url, data)
    assert shown.status_code == 200
    assert shown.context["form"].non_field_errors()
    assert DataSubjectRequest.objects.count() == 1
    fresh = shown.context["form"][idempotency.FIELD].value()
    assert str(fresh) != str(data[idempotency.FIELD])
    assert leader.post(url, {**data, idempotency.FIELD: fresh}).status_code == 302
    assert DataSubjectRequest.objects.count() == 2


def test_a_copied_page_sent_by_another_user_at_the_same_moment_is_their_own_record(
    world: Any, as_user: Any, monkeypatch: Any
) -> None:
    """The leader sends a copy of the peer's page (the peer's key) just as the peer's send
    commits: the read of the key misses it (Once reads it once; run_once does not read
    it again), the insert meets the peer's key, and the leader's request is recorded
    under a fresh key (not lost, not the peer's record)."""
    from clients.models import DataSubjectRequest

    peer = as_user(world.peer)
    url, data = _open(CASES[2], world, peer)
    assert peer.post(url, data).status_code == 302
    real = idempotency.lookup
    calls: list[int] = []

    def late(key: Any) -> Any:
        calls.append(1)
        return None if len(calls) <= 1 else real(key)

    monkeypatch.setattr(idempotency, "lookup", late)
    response = as_user(world.leader).post(url, data)
    assert response.status_code == 302
    assert sorted(DataSubjectRequest.objects.values_list("created_by__username", flat=True)) == [
        "leader",
        "peer",
    ]
    assert IdempotencyKey.objects.count() == 2


# --- Two sends at the same moment (PostgreSQL: the second waits on the key) -----------


def _race(monkeypatch: Any) -> threading.Barrier:
    """Both sends look the key up and miss it before either inserts it: then both
    insert, and the second waits on the unique index until the first commits."""
    barrier = threading.Barrier(2, timeout=10)
    real = idempotency.lookup
    seen = threading.local()

    def lookup(key: Any) -> Any:
        found = real(key)
        seen.calls = getattr(seen, "calls", 0) + 1
        if seen.calls == 1:  # Once's look-up, the last one before the insert
            barrier.wait()
        return found

    monkeypatch.setattr(idempotency, "lookup", lookup)
    return barrier


def _send_together(url: str, data: dict[str, Any], clients: list[HttpClient]) -> list[Any]:
    results: list[Any] = [None] * len(clients)

    def send(i: int) -> None:
        try:
            results[i] = clients[i].post(url, data)
        except Exception as exc:  # reported by the assertion below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises every write: no race to test"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_two_sends_at_the_same_moment_make_one_record(case: Case, monkeypatch: Any) -> None:
    world = build_world()
    user = getattr(world, case.user)
    opener = login(HttpClient(), user)
    url, data = _open(case, world, opener)
    before = model_count(case.model)
    clients = [login(HttpClient(), user) for _ in range(2)]
    _race(monkeypatch)
    results = _send_together(url, data, clients)
    for response in results:
        assert not isinstance(response, Exception), response
        assert response.status_code == 302, _errors(response, case)
    assert results[0]["Location"] == results[1]["Location"]
    assert model_count(case.model) == before + 1


# --- A send with no key at all (a script, an old cached page, the field stripped) -----


def _keyless(case: Case, world: Any, http: HttpClient) -> tuple[str, dict[str, Any]]:
    url, data = _open(case, world, http)
    return url, {k: v for k, v in data.items() if k != _key_name_of(data)}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_form_sent_without_its_key_three_times_makes_one_record(
    case: Case, world: Any, as_user: Any
) -> None:
    """No key in the POST: a key is derived from the user, the form and what was posted,
    so a resend within the window is answered with the first record."""
    http = as_user(getattr(world, case.user))
    url, data = _keyless(case, world, http)
    before = model_count(case.model)
    first = http.post(url, data)
    assert first.status_code == 302, _errors(first, case)
    for _again in range(2):
        again = http.post(url, data)
        assert again.status_code == 302, _errors(again, case)
        assert again["Location"] == first["Location"]
    assert model_count(case.model) == before + 1
    assert IdempotencyKey.objects.count() == 1


def _later(monkeypatch: Any, minutes: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    real = timezone.now
    monkeypatch.setattr(idempotency, "_now", lambda: real() + timedelta(minutes=minutes))


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.name in {"request_add", "contact_with_client", "call_refer"}],
    ids=str,
)
def test_the_same_content_without_a_key_after_the_window_is_a_new_record(
    case: Case, world: Any, as_user: Any, monkeypatch: Any
) -> None:
    http = as_user(getattr(world, case.user))
    url, data = _keyless(case, world, http)
    before = model_count(case.model)
    assert http.post(url, data).status_code == 302
    _later(monkeypatch, 9)  # still inside the 10-minute window
    assert http.post(url, data).status_code == 302
    assert model_count(case.model) == before + 1
    _later(monkeypatch, 11)
    assert http.post(url, data).status_code == 302
    assert model_count(case.model) == before + 2


def test_the_keyless_window_is_a_setting(
    world: Any, as_user: Any, monkeypatch: Any, settings: Any
) -> None:
    settings.CAUNOI = {**settings.CAUNOI, "ONCE_KEYLESS_MINUTES": 30}
    case = CASES[2]
    http = as_user(world.peer)
    url, data = _keyless(case, world, http)
    assert http.post(url, data).status_code == 302
    _later(monkeypatch, 25)
    assert http.post(url, data).status_code == 302
    assert model_count(case.model) == 1


def test_other_content_or_another_user_without_a_key_is_a_new_record(
    world: Any, as_user: Any
) -> None:
    from clients.models import DataSubjectRequest

    case = CASES[2]
    peer = as_user(world.peer)
    url, data = _keyless(case, world, peer)
    assert peer.post(url, data).status_code == 302
    assert peer.post(url, {**data, "kind": "erase"}).status_code == 302
    assert as_user(world.leader).post(url, data).status_code == 302
    assert sorted(DataSubjectRequest.objects.values_list("kind", "created_by__username")) == [
        ("erase", "peer"),
        ("view", "leader"),
        ("view", "peer"),
    ]


def test_a_refused_keyless_form_keeps_what_was_typed_and_saves_when_corrected(
    world: Any, as_user: Any
) -> None:
    from outreach.models import StockReceipt

    http = as_user(world.coordinator)
    url, data = _keyless(CASES[5], world, http)
    refused = http.post(url, {**data, "quantity": "0"})
    assert refused.status_code == 200 and not StockReceipt.objects.exists()
    assert refused.context["form"]["quantity"].value() == "0"
    assert refused.context["form"]["item_kind"].value() == "lubricant"
    assert http.post(url, data).status_code == 302
    assert http.post(url, data).status_code == 302
    assert StockReceipt.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises every write: no race to test"
)
@pytest.mark.django_db(transaction=True)
def test_two_keyless_sends_at_the_same_moment_make_one_record(monkeypatch: Any) -> None:
    case = CASES[2]
    world = build_world()
    opener = login(HttpClient(), world.peer)
    url, data = _keyless(case, world, opener)
    clients = [login(HttpClient(), world.peer) for _ in range(2)]
    _race(monkeypatch)
    results = _send_together(url, data, clients)
    for response in results:
        assert not isinstance(response, Exception), response
        assert response.status_code == 302, _errors(response, case)
    assert model_count(case.model) == 1
