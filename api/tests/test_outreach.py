"""Recording outreach over JSON: the same rules as the page (through the same form and
service), idempotent on the device's client_uuid, scoped like the pages (404 outside)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEntry
from clients.tests.conftest import NAME, PHONE
from outreach import services
from outreach.models import Distribution, OutreachContact
from outreach.tests.conftest import qty

from .conftest import CONTACTS


def head_count(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client_uuid": str(uuid.uuid4()),
        "contact_date": timezone.localdate().isoformat(),
        "place_type": "street",
        "head_count": 12,
        "topics": ["hiv_sti", "safer_sex"],
        "needs": ["hiv_test"],
        "items": [{"item_kind": "condom", "quantity": 30}],
    }
    body.update(overrides)
    return body


def test_it_records_a_head_count_and_hands_out_its_items(
    world: Any, api_as: Any, stocked: Any
) -> None:
    body = head_count(
        items=[
            {"item_kind": "condom", "quantity": 30},
            {"item_kind": "material", "material": stocked.material.pk, "quantity": 2},
        ]
    )
    response = api_as(world.peer).post(CONTACTS, body)
    assert response.status_code == 201
    data = response.json()
    contact = OutreachContact.objects.get()
    assert data["public_id"] == str(contact.public_id)
    assert data["client_uuid"] == body["client_uuid"] and data["client_code"] is None
    assert data["place_label"] == "Đường phố, nơi công cộng"
    assert {(i["item_kind"], i["quantity"]) for i in data["items"]} == {
        ("condom", 30),
        ("material", 2),
    }
    assert str(contact.device_uuid) == body["client_uuid"]
    assert contact.head_count == 12 and contact.client is None
    assert contact.peer_educator == world.peer and contact.peer_group == world.group
    assert contact.commune == world.ha_long  # the group's commune, as on the page
    assert qty(world.agency, "condom") == 70
    assert qty(world.agency, "material", stocked.material) == 3
    entry = AuditEntry.objects.get(object_type="outreach.outreachcontact")
    assert entry.actor == world.peer and entry.changes["via_device"] is True


def test_it_records_the_same_client_uuid_only_once(world: Any, api_as: Any, stocked: Any) -> None:
    api = api_as(world.peer)
    body = head_count()
    first = api.post(CONTACTS, body)
    again = api.post(CONTACTS, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["public_id"] == first.json()["public_id"]
    assert OutreachContact.objects.count() == 1
    assert Distribution.objects.count() == 1
    assert qty(world.agency, "condom") == 70  # handed out once


def _first_send(world: Any, body: dict[str, Any], *, by: Any = None) -> OutreachContact:
    """The first send of `body`, recorded as the API records it (under its key)."""
    from core.idempotency import run_once

    key = uuid.UUID(body["client_uuid"])
    user = by or world.peer
    contact, created = run_once(
        user=user,
        key=key,
        create=lambda: services.contact_log(
            actor=user,
            details=services.ContactDetails(
                peer_group=world.group,
                contact_date=timezone.localdate(),
                place_type="street",
                head_count=12,
            ),
            device_uuid=key,
        ),
    )
    assert created and contact is not None
    return contact


def _miss_first_lookup(monkeypatch: Any) -> None:
    """The retry's first read of the key comes just before the first send commits."""
    from core import idempotency

    real = idempotency.lookup
    calls: list[int] = []

    def late(key: Any) -> Any:
        calls.append(1)
        return None if len(calls) == 1 else real(key)

    monkeypatch.setattr(idempotency, "lookup", late)


def test_it_answers_a_retry_racing_the_first_try_with_the_first(
    world: Any, api_as: Any, stocked: Any, monkeypatch: Any
) -> None:
    """Issue 10 item 3: the first send commits between the retry's look-up and its
    insert. The key's unique index refuses the insert; the retry reads the key again,
    finds its own contact and answers 200 with it (it used to answer 409: the key was
    looked up as the user's own contact, then separately as anyone's)."""
    body = head_count()
    first = _first_send(world, body)
    _miss_first_lookup(monkeypatch)
    response = api_as(world.peer).post(CONTACTS, body)
    assert response.status_code == 200
    assert response.json()["public_id"] == str(first.public_id)
    assert OutreachContact.objects.count() == 1
    assert qty(world.agency, "condom") == 100  # the racing insert handed nothing out


