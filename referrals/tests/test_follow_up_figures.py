"""The coordinator's follow-up page and the report count referral outcomes the same way
(referrals.outcomes): completion rate = completed ÷ sent, and median days from sending
to the first delivery recorded against the referral (else the completion day). On the
same records, for the same scope and a period covering them, the figures are equal."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from referrals import outcomes
from referrals.models import Referral, ServiceDelivery
from reports.periods import parse_period
from reports.queries import report_context
from reports.report import build_report
from tests.factories import make_client

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CODES = [
    "referrals_made",
    "referrals_completed",
    "referral_completion_rate",
    "referral_median_days",
]


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HCM)


def _referral(rw: Any, client: Any, service: Any, sent_at: datetime, status: str, **kw: Any) -> Any:
    return Referral.objects.create(
        client=client,
        service=service,
        provider=service.organisation,
        service_type=service.service_type,
        from_kind="peer",
        sender=rw.w.peer,
        reason="Cần hỗ trợ",
        sent_at=sent_at,
        status=status,
        **kw,
    )


def _delivered(referral: Referral, on: date, by: Any) -> None:
    ServiceDelivery.objects.create(
        client=referral.client,
        service_type=referral.service_type,
        provider=referral.provider,
        delivered_on=on,
        referral=referral,
        source="referral",
        recorded_by=by,
    )


@pytest.fixture
def followed(rworld: Any) -> Any:
    w, s = rworld.w, rworld.s
    clients = [make_client(w) for _ in range(7)]
    # 1. Sent late at night (local), service recorded the next day, marked completed
    #    days later: 1 day to service (the first delivery), not the completion time.
    r1 = _referral(
        rworld, clients[0], s.gyn, _at(2024, 3, 1, 23, 30), "completed",
        completed_at=_at(2024, 3, 5, 10),
    )  # fmt: skip
    _delivered(r1, date(2024, 3, 2), w.provider)
    # 2. No delivery recorded against it: the completion day (3 days).
    _referral(
        rworld, clients[1], s.sti, _at(2024, 3, 3, 9), "completed",
        completed_at=_at(2024, 3, 6, 20),
    )  # fmt: skip
    # 3. Two deliveries: the first one counts (2 days).
    r3 = _referral(
        rworld, clients[2], s.legal, _at(2024, 3, 10, 9), "completed",
        completed_at=_at(2024, 3, 15, 9),
    )  # fmt: skip
    _delivered(r3, date(2024, 3, 15), w.provider)
    _delivered(r3, date(2024, 3, 12), w.provider)
    # Not completed: every one of them is in the denominator.
    _referral(rworld, clients[3], s.gyn, _at(2024, 4, 1, 9), "declined")
    _referral(rworld, clients[4], s.gyn, _at(2024, 5, 1, 9), "sent")
    _referral(rworld, clients[5], s.legal, _at(2024, 5, 2, 9), "cancelled")
    _referral(rworld, clients[6], s.sti, _at(2024, 6, 1, 9), "no_show")
    # Another group's client: on neither page of the home group's peer or coordinator.
    other = _referral(
        rworld, rworld.other_client, s.gyn, _at(2024, 3, 1, 9), "completed",
        completed_at=_at(2024, 3, 30, 9),
    )  # fmt: skip
    _delivered(other, date(2024, 3, 30), w.provider)
    return rworld


def _report(user: Any, **filters: Any) -> dict[str, Any]:
    ctx = report_context(user, period=parse_period("2024"), **filters)
    return {line.indicator.code: line.cell.raw for line in build_report(ctx, codes=CODES).lines}


def _page(as_user: Any, user: Any) -> Any:
    response = as_user(user).get(reverse("referrals:follow_up"))
    assert response.status_code == 200
    return response


def _same(row: Any, report: dict[str, Any]) -> None:
    assert row.sent == report["referrals_made"]
    assert row.completed == report["referrals_completed"]
    assert row.completion_rate == report["referral_completion_rate"]
    assert row.median_days == report["referral_median_days"]


@pytest.mark.parametrize("who", ["peer", "coordinator"])
def test_the_follow_up_page_gives_the_reports_figures(followed: Any, as_user: Any, who: str):
    user = getattr(followed.w, who)
    total = _page(as_user, user).context["total"]
    report = _report(user)
    _same(total, report)
    # The figures themselves: 3 completed of 7 sent; days 1, 3 and 2.
    assert (total.sent, total.completed) == (7, 3)
    assert total.completion_rate == 42.9  # not 3 ÷ 5 closed (60%)
    assert total.median_days == 2.0


def test_the_rows_by_provider_are_the_reports_for_that_provider(followed: Any, as_user: Any):
    w = followed.w
    rows = {r.label: r for r in _page(as_user, w.coordinator).context["by_provider"]}
    for provider in (w.clinic, w.legal):
        _same(rows[provider.name], _report(w.coordinator, provider=provider.pk))
    assert rows[w.clinic.name].completion_rate == 40.0  # 2 of 5
    assert rows[w.clinic.name].median_days == 2.0  # 1 and 3 days
    assert rows[w.legal.name].completion_rate == 50.0  # 1 of 2, the cancelled one included
    assert rows[w.legal.name].median_days == 2.0


def test_the_page_says_what_it_counts(followed: Any, as_user: Any):
    html = _page(as_user, followed.w.coordinator).content.decode()
    assert "42,9%" in html  # Vietnamese decimal comma
    assert "hoàn thành (trên tổng số đã gửi)" in html
    assert "trung vị số ngày từ chuyển gửi đến khi nhận dịch vụ" in html
    assert 'data-testid="follow-up-definitions"' in html
    assert "Đây là cách tính của báo cáo" in html


def test_one_definition_of_days_to_service() -> None:
    sent = _at(2024, 3, 1, 23, 30)  # 1 March locally, 16:30 UTC
    assert outcomes.days_to_service(sent, _at(2024, 3, 9, 8), date(2024, 3, 2)) == 1
    assert outcomes.days_to_service(sent, _at(2024, 3, 2, 0, 10), None) == 1
    assert outcomes.days_to_service(sent, None, None) is None
    assert outcomes.days_to_service(sent, None, date(2024, 2, 28)) == 0  # never negative
    assert outcomes.completion_rate(7, 3) == 42.9
    assert outcomes.completion_rate(0, 0) is None
    assert outcomes.median_days([1, None, 3, 2]) == 2.0
    with pytest.raises(ValueError):
        outcomes.outcome([Referral(status="completed")])  # not loaded with_first_delivery


def test_the_period_filter_gives_the_reports_figures_for_that_period(followed: Any, as_user: Any):
    w = followed.w
    response = as_user(w.coordinator).get(reverse("referrals:follow_up"), {"period": "2024-03"})
    total = response.context["total"]
    ctx = report_context(w.coordinator, period=parse_period("2024-03"))
    report = {line.indicator.code: line.cell.raw for line in build_report(ctx, codes=CODES).lines}
    _same(total, report)
    assert (total.sent, total.completed) == (3, 3)  # the three sent in March
    # Open referrals need action whatever the period: the May one is still listed.
    assert response.context["total"].sent < 7 and len(response.context["oldest_open"]) == 1
    assert "01/03/2024 – 31/03/2024" in response.content.decode()


def test_a_wrong_period_is_explained_and_kept(followed: Any, as_user: Any):
    response = as_user(followed.w.coordinator).get(
        reverse("referrals:follow_up"), {"period": "2024-13"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="2024-13"' in html and "errorlist" in html
    assert response.context["total"].sent == 7  # shown for all referrals meanwhile


@pytest.mark.parametrize("text", ["0000", "0000-01", "0000-Q1"])
def test_a_year_zero_is_refused_not_a_crash(followed: Any, as_user: Any, text: str):
    response = as_user(followed.w.coordinator).get(reverse("referrals:follow_up"), {"period": text})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    manager = as_user(followed.w.prov_manager).get("/reports/", {"period": text})
    assert manager.status_code in (200, 400)


def test_the_median_from_counts_per_day_is_the_median_of_the_referrals(followed: Any):
    """median_days_to_service counts referrals per (local day sent, day served) in the
    database: the same figure as days_to_service over each referral, late-night sends,
    the completion day (after midnight locally), deliveries before the send and an even
    number of referrals (a half day) included."""
    rw = followed
    more = [
        (_at(2024, 6, 1, 23, 50), _at(2024, 6, 2, 0, 5), None),  # 1 day, not 0
        (_at(2024, 6, 3, 9), _at(2024, 6, 9, 9), date(2024, 6, 1)),  # before: 0 days
        (_at(2024, 6, 4, 9), _at(2024, 6, 11, 7), None),
        (_at(2024, 6, 5, 9), None, None),  # no day served: not in the median
    ]
    for sent, done, delivered in more:
        r = _referral(rw, make_client(rw.w), rw.s.gyn, sent, "completed", completed_at=done)
        if delivered:
            _delivered(r, delivered, rw.w.provider)
    completed = outcomes.with_first_delivery(Referral.objects.filter(status="completed"))
    expected = outcomes.median_days(
        outcomes.days_to_service(r.sent_at, r.completed_at, r.first_delivery) for r in completed
    )
    assert outcomes.median_days_to_service(Referral.objects.all()) == expected
    assert outcomes.weighted_median({0: 1, 1: 1, 2: 1, 7: 1, 3: 1, 9: 1}) == 2.5
    assert outcomes.median_days_to_service(Referral.objects.none()) is None
