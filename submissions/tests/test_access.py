"""Who may see, prepare and review: everyone else gets 404."""

from __future__ import annotations

import pytest

from submissions.models import Level, PeriodicReport, Status
from submissions.tests.test_workflow import TEXT


def _report(world, level=Level.MODEL, **unit):
    unit = unit or {"support_model": world.model}
    return PeriodicReport.objects.create(
        level=level,
        period_code="2024-Q1",
        period_start="2024-01-01",
        period_end="2024-03-31",
        **unit,
    )


@pytest.mark.parametrize("name", ["peer", "leader", "hotline", "provider", "admin", "nobody"])
def test_it_answers_404_to_roles_without_periodic_reports(world, as_user, name):
    client = as_user(getattr(world, name))
    report = _report(world)
    assert client.get("/submissions/").status_code == 404
    assert client.get(f"/submissions/{report.public_id}/").status_code == 404
    assert (
        client.post(
            "/submissions/start/", {"level": "model", "unit": world.model.pk, "period": "2024-Q1"}
        ).status_code
        == 404
    )


def test_a_model_report_is_seen_by_its_chain_only(world, as_user):
    report = _report(world)
    url = f"/submissions/{report.public_id}/"
    for name in ("coordinator", "prov_manager"):
        assert as_user(getattr(world, name)).get(url).status_code == 200, name
    # A model's exact totals go to its province, not to the ministry.
    for name in ("coordinator_other", "prov_manager_other", "nat_manager"):
        assert as_user(getattr(world, name)).get(url).status_code == 404, name


def test_a_province_report_is_not_seen_by_coordinators(world, as_user):
    report = _report(world, Level.PROVINCE, province=world.qn)
    url = f"/submissions/{report.public_id}/"
    assert as_user(world.prov_manager).get(url).status_code == 200
    assert as_user(world.nat_manager).get(url).status_code == 200
    for name in ("coordinator", "prov_manager_other"):
        assert as_user(getattr(world, name)).get(url).status_code == 404


def test_only_the_preparer_writes_and_only_the_level_above_reviews(world, as_user):
    report = _report(world)
    url = f"/submissions/{report.public_id}/"
    # The provincial manager sees it but does not write it.
    for name in ("prov_manager",):
        response = as_user(getattr(world, name)).post(url, {**TEXT, "action": "submit"})
        assert response.status_code == 404
    assert as_user(world.coordinator).post(url, {**TEXT, "action": "submit"}).status_code == 302
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    review = f"{url}review/"
    for name in ("coordinator", "nat_manager", "prov_manager_other", "coordinator_other"):
        assert as_user(getattr(world, name)).post(review, {"action": "approve"}).status_code == 404
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert as_user(world.prov_manager).post(review, {"action": "approve"}).status_code == 302


def test_a_coordinator_cannot_start_a_report_for_another_unit(world, as_user):
    client = as_user(world.coordinator)
    for level, unit in (
        ("model", world.hue_model.pk),
        ("model", world.other_model.pk),
        ("province", "22"),
        ("nation", ""),
    ):
        response = client.post(
            "/submissions/start/", {"level": level, "unit": unit, "period": "2024-Q1"}
        )
        assert response.status_code == 404, (level, unit)
    assert not PeriodicReport.objects.exists()


def test_a_provincial_manager_cannot_review_a_province_report(world, as_user):
    report = _report(world, Level.PROVINCE, province=world.qn)
    PeriodicReport.objects.filter(pk=report.pk).update(status=Status.SUBMITTED)
    assert (
        as_user(world.prov_manager)
        .post(f"/submissions/{report.public_id}/review/", {"action": "approve"})
        .status_code
        == 404
    )


def test_the_overview_shows_the_national_table_to_national_managers_only(world, as_user):
    page = (
        as_user(world.nat_manager).get("/submissions/", {"period": "Quý I/2024"}).content.decode()
    )
    assert 'data-testid="by-province"' in page
    for name in ("prov_manager", "coordinator"):
        page = (
            as_user(getattr(world, name))
            .get("/submissions/", {"period": "Quý I/2024"})
            .content.decode()
        )
        assert 'data-testid="by-province"' not in page
    page = (
        as_user(world.prov_manager).get("/submissions/", {"period": "Quý I/2024"}).content.decode()
    )
    assert world.model.name in page and world.hue_model.name not in page