def test_a_racing_send_of_someone_elses_key_gets_409(
    world: Any, api_as: Any, stocked: Any, monkeypatch: Any
) -> None:
    body = head_count()
    _first_send(world, body, by=world.leader)
    _miss_first_lookup(monkeypatch)
    response = api_as(world.peer).post(CONTACTS, body)
    assert response.status_code == 409
    assert OutreachContact.objects.count() == 1


def test_a_contact_sent_before_keys_existed_is_found_by_its_retry(
    world: Any, api_as: Any, stocked: Any
) -> None:
    """Contacts recorded from phones before core.IdempotencyKey get their key from the
    migration, so that a late retry still answers 200."""
    import importlib

    from django.apps import apps

    body = head_count()
    first = services.contact_log(
        actor=world.peer,
        details=services.ContactDetails(
            peer_group=world.group,
            contact_date=timezone.localdate(),
            place_type="street",
            head_count=12,
        ),
        device_uuid=uuid.UUID(body["client_uuid"]),
    )
    importlib.import_module("outreach.migrations.0003_h3_idempotency_keys").backfill(apps, None)
    response = api_as(world.peer).post(CONTACTS, body)
    assert response.status_code == 200
    assert response.json()["public_id"] == str(first.public_id)
    assert api_as(world.leader).post(CONTACTS, body).status_code == 409


def test_it_refuses_a_client_uuid_used_by_someone_else(
    world: Any, api_as: Any, stocked: Any
) -> None:
    body = head_count()
    assert api_as(world.peer).post(CONTACTS, body).status_code == 201
    response = api_as(world.leader).post(CONTACTS, body)
    assert response.status_code == 409
    assert OutreachContact.objects.count() == 1


@pytest.mark.parametrize("by", ["short_code", "public_id"])
def test_it_records_a_contact_with_a_client_of_the_group(
    by: str, world: Any, api_as: Any, stocked: Any
) -> None:
    client = stocked.client
    body = head_count(client=str(getattr(client, by)), head_count=None)
    response = api_as(world.peer).post(CONTACTS, body)
    assert response.status_code == 201
    assert response.json()["client_code"] == client.short_code
    contact = OutreachContact.objects.get()
    assert contact.client == client and contact.head_count == 1
    text = response.content.decode()
    assert NAME not in text and PHONE not in text and client.uic not in text


@pytest.mark.parametrize("by", ["short_code", "public_id"])
def test_it_answers_404_for_a_client_of_another_group(
    by: str, world: Any, api_as: Any, stocked: Any
) -> None:
    body = head_count(client=str(getattr(stocked.client, by)), head_count=None)
    for outsider in (world.peer_other_group, world.peer_other_province):
        response = api_as(outsider).post(CONTACTS, body)
        assert response.status_code == 404
        assert response.json() == {"detail": "Không tìm thấy."}
    unknown = api_as(world.peer).post(CONTACTS, head_count(client="ZZZZ9999"))
    assert unknown.status_code == 404
    assert not OutreachContact.objects.exists()
    assert qty(world.agency, "condom") == 100


def test_it_answers_404_for_a_group_that_is_not_the_users(
    world: Any, api_as: Any, stocked: Any
) -> None:
    response = api_as(world.peer).post(CONTACTS, head_count(peer_group=world.other_group.pk))
    assert response.status_code == 404
    assert not OutreachContact.objects.exists()


@pytest.mark.parametrize(
    "who",
    ["provider", "hotline", "coordinator", "prov_manager", "nat_manager", "admin", "nobody"],
)
def test_it_lets_only_peer_educators_and_leaders_record(
    who: str, world: Any, api_as: Any, stocked: Any
) -> None:
    api = api_as(getattr(world, who))
    assert api.post(CONTACTS, head_count()).status_code == 404
    assert api.get(CONTACTS).status_code == 404
    assert api.get("/api/v1/outreach/options").status_code == 404
    assert not OutreachContact.objects.exists()


