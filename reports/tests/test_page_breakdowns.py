"""The report page counts totals and the monthly trend at once; the person breakdowns
load on demand from /reports/breakdown/<section>/ (htmx), with the page's scope checks
and suppression, and the engine's shortcuts give the very same numbers."""

from __future__ import annotations

import re
from datetime import date

import pytest

from reports import counting
from reports.context import ReportContext, ReportScope
from reports.dimensions import DIMENSIONS
from reports.periods import parse_period
from reports.perturbation import reach
from reports.report import build_report

from .conftest import deliveries, make_clients

PARAMS = {"period": "2024-03"}


@pytest.fixture
def mixed(world):
    """Quảng Ninh, March 2024: 30 women and 3 men given an HIV test; 3 more women,
    born 2008 (under 18), given legal advice in 2023 and 2024."""
    women = make_clients(30, group=world.group, commune=world.ha_long, registered_by=world.peer)
    men = make_clients(
        3, group=world.group, commune=world.ha_long, registered_by=world.peer, sex="M"
    )
    young = make_clients(
        3, group=world.group, commune=world.ha_long, registered_by=world.peer, birth_year=2008
    )
    deliveries(
        [(c, "hiv_test", world.clinic, date(2024, 3, 5)) for c in women + men]
        + [(c, "legal_advice", world.legal, date(2024, 3, 6)) for c in young]
        + [(c, "legal_advice", world.legal, date(2023, 12, 6)) for c in young],
        recorded_by=world.provider,
    )
    return world


def _row(html: str, code: str) -> str:
    found = re.search(rf'<tr data-code="{code}">.*?</tr>', html, re.S)
    assert found, code
    return found.group(0)


def test_it_loads_breakdowns_on_demand(mixed, as_user, django_assert_max_num_queries):
    client = as_user(mixed.nat_manager)
    with django_assert_max_num_queries(30):
        response = client.get("/reports/", PARAMS)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-code="pt_national"' in html
    assert "data-breakdown=" not in html  # no breakdown counted for the page itself
    for section in ("sex", "age_group", "population_group"):
        assert f'hx-get="/reports/breakdown/{section}/?period=2024-03"' in html
    # Without JavaScript: a link to the same report with every breakdown.
    assert 'href="?period=2024-03&amp;breakdowns=1' in html
    full = client.get("/reports/", {**PARAMS, "breakdowns": "1"}).content.decode()
    for dim in ("sex", "age_group", "population_group"):
        assert f'data-breakdown="{dim}"' in full
    # The export links carry the filters, not the page's switch.
    assert "export/csv/?period=2024-03&amp;breakdowns" not in full


def test_it_suppresses_small_cells_in_the_partial(mixed, as_user):
    response = as_user(mixed.prov_manager).get("/reports/breakdown/sex/", PARAMS)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-breakdown="sex"' in html
    row = _row(html, "persons_supported")
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    # Women 33, men 3: the men are shown as 0 or 5 to 7, never as 3 nor as "<5"; women and
    # the total are adjusted by at most reach(v), each from its own records.
    assert "&lt;5" not in cells and "3" not in cells
    women, men, total = int(cells[0]), int(cells[1]), int(cells[-1])
    assert men in (0, 5, 6, 7) and abs(women - 33) <= reach(33) and abs(total - 36) <= reach(36)
    # The coordinator (no suppression) sees the count.
    raw = as_user(mixed.coordinator).get("/reports/breakdown/sex/", PARAMS).content.decode()
    shown = re.findall(r'<td class="num">([^<]*)</td>', _row(raw, "persons_supported"))
    assert "33" in shown and "3" in shown and "&lt;5" not in shown


@pytest.mark.parametrize("who", ["nobody", "admin", "hotline"])
def test_it_gives_no_partial_to_roles_without_reports(world, as_user, who):
    assert as_user(getattr(world, who)).get("/reports/breakdown/sex/").status_code == 404


