from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from activities.services import ActivityRecord, activity_record
from audit.models import AuditEntry
from programs.establishments import queries, services
from programs.models import Establishment, EstablishmentAgreement
from tests.factories import make_establishment

pytestmark = pytest.mark.django_db

OWNER_NAME = "Trần Văn Chủ Quán"
OWNER_PHONE = "0912345678"


def _establishment(world, **kw):
    return make_establishment(world, **{"owner_name": OWNER_NAME, "owner_phone": OWNER_PHONE, **kw})


def test_it_hides_establishment_pages_from_outsiders_and_wrong_roles(world, as_user):
    est = _establishment(world)
    urls = [
        reverse("establishments:establishment_list"),
        reverse("establishments:establishment_create"),
        reverse("establishments:establishment_detail", args=[est.public_id]),
    ]
    for url in urls:
        for user in (world.nobody, world.provider, world.hotline, world.prov_manager, world.admin):
            assert as_user(user).get(url).status_code == 404, (url, user)
        assert as_user(world.coordinator).get(url).status_code == 200
        assert as_user(world.peer).get(url).status_code == 200
    detail = urls[2]
    for user in (world.peer_other_group, world.peer_other_province, world.coordinator_other):
        assert as_user(user).get(detail).status_code == 404, user


def test_it_lists_establishments_of_the_model_only(world, as_user, django_assert_max_num_queries):
    for i in range(4):
        _establishment(world, name=f"Sao Mai {i}", kind="hotel")
    _establishment(world, name="Massage Cẩm Phả", support_model=world.other_model)
    http = as_user(world.peer)
    with django_assert_max_num_queries(10):
        response = http.get(reverse("establishments:establishment_list"))
    page = response.content.decode()
    assert page.count("Sao Mai") == 4
    assert "Massage Cẩm Phả" not in page


def test_it_registers_an_establishment_with_an_encrypted_owner_contact(world, as_user):
    response = as_user(world.peer).post(
        reverse("establishments:establishment_create"),
        {
            "name": "Nhà nghỉ Hoa Mai",
            "kind": "guesthouse",
            "commune": world.ha_long.pk,
            "support_model": world.model.pk,
            "owner_name": OWNER_NAME,
            "owner_phone": OWNER_PHONE,
        },
    )
    assert response.status_code == 302
    est = Establishment.objects.get()
    assert est.owner_contact_blob and OWNER_PHONE.encode() not in bytes(est.owner_contact_blob)
    page = as_user(world.peer).get(response["Location"]).content.decode()
    assert OWNER_PHONE not in page and OWNER_NAME not in page


def test_it_shows_the_owner_contact_only_with_a_reason_and_audits_it(world, as_user):
    est = _establishment(world)
    url = reverse("establishments:establishment_detail", args=[est.public_id])
    http = as_user(world.coordinator)
    response = http.post(url, {"action": "reveal", "reveal-reason": ""})
    assert OWNER_PHONE not in response.content.decode()
    assert response.context["reveal_form"].errors
    response = http.post(url, {"action": "reveal", "reveal-reason": "Mời dự hội thảo"})
    assert OWNER_PHONE in response.content.decode()
    entry = AuditEntry.objects.get(action="establishment.view_owner_contact")
    assert entry.reason == "Mời dự hội thảo"


def test_it_changes_and_clears_the_owner_contact(world, as_user):
    est = _establishment(world)
    url = reverse("establishments:establishment_detail", args=[est.public_id])
    http = as_user(world.coordinator)
    http.post(
        url, {"action": "contact", "contact-owner_name": "", "contact-owner_phone": "0987 654 321"}
    )
    est.refresh_from_db()
    contact = services.establishment_owner_contact(
        actor=world.coordinator, establishment=est, reason="t"
    )
    assert contact == {"owner_name": "", "owner_phone": "0987 654 321"}
    response = http.post(url, {"action": "contact", "contact-owner_phone": "12"})
    assert "contact-owner_phone" in response.content.decode()
    assert response.context["contact_form"].errors
    services.establishment_set_owner_contact(
        actor=world.coordinator, establishment=est, owner_name="", owner_phone=""
    )
    est.refresh_from_db()
    assert est.wrapped_key is None and est.owner_contact_blob is None