def test_it_refuses_invalid_input_in_vietnamese_and_writes_nothing(
    world: Any, api_as: Any, stocked: Any
) -> None:
    api = api_as(world.peer)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = api.post(
        CONTACTS,
        head_count(contact_date=tomorrow, head_count=None, place_type="moon", topics=["x"]),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Một số trường cần sửa lại."
    assert body["errors"]["contact_date"] == ["Ngày không được ở tương lai."]
    assert body["errors"]["head_count"] == ["Trường này là bắt buộc."]
    assert "place_type" in body["errors"] and "topics" in body["errors"]

    typed = api.post(CONTACTS, head_count(head_count="mười", contact_date="hôm qua"))
    assert typed.status_code == 422
    assert typed.json()["errors"] == {
        "head_count": ["Hãy nhập một số nguyên."],
        "contact_date": ["Hãy nhập một ngày hợp lệ."],
    }
    extra = api.post(CONTACTS, head_count(name="Nguyễn Thị A"))
    assert extra.status_code == 422 and "name" in extra.json()["errors"]
    assert "Nguyễn" not in extra.content.decode()  # input is never echoed
    assert (
        not OutreachContact.objects.exists()
        and not AuditEntry.objects.filter(object_type="outreach.outreachcontact").exists()
    )
    assert qty(world.agency, "condom") == 100


def test_it_answers_in_english_for_an_english_user(world: Any, api_as: Any, stocked: Any) -> None:
    User.objects.filter(pk=world.peer.pk).update(language="en")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = api_as(world.peer).post(CONTACTS, head_count(contact_date=tomorrow))
    assert response.json()["errors"]["contact_date"] == ["The date cannot be in the future."]


def test_it_refuses_short_stock_cleanly(world: Any, api_as: Any, stocked: Any) -> None:
    api = api_as(world.peer)
    body = head_count(
        items=[
            {"item_kind": "condom", "quantity": 10},
            {"item_kind": "material", "material": stocked.material.pk, "quantity": 6},
        ]
    )
    response = api.post(CONTACTS, body)
    assert response.status_code == 422
    (message,) = response.json()["errors"]["items"]
    assert message.startswith("Không đủ hàng trong kho") and "còn 5" in message
    assert not OutreachContact.objects.exists() and not Distribution.objects.exists()
    assert qty(world.agency, "condom") == 100
    assert qty(world.agency, "material", stocked.material) == 5
    # The same key goes through once the quantity fits: nothing of the refusal remained.
    body["items"][1]["quantity"] = 5
    assert api.post(CONTACTS, body).status_code == 201


def test_it_refuses_items_the_group_cannot_hand_out(world: Any, api_as: Any, stocked: Any) -> None:
    api = api_as(world.peer)
    cases = [
        ([{"item_kind": "needle_syringe", "quantity": 3}], "Không đủ hàng trong kho"),
        ([{"item_kind": "material", "material": 999_999, "quantity": 1}], "Vật phẩm không"),
        ([{"item_kind": "material", "quantity": 1}], "Tài liệu phải nêu rõ"),
        ([{"item_kind": "rice", "quantity": 1}], "Vật phẩm không"),
        ([{"item_kind": "condom", "quantity": -4}], "lớn hơn hoặc bằng 0"),
    ]
    for items, expected in cases:
        response = api.post(CONTACTS, head_count(items=items))
        assert response.status_code == 422, items
        assert any(expected in m for m in response.json()["errors"]["items"]), response.json()
    assert not OutreachContact.objects.exists()
    assert qty(world.agency, "condom") == 100


def test_it_offers_what_the_form_offers_in_the_users_language(
    world: Any, api_as: Any, stocked: Any
) -> None:
    response = api_as(world.peer).get("/api/v1/outreach/options")
    assert response.status_code == 200
    data = response.json()
    assert {"value": "street", "label": "Đường phố, nơi công cộng"} in data["place_types"]
    assert {"value": "condom", "label": "Bao cao su"} in data["item_kinds"]
    assert [m["id"] for m in data["materials"]] == [stocked.material.pk]
    (group,) = data["peer_groups"]
    assert group["id"] == world.group.pk and group["name"] == "Nhóm Hoa Hồng"
    assert group["stock_holder"] == world.agency.name
    assert {"item_kind": "condom", "material": None, "quantity": 100} in group["stock"]
    assert group["communes"] == [{"code": world.ha_long.code, "name": world.ha_long.name}]
    assert NAME not in response.content.decode()


def test_it_lists_the_users_own_recent_contacts_by_code_only(
    world: Any, api_as: Any, stocked: Any, django_assert_max_num_queries: Any
) -> None:
    today = timezone.localdate()
    for day, actor, client in (
        (today, world.peer, stocked.client),
        (today - timedelta(days=3), world.peer, None),
        (today - timedelta(days=40), world.peer, None),
        (today, world.leader, None),  # the leader's: not the peer's own
    ):
        services.contact_log(
            actor=actor,
            details=services.ContactDetails(
                peer_group=world.group,
                contact_date=day,
                place_type="street",
                client=client,
                head_count=2 if client is None else 1,
                items=[services.Item("condom", 1)],
            ),
        )
    api = api_as(world.peer)
    with django_assert_max_num_queries(12):
        response = api.get(CONTACTS)
    assert response.status_code == 200
    rows = response.json()
    assert [r["contact_date"] for r in rows] == [
        today.isoformat(),
        (today - timedelta(days=3)).isoformat(),
    ]
    assert rows[0]["client_code"] == stocked.client.short_code
    assert rows[0]["items"] == [
        {"item_kind": "condom", "material": None, "label": "Bao cao su", "quantity": 1}
    ]
    older = api.get(CONTACTS, since=(today - timedelta(days=60)).isoformat()).json()
    assert len(older) == 3
    text = json.dumps(older, ensure_ascii=False)
    assert NAME not in text and PHONE not in text and stocked.client.uic not in text
    assert api.get(CONTACTS, since="yesterday").status_code == 422


def test_it_refuses_a_client_logged_under_another_of_the_users_groups(
    world: Any, api_as: Any, stocked: Any
) -> None:
    """The group is the client's: naming another one (even one of the user's) is refused by
    the service's own rule, as a tampered page form would be."""
    from accounts.models import Grant

    Grant.objects.create(user=world.peer, role="peer", peer_group=world.other_group)
    body = head_count(
        client=stocked.client.short_code, head_count=None, peer_group=world.other_group.pk
    )
    response = api_as(world.peer).post(CONTACTS, body)
    assert response.status_code == 422
    assert response.json()["errors"]["__all__"] == ["Khách hàng này thuộc nhóm khác."]
    assert not OutreachContact.objects.exists()
    # Without a group, a user of two groups must say which one a head count is for.
    missing = api_as(world.peer).post(CONTACTS, head_count(items=[]))
    assert missing.json()["errors"]["peer_group"] == ["Trường này là bắt buộc."]


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql",
    reason="SQLite serialises every write: no race to test",
)
@pytest.mark.django_db(transaction=True)
def test_racing_sends_of_one_key_are_one_contact_and_never_409(monkeypatch: Any) -> None:
    """Issue 10 item 3 on a real database: four sends of one contact by its own phone
    at the same moment (all four miss the key, then all insert it): one contact, stock
    taken once, every send answered 200/201 with that contact, none 409."""
    import threading
    from datetime import date

    from django.db import connection
    from django.test import Client as HttpClient

    from conftest import build_world, login
    from core import idempotency

    from .conftest import Api

    world = build_world()
    services.stock_receive(
        actor=world.coordinator,
        organisation=world.agency,
        item_kind="condom",
        quantity=100,
        received_on=date(2026, 1, 1),
    )
    body = head_count()
    apis = [Api(login(HttpClient(), world.peer)) for _ in range(4)]
    barrier = threading.Barrier(len(apis), timeout=10)
    real = idempotency.lookup
    seen = threading.local()

    def lookup(key: Any) -> Any:
        found = real(key)
        seen.calls = getattr(seen, "calls", 0) + 1
        if seen.calls == 2:  # run_once's look-up, just before the insert
            barrier.wait()
        return found

    monkeypatch.setattr(idempotency, "lookup", lookup)
    results: list[Any] = [None] * len(apis)

    def post(i: int) -> None:
        try:
            results[i] = apis[i].post(CONTACTS, body)
        except Exception as exc:  # reported below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(apis))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(getattr(r, "status_code", r) for r in results)
    assert codes == [200, 200, 200, 201], codes
    assert len({r.json()["public_id"] for r in results}) == 1
    assert OutreachContact.objects.count() == 1
    assert qty(world.agency, "condom") == 70