def test_it_answers_404_for_a_partial_outside_the_scope(world, as_user):
    manager = as_user(world.prov_manager)  # Quảng Ninh
    assert manager.get("/reports/breakdown/sex/", {"province": world.qn.pk}).status_code == 200
    assert manager.get("/reports/breakdown/sex/", {"province": world.hue.pk}).status_code == 404
    assert (
        manager.get("/reports/breakdown/age_group/", {"commune": world.thuan_hoa.pk}).status_code
        == 404
    )
    coordinator = as_user(world.coordinator)
    url = "/reports/breakdown/population_group/"
    assert coordinator.get(url, {"support_model": world.hue_model.pk}).status_code == 404
    assert manager.get("/reports/breakdown/nothing/").status_code == 404
    assert manager.get("/reports/breakdown/sex/", {"period": "2024-13"}).status_code == 400


def test_it_asks_anonymous_visitors_to_log_in_for_the_partial(client):
    response = client.get("/reports/breakdown/sex/")
    assert response.status_code == 302


def _cells(report):
    return {
        line.indicator.code: (
            line.cell.raw,
            line.cell.value,
            {
                d: [(bc.key, bc.cell.raw, bc.cell.value) for bc in cells]
                for d, cells in line.breakdowns.items()
            },
        )
        for line in report.lines
    }


@pytest.mark.parametrize("period", ["2024-03", "2024", "2023-01-01..2024-12-31"])
def test_it_counts_the_same_with_and_without_the_shortcuts(mixed, monkeypatch, period):
    """Totals taken from the month or person groups, and sex/gender/age added up from one
    query, equal the per-breakdown queries; and the page's totals (month only) are the
    full report's. For a perturbed report this holds for the published figures too: the
    record-key sums taken through the shortcuts equal those of the direct queries."""
    scope = ReportScope("provinces", frozenset({mixed.qn.pk}), suppress=True)

    def ctx():
        return ReportContext(period=parse_period(period), scope=scope, province_code=mixed.qn.pk)

    fast = _cells(build_report(ctx()))
    page = _cells(build_report(ctx(), with_breakdowns=["month"]))
    for section in ("sex", "age_group", "population_group"):
        part = _cells(build_report(ctx(), with_breakdowns=[section]))
        assert {k: v[:2] for k, v in part.items()} == {k: v[:2] for k, v in fast.items()}
        for code, (_, _, dims) in part.items():
            assert dims.get(section) == fast[code][2].get(section)
    assert {k: v[:2] for k, v in page.items()} == {k: v[:2] for k, v in fast.items()}
    monkeypatch.setattr(counting, "_person_batch", lambda *a: NotImplemented)
    monkeypatch.setattr(counting, "_totals", lambda c, s: counting._batch(c, s, None))
    monkeypatch.setattr(ReportContext, "_filter_inside_scope", lambda self, src: False)
    assert _cells(build_report(ctx())) == fast
    assert fast["persons_supported"][0] == 36
    ages = dict((k, n) for k, n, _ in fast["persons_supported"][2]["age_group"])
    assert ages["lt18"] == 3


def test_it_applies_the_province_once_for_a_provincial_manager(world):
    period = parse_period("2024")
    inside = ReportContext(
        period=period,
        scope=ReportScope("provinces", frozenset({world.qn.pk}), suppress=True),
        province_code=world.qn.pk,
    )
    nation = ReportContext(period=period, province_code=world.qn.pk)
    for source in ("contact", "delivery", "distribution"):
        assert str(inside.rows(source).query) == str(nation.rows(source).query)
    # Without a filter, the scope still applies.
    scoped = ReportContext(period=period, scope=inside.scope)
    assert str(scoped.rows("contact").query) == str(inside.rows("contact").query)


def test_it_labels_missing_values_apart_from_the_not_stated_choice(db):
    """A breakdown column for records with no value must not repeat the label of the
    "not stated" choice (the sex table showed two "Không nêu" columns)."""
    from django.utils import translation

    from reports.report import _breakdown_cells

    ctx = ReportContext(period=parse_period("2024-03"))
    with translation.override("vi"):
        cells = _breakdown_cells(ctx, "sex", {"F": 3, "U": 1, None: 2})
    labels = [c.label for c in cells]
    assert len(labels) == len(set(labels)), labels
    assert labels[-1] == "Không rõ"


def test_it_gives_every_breakdown_its_own_title():
    """Titles head the page sections and name the Excel sheets: two "Loại hoạt động"
    sections (activities, and participants by activity) could not be told apart."""
    from django.utils import translation

    with translation.override("vi"):
        titles = [str(d.label)[:31] for d in DIMENSIONS.values()]
    assert len(titles) == len(set(titles)), titles
