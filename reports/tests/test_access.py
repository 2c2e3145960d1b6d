"""Who sees which report: outsiders, wrong roles and wrong scopes get 404."""

from __future__ import annotations

from datetime import date

import pytest

from reports.periods import parse_period
from reports.queries import report_context

from .conftest import deliveries, make_clients


@pytest.mark.parametrize("who", ["nobody", "admin", "hotline"])
def test_it_gives_no_reports_to_roles_without_them(world, as_user, who):
    client = as_user(getattr(world, who))
    assert client.get("/reports/").status_code == 404
    assert client.get("/reports/export/json/").status_code == 404


def test_it_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/reports/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "who", ["peer", "leader", "coordinator", "prov_manager", "nat_manager", "provider"]
)
def test_it_shows_the_report_to_each_reporting_role(
    world, as_user, who, django_assert_max_num_queries
):
    client = as_user(getattr(world, who))
    with django_assert_max_num_queries(200):
        response = client.get("/reports/", {"period": "2024"})
    assert response.status_code == 200
    assert b'data-code="pt_national"' in response.content
    assert b"chart.umd.min.js" in response.content


def test_it_answers_404_for_an_area_outside_the_scope(world, as_user):
    manager = as_user(world.prov_manager)  # Quảng Ninh
    assert manager.get("/reports/", {"province": world.qn.pk}).status_code == 200
    assert manager.get("/reports/", {"province": world.hue.pk}).status_code == 404
    assert manager.get("/reports/", {"commune": world.thuan_hoa.pk}).status_code == 404
    assert manager.get("/reports/export/csv/", {"province": world.hue.pk}).status_code == 404


def test_it_answers_404_for_a_model_or_group_outside_the_scope(world, as_user):
    coordinator = as_user(world.coordinator)
    assert coordinator.get("/reports/", {"support_model": world.model.pk}).status_code == 200
    assert coordinator.get("/reports/", {"support_model": world.hue_model.pk}).status_code == 404
    assert coordinator.get("/reports/", {"peer_group": world.other_group.pk}).status_code == 404
    peer = as_user(world.peer)
    assert peer.get("/reports/", {"peer_group": world.group.pk}).status_code == 200
    assert peer.get("/reports/", {"peer_group": world.other_group.pk}).status_code == 404
    assert peer.get("/reports/", {"province": world.hue.pk}).status_code == 404


def test_it_answers_404_for_another_provider(world, as_user):
    provider = as_user(world.provider)
    assert provider.get("/reports/", {"provider": world.clinic.pk}).status_code == 200
    assert provider.get("/reports/", {"provider": world.legal.pk}).status_code == 404
    assert provider.get("/reports/", {"support_model": world.model.pk}).status_code == 404


def test_it_keeps_a_bad_period_in_the_form_with_a_clear_error(world, as_user):
    response = as_user(world.coordinator).get("/reports/", {"period": "2024-13"})
    assert response.status_code == 200
    assert "2024-13" in response.content.decode()
    assert b"errorlist" in response.content


def test_it_counts_only_what_each_scope_reaches(world):
    mine = make_clients(6, group=world.group, commune=world.ha_long, registered_by=world.peer)
    theirs = make_clients(
        7, group=world.other_group, commune=world.cam_pha, registered_by=world.peer
    )
    hue = make_clients(8, group=world.hue_group, commune=world.thuan_hoa, registered_by=world.peer)
    deliveries(
        [(c, "hiv_test", world.clinic, date(2024, 5, 1)) for c in mine + theirs]
        + [(c, "hiv_test", world.hue_clinic, date(2024, 5, 1)) for c in hue],
        recorded_by=world.peer,
    )
    period = parse_period("2024")

    def persons(user, **kw):
        from reports.report import build_report

        ctx = report_context(user, period=period, **kw)
        return build_report(ctx, codes=["persons_supported"]).line("persons_supported").cell.raw

    assert persons(world.peer) == 6
    assert persons(world.leader) == 6
    assert persons(world.coordinator) == 6
    assert persons(world.prov_manager) == 13
    assert persons(world.prov_manager_other) == 8
    assert persons(world.nat_manager) == 21
    assert persons(world.provider) == 13  # deliveries the clinic provided
    assert persons(world.provider_other_province) == 8
    assert persons(world.nat_manager, commune=world.cam_pha.pk) == 7