def test_a_retry_after_its_key_was_forgotten_still_finds_its_contact(
    world: Any, api_as: Any, stocked: Any
) -> None:
    """One-time keys are forgotten after CAUNOI["ONCE_KEY_DAYS"]; the contact keeps the
    phone's key, so a very late retry is still 200 (and someone else's still 409)."""
    from datetime import timedelta

    from core.models import IdempotencyKey
    from core.tasks import idempotency_keys_purge

    body = head_count()
    first = api_as(world.peer).post(CONTACTS, body)
    assert first.status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(days=31))
    assert idempotency_keys_purge() == 1
    assert idempotency_keys_purge() == 0  # run twice: nothing more
    again = api_as(world.peer).post(CONTACTS, body)
    assert again.status_code == 200
    assert again.json()["public_id"] == first.json()["public_id"]
    assert api_as(world.leader).post(CONTACTS, body).status_code == 409
    assert OutreachContact.objects.count() == 1
    assert qty(world.agency, "condom") == 70


@pytest.mark.parametrize("key", [None, "", "không-phải-uuid"])
def test_it_refuses_a_contact_without_its_one_time_key_in_vietnamese(
    world: Any, api_as: Any, stocked: Any, key: Any
) -> None:
    """A create without `client_uuid` (a script, an old app) is refused, never recorded
    unprotected: a resend could not be told from a new contact. The page forms derive a
    key instead (core.idempotency.keyless); the API asks the device for its own."""
    body = head_count()
    if key is None:
        del body["client_uuid"]
    else:
        body["client_uuid"] = key
    response = api_as(world.peer).post(CONTACTS, body)
    assert response.status_code == 422
    errors = response.json()["errors"]["client_uuid"]
    assert errors and all(
        e in {"Trường này là bắt buộc.", "Hãy nhập một UUID hợp lệ."} for e in errors
    ), errors
    assert not OutreachContact.objects.exists()
    assert qty(world.agency, "condom") == 100


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"client": "AB\x00CD"}, "client"),
        ({"place_type": "street\x00"}, "place_type"),
        ({"topics": ["hiv_sti\x00"]}, "topics"),
        ({"commune": "\x00"}, "commune"),
        ({"items": [{"item_kind": "con\x00dom", "quantity": 1}]}, "items"),
        ({"head_count": None, "client": "\x00"}, "client"),
    ],
)
def test_it_refuses_a_null_character_in_any_text_with_422_in_vietnamese(
    world: Any, api_as: Any, stocked: Any, overrides: dict[str, Any], field: str
) -> None:
    """Issue 15 item 8: a NUL inside a JSON string reached PostgreSQL (a client code
    looked up, a place type stored) and the user got a server error. It is refused like
    every other bad value: 422, the field named, the message in Vietnamese."""
    api = api_as(world.peer)
    response = api.post(CONTACTS, head_count(**overrides))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Một số trường cần sửa lại."
    assert body["errors"] == {
        field: [
            "Nội dung có ký tự không hợp lệ (ký tự null, thường do sao chép từ nơi khác). "
            "Hãy xóa ký tự đó hoặc gõ lại rồi gửi lại."
        ]
    }
    assert not OutreachContact.objects.exists()
    assert qty(world.agency, "condom") == 100


