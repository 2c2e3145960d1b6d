from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import Grant, Role
from directory.models import Agreement, AgreementLine, Service
from referrals.models import ServiceDelivery

pytestmark = pytest.mark.django_db

SECRET = "Ngõ Bí Mật số 7"


def _results(response: Any) -> str:
    return response.content.decode().split('data-testid="results"', 1)[1]


def test_it_searches_by_type_and_commune(dworld: Any, as_user: Any) -> None:
    c = as_user(dworld.w.peer)
    url = reverse("directory:search")
    page = _results(c.get(url, {"service_type": "gyn_exam"}))
    assert "Khám phụ khoa" in page and "Xét nghiệm HIV" not in page
    page = _results(c.get(url, {"commune": dworld.w.thuan_hoa.code}))
    assert "Xét nghiệm HIV" in page and "Khám phụ khoa" not in page
    page = _results(c.get(url, {"category": "protection"}))
    assert "Tạm lánh khẩn cấp" in page and "Khám phụ khoa" not in page
    page = _results(c.get(url, {"friendly_only": "on", "province": dworld.w.hue.code}))
    assert "Xét nghiệm HIV" not in page


def test_it_lists_with_few_queries(
    dworld: Any, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(5):
        s = Service.objects.create(
            organisation=dworld.w.clinic, service_type="hiv_test", name=f"Dịch vụ {i}"
        )
        s.locations.set([dworld.clinic_loc])
    c = as_user(dworld.w.peer)
    with django_assert_max_num_queries(14):
        assert c.get(reverse("directory:search")).status_code == 200


def test_it_needs_a_role(dworld: Any, as_user: Any, client: Any) -> None:
    assert as_user(dworld.w.nobody).get(reverse("directory:search")).status_code == 404
    assert client.get(reverse("directory:search")).status_code == 302
    detail = reverse("directory:service", args=[dworld.gyn.public_id])
    assert as_user(dworld.w.nobody).get(detail).status_code == 404
    assert as_user(dworld.w.peer_other_province).get(detail).status_code == 200


@pytest.mark.parametrize(
    "who,sees",
    [
        ("peer", False),
        ("leader", False),
        ("provider", False),
        ("prov_manager", False),
        ("nat_manager", False),
        ("admin", False),
        ("coordinator_other", False),
        ("coordinator", True),
        ("hotline", True),
        ("shelter_staff", True),
    ],
)
def test_it_shows_a_confidential_address_only_to_those_who_need_it(
    dworld: Any, as_user: Any, who: str, sees: bool
) -> None:
    if who == "shelter_staff":
        from conftest import make_user

        user = make_user("shelter_staff", Role.PROVIDER, organisation=dworld.shelter_org)
    else:
        user = getattr(dworld.w, who)
    c = as_user(user)
    search = c.get(reverse("directory:search")).content.decode()
    detail = c.get(reverse("directory:service", args=[dworld.shelter.public_id])).content.decode()
    assert (SECRET in search) is sees
    assert (SECRET in detail) is sees
    assert "0900 000 111" in detail  # the phone is always there


def test_it_counts_agreement_use_live(dworld: Any, as_user: Any) -> None:
    w = dworld.w
    agreement = Agreement.objects.create(
        provider=w.clinic,
        title="Khám cho 100 phụ nữ",
        start_date=date(2019, 6, 1),
        end_date=date(2019, 12, 31),
        budget_vnd=20_000_000,
        support_model=w.model,
    )
    AgreementLine.objects.create(agreement=agreement, service_type="gyn_exam", quantity=100)
    from referrals.tests.conftest import make_client

    clients = [make_client(w) for _ in range(3)]
    rows = [
        (clients[0], "gyn_exam", w.clinic, date(2019, 7, 1)),
        (clients[0], "gyn_exam", w.clinic, date(2019, 7, 1)),  # duplicate: counts once
        (clients[1], "gyn_exam", w.clinic, date(2019, 8, 1)),
        (clients[2], "gyn_exam", w.clinic, date(2020, 1, 5)),  # outside the period
        (clients[2], "gyn_exam", w.legal, date(2019, 8, 1)),  # another provider
        (clients[2], "hiv_test", w.clinic, date(2019, 8, 1)),  # another type
    ]
    for client, st, provider, on in rows:
        ServiceDelivery.objects.create(
            client=client,
            service_type=st,
            provider=provider,
            delivered_on=on,
            source="walk_in",
            recorded_by=w.provider,
        )
    from directory.queries import agreement_usage

    usage = agreement_usage(agreement)
    assert [(u.line.service_type, u.used, u.remaining) for u in usage] == [("gyn_exam", 2, 98)]
    url = reverse("directory:agreement", args=[agreement.public_id])
    page = as_user(w.coordinator).get(url).content.decode()
    assert 'data-testid="usage-gyn_exam"' in page and "98" in page
    assert as_user(w.provider).get(url).status_code == 200
    for user in (w.provider_other, w.peer, w.coordinator_other, w.nobody, w.prov_manager_other):
        assert as_user(user).get(url).status_code == 404
    assert as_user(w.peer).get(reverse("directory:agreements")).status_code == 404


def test_it_lets_a_coordinator_create_an_agreement_with_lines(dworld: Any, as_user: Any) -> None:
    w = dworld.w
    c = as_user(w.coordinator)
    url = reverse("directory:agreement_new")
    data = {
        "provider": w.legal.pk,
        "support_model": w.model.pk,
        "title": "Trợ giúp pháp lý 20 trường hợp",
        "reference": "HĐ 15/2019",
        "start_date": "2019-06-01",
        "end_date": "2020-05-31",
        "budget_vnd": "15000000",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-service_type": "legal_advice",
        "lines-0-quantity": "20",
        "lines-1-service_type": "identity_papers",
        "lines-1-quantity": "10",
    }
    response = c.post(url, data)
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert sorted(agreement.lines.values_list("service_type", "quantity")) == [
        ("identity_papers", 10),
        ("legal_advice", 20),
    ]
    bad = c.post(url, {**data, "end_date": "2019-01-01"})
    assert bad.status_code == 200 and Agreement.objects.count() == 1
    assert as_user(w.peer).get(url).status_code == 404
    assert as_user(w.provider).get(url).status_code == 404


def test_editing_an_agreement_changes_and_deletes_its_lines(dworld: Any, as_user: Any) -> None:
    w = dworld.w
    c = as_user(w.coordinator)
    data: dict[str, Any] = {
        "provider": w.legal.pk,
        "support_model": w.model.pk,
        "title": "Trợ giúp pháp lý",
        "start_date": "2019-06-01",
        "end_date": "2020-05-31",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-service_type": "legal_advice",
        "lines-0-quantity": "20",
        "lines-1-service_type": "identity_papers",
        "lines-1-quantity": "10",
    }
    assert c.post(reverse("directory:agreement_new"), data).status_code == 302
    agreement = Agreement.objects.get()
    first, second = agreement.lines.order_by("service_type")
    edit = {
        **data,
        "lines-INITIAL_FORMS": "2",
        "lines-0-id": second.pk,
        "lines-0-quantity": "25",
        "lines-1-id": first.pk,
        "lines-1-DELETE": "on",
    }
    url = reverse("directory:agreement_edit", args=[agreement.public_id])
    assert c.post(url, edit).status_code == 302
    assert list(agreement.lines.values_list("service_type", "quantity")) == [("legal_advice", 25)]


def test_it_lets_provider_staff_edit_their_own_services_only(dworld: Any, as_user: Any) -> None:
    w = dworld.w
    c = as_user(w.provider)
    assert c.get(reverse("directory:service_edit", args=[dworld.gyn.public_id])).status_code == 200
    assert (
        c.get(reverse("directory:service_edit", args=[dworld.hue_hiv.public_id])).status_code == 404
    )
    response = c.post(
        reverse("directory:service_new"),
        {
            "organisation": w.clinic.pk,
            "service_type": "prep",
            "name": "PrEP",
            "cost": "free",
            "locations": [dworld.clinic_loc.pk],
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert Service.objects.get(name="PrEP").organisation == w.clinic
    assert as_user(w.peer).get(reverse("directory:service_new")).status_code == 404
    Grant.objects.filter(user=w.provider).update(active=False)


def test_it_saves_an_agreement_with_one_line_leaving_the_spare_lines_blank(
    dworld: Any, as_user: Any
) -> None:
    w = dworld.w
    c = as_user(w.coordinator)
    url = reverse("directory:agreement_new")
    form = c.get(url).content.decode()
    # The spare lines start on a blank service type, not on the first real one.
    assert '<option value="" selected>—</option>' in form
    data = {
        "provider": w.legal.pk,
        "support_model": w.model.pk,
        "title": "Trợ giúp pháp lý",
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
        "lines-TOTAL_FORMS": "4",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-service_type": "legal_advice",
        "lines-0-quantity": "20",
    }
    for i in (1, 2, 3):  # what the browser sends for an untouched spare line
        data[f"lines-{i}-service_type"] = ""
        data[f"lines-{i}-quantity"] = ""
        data[f"lines-{i}-amount_vnd"] = ""
    response = c.post(url, data)
    assert response.status_code == 302
    assert list(Agreement.objects.get().lines.values_list("service_type", "quantity")) == [
        ("legal_advice", 20)
    ]


def test_it_names_the_languages_spoken_instead_of_their_codes(dworld: Any, as_user: Any) -> None:
    html = as_user(dworld.w.peer).get(reverse("directory:service", args=[dworld.gyn.public_id]))
    assert "Tiếng Việt, English" in html.content.decode()  # composed, as typed
