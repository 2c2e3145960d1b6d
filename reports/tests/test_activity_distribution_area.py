"""Materials handed out at an activity (activities.activity_distribute) are in the
activity's commune: a commune's report counts them, like the province's, and another
commune's does not. A distribution's area is its contact's commune, else its activity's
commune (pre-reform communes likewise), else its peer group's model province, else the
stock holder's province."""

from __future__ import annotations

from datetime import date

import pytest

from activities.models import Activity
from activities.services import activity_distribute
from geo.models import CommuneConversion, LegacyCommune
from outreach import services as outreach_services
from outreach.models import Material, OutreachContact
from reports.context import ReportContext
from reports.periods import parse_period
from reports.queries import report_context
from reports.report import build_report

DAY = date(2024, 3, 12)
PERIOD = parse_period("2024-03")
CODES = ["materials_distributed", "condoms_distributed"]


def _meeting(w, **where):
    return Activity.objects.create(
        kind="meeting",
        held_on=DAY,
        venue_type="group_place",
        support_model=w.model,
        peer_group=w.group,
        recorded_by=w.peer,
        **where,
    )


@pytest.fixture
def handed_out(world):
    w = world
    handbook = Material.objects.create(name="Sổ tay quyền người lao động", theme="worker_rights")
    for kind, material, qty in (("material", handbook, 500), ("condom", None, 5000)):
        outreach_services.stock_receive(
            actor=w.coordinator,
            organisation=w.agency,
            item_kind=kind,
            material=material,
            quantity=qty,
            received_on=date(2024, 1, 1),
        )
    # A meeting in Hạ Long (commune A): 40 handbooks and 300 condoms.
    at_ha_long = _meeting(w, commune=w.ha_long)
    activity_distribute(
        actor=w.peer,
        activity=at_ha_long,
        item_kind="material",
        material=handbook,
        quantity=40,
        organisation=w.agency,
    )
    activity_distribute(
        actor=w.peer,
        activity=at_ha_long,
        item_kind="condom",
        quantity=300,
        organisation=w.agency,
    )
    # A meeting recorded under a pre-reform commune that became Hạ Long: 7 handbooks.
    old = LegacyCommune.objects.create(
        code="06701",
        name="Phường Bạch Đằng",
        district_code="193",
        district_name="Thành phố Hạ Long",
        province_code="22",
        province_name="Tỉnh Quảng Ninh",
        search_name="phuong bach dang",
    )
    CommuneConversion.objects.create(old_commune=old, new_commune=w.ha_long, note="whole")
    activity_distribute(
        actor=w.peer,
        activity=_meeting(w, legacy_commune=old),
        item_kind="material",
        material=handbook,
        quantity=7,
        organisation=w.agency,
    )
    # An outreach contact in Cẩm Phả (commune B): 3 handbooks (the contact's commune).
    contact = OutreachContact.objects.create(
        contact_date=DAY,
        head_count=1,
        commune=w.cam_pha,
        peer_group=w.group,
        peer_educator=w.peer,
        place_type="street",
    )
    outreach_services.distribution_record(
        actor=w.peer,
        organisation=w.agency,
        item_kind="material",
        material=handbook,
        quantity=3,
        distributed_on=DAY,
        contact=contact,
    )
    # A meeting with no commune: in the province only (peer group's model province).
    activity_distribute(
        actor=w.peer,
        activity=_meeting(w),
        item_kind="material",
        material=handbook,
        quantity=11,
        organisation=w.agency,
    )
    return w


def _figures(ctx: ReportContext) -> dict[str, int | float | None]:
    report = build_report(ctx, codes=CODES)
    return {line.indicator.code: line.cell.raw for line in report.lines}


def test_it_counts_materials_of_a_meeting_in_the_meetings_commune(handed_out):
    w = handed_out
    ha_long = _figures(ReportContext(period=PERIOD, commune_code=w.ha_long.pk))
    cam_pha = _figures(ReportContext(period=PERIOD, commune_code=w.cam_pha.pk))
    province = _figures(ReportContext(period=PERIOD, province_code=w.qn.pk))
    assert ha_long == {"materials_distributed": 40 + 7, "condoms_distributed": 300}
    assert cam_pha == {"materials_distributed": 3, "condoms_distributed": 0}
    assert province == {"materials_distributed": 40 + 7 + 3 + 11, "condoms_distributed": 300}
    assert _figures(ReportContext(period=PERIOD, province_code=w.hue.pk)) == {
        "materials_distributed": 0,
        "condoms_distributed": 0,
    }


def test_it_counts_them_in_the_commune_for_a_provincial_manager(handed_out):
    """Through the scope checks a manager's report goes through (the commune lies inside
    the manager's province, so the scope adds no condition of its own)."""
    w = handed_out
    ctx = report_context(w.prov_manager, period=PERIOD, commune=w.ha_long.pk)
    report = build_report(ctx, codes=CODES)
    assert report.line("materials_distributed").cell.raw == 47  # not about people: shown
    themes = {
        bc.key: bc.cell.raw
        for bc in build_report(report_context(w.prov_manager, period=PERIOD, commune=w.cam_pha.pk))
        .line("materials_distributed")
        .breakdowns["theme"]
    }
    assert themes["worker_rights"] == 3


def test_materials_at_a_model_activity_without_a_group_count_for_that_model(world):
    """An owner workshop of the model (no peer group): its handbooks belong to the model,
    in a report filtered to the model and in the model coordinator's own report."""
    from reports.context import ReportScope

    w = world
    handbook = Material.objects.create(name="Sổ tay an toàn", theme="safety_skills")
    outreach_services.stock_receive(
        actor=w.coordinator,
        organisation=w.agency,
        item_kind="material",
        material=handbook,
        quantity=100,
        received_on=date(2024, 1, 1),
    )
    workshop = Activity.objects.create(
        kind="workshop",
        held_on=DAY,
        venue_type="establishment",
        support_model=w.model,
        commune=w.ha_long,
        recorded_by=w.coordinator,
    )
    activity_distribute(
        actor=w.coordinator,
        activity=workshop,
        item_kind="material",
        material=handbook,
        quantity=25,
        organisation=w.agency,
    )

    def handbooks(**kw):
        report = build_report(
            ReportContext(period=PERIOD, **kw), codes=CODES, with_breakdowns=False
        )
        return report.line("materials_distributed").cell.raw

    assert handbooks(support_model_id=w.model.pk) == 25
    assert handbooks(support_model_id=w.hue_model.pk) == 0
    assert handbooks(scope=ReportScope("models", frozenset({w.model.pk}))) == 25
    assert handbooks(scope=ReportScope("models", frozenset({w.hue_model.pk}))) == 0
    assert handbooks(peer_group_id=w.group.pk) == 0  # no group took part