def test_it_refuses_what_the_contact_form_refuses_through_the_same_service(
    world: Any, api_as: Any, stocked: Any
) -> None:
    """The rules the form once held alone (establishment in the group's province and
    required at one, commune in the province, head count and quantity limits) are the
    service's: the API refuses them too, by field, and writes nothing."""
    from programs.models import Establishment

    Establishment.objects.create(name="Karaoke Sao Biển", kind="karaoke", commune=world.ha_long)
    in_hue = Establishment.objects.create(name="Quán Huế", kind="karaoke", commune=world.thuan_hoa)
    api = api_as(world.peer)
    cases = [
        (head_count(place_type="establishment"), "establishment", "Chọn cơ sở"),
        (head_count(place_type="establishment", establishment=in_hue.pk), "establishment", None),
        (head_count(commune=world.thuan_hoa.code), "commune", None),
        (head_count(head_count=1001), "head_count", "1000"),
        (head_count(items=[{"item_kind": "condom", "quantity": 10001}]), "items", "10000"),
    ]
    for body, field, expected in cases:
        response = api.post(CONTACTS, body)
        assert response.status_code == 422, body
        (message,) = response.json()["errors"][field]
        assert expected is None or expected in message, message
    assert not OutreachContact.objects.exists()
    assert qty(world.agency, "condom") == 100


def test_the_service_refuses_an_establishment_outside_the_groups_province(
    world: Any, stocked: Any
) -> None:
    from django.core.exceptions import ValidationError

    from programs.models import Establishment

    in_hue = Establishment.objects.create(name="Quán Huế", kind="karaoke", commune=world.thuan_hoa)
    with pytest.raises(ValidationError) as caught:
        services.contact_log(
            actor=world.peer,
            details=services.ContactDetails(
                peer_group=world.group,
                contact_date=timezone.localdate(),
                place_type="establishment",
                establishment=in_hue,
            ),
        )
    assert set(caught.value.message_dict) == {"establishment"}
    assert not OutreachContact.objects.exists()