def test_it_records_agreements_and_counts_owner_workshops_and_workers(world, as_user):
    est = _establishment(world)
    activity_record(
        actor=world.coordinator,
        record=ActivityRecord(
            kind="workshop",
            audience="owners",
            held_on=date(2019, 9, 1),
            support_model=world.model,
            commune=world.ha_long,
            venue_type="establishment",
            participants={"owner": 5, "worker": 18},
            establishments=[est],
        ),
    )
    url = reverse("establishments:establishment_detail", args=[est.public_id])
    response = as_user(world.peer).post(
        url,
        {
            "action": "agreement",
            "agreement-signed_on": "2019-10-01",
            "agreement-summary": "Cho nhóm đồng đẳng vào truyền thông hằng tháng",
            "agreement-signed_by": "owner",
        },
    )
    assert response.status_code == 302
    assert EstablishmentAgreement.objects.get().establishment == est
    page = as_user(world.peer).get(url)
    summary = page.context["summary"]
    assert summary["owner_workshops"] == 1
    assert summary["worker_contacts"] == 18  # 18 workers at the workshop, no outreach yet
    assert summary["workers_reached"] == 0  # no registered client contacted there
    assert len(summary["agreements"]) == 1


def test_it_counts_workers_as_persons_and_as_contacts_at_an_establishment(world):
    from clients.models import Client
    from outreach.models import OutreachContact

    est = _establishment(world)
    client = Client.objects.create(
        short_code="EST001",
        uic="ESTUIC001",
        peer_group=world.group,
        province=world.qn,
        birth_year=1995,
        sex="F",
        registered_by=world.peer,
    )
    common = dict(
        peer_group=world.group,
        peer_educator=world.peer,
        place_type="establishment",
        establishment=est,
        commune=world.ha_long,
    )
    for day in (1, 2, 3):  # the same worker, three visits
        OutreachContact.objects.create(contact_date=date(2024, 3, day), client=client, **common)
    OutreachContact.objects.create(contact_date=date(2024, 3, 4), head_count=12, **common)
    activity_record(  # a workshop for the group, no owner there: not an owner one
        actor=world.coordinator,
        record=ActivityRecord(
            kind="workshop",
            audience="groups",
            held_on=date(2024, 3, 9),
            support_model=world.model,
            commune=world.ha_long,
            venue_type="establishment",
            participants={"member": 6},
            establishments=[est],
        ),
    )
    summary = queries.establishment_summary(est)
    assert summary["workers_reached"] == 1
    assert summary["worker_contacts"] == 3 + 12
    assert summary["owner_workshops"] == 0


def _all_rows_as_text() -> str:
    """Every row of every table, as text (works on SQLite and PostgreSQL)."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    if isinstance(value, bytes):
                        chunks.append(value.decode("utf-8", "replace"))
                    else:
                        chunks.append(str(value))
    return "\n".join(chunks)


def test_it_never_stores_the_owner_contact_in_plaintext(world, as_user):
    est = _establishment(world)
    http = as_user(world.coordinator)
    url = reverse("establishments:establishment_detail", args=[est.public_id])
    http.post(url, {"action": "reveal", "reveal-reason": "kiểm tra"})
    http.post(
        url,
        {"action": "contact", "contact-owner_name": OWNER_NAME, "contact-owner_phone": OWNER_PHONE},
    )
    dump = _all_rows_as_text()
    assert "Karaoke Sao Biển" in dump  # the dump does see ordinary text
    assert OWNER_PHONE not in dump
    assert OWNER_PHONE[1:] not in dump
    assert OWNER_NAME not in dump
    assert "Chủ Quán" not in dump
