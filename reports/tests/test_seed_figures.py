"""The seed reports' figures, rebuilt from records: the counting rules must give them."""

from __future__ import annotations

from datetime import date, timedelta

from geo.models import CommuneConversion, LegacyCommune
from programs.models import Organisation
from reports.context import ReportContext
from reports.periods import parse_period
from reports.report import build_report

from .conftest import deliveries, make_clients


def _value(report, code):
    return report.line(code).cell.raw


def test_it_rebuilds_hue_january_to_august_2024(world):
    """Thừa Thiên Huế (now Thành phố Huế, 46), Jan–Aug 2024: 124 persons;
    86 education/vocational, 94 legal and 94 health person-times."""
    legal_office = Organisation.objects.create(
        name="Trung tâm TGPL Huế", kind="provider", province=world.hue
    )
    old = LegacyCommune.objects.create(
        code="19753",
        name="Phường Phú Hội",
        district_code="474",
        district_name="Thành phố Huế",
        province_code="46",
        province_name="Tỉnh Thừa Thiên Huế",
        search_name="phu hoi",
    )
    CommuneConversion.objects.create(old_commune=old, new_commune=world.thuan_hoa, note="whole")
    clients = make_clients(
        120, group=world.hue_group, commune=world.thuan_hoa, registered_by=world.peer
    )
    # Four clients recorded before the reform, with only their old commune.
    clients += make_clients(
        4,
        group=world.hue_group,
        province=world.hue,
        legacy_commune=old,
        registered_by=world.peer,
    )
    day = date(2024, 1, 2)
    items = []
    for i, c in enumerate(clients[:86]):  # education: 86 distinct person-times
        items.append((c, "vocational_training", world.hue_clinic, day + timedelta(days=i)))
    for i, c in enumerate(clients[30:]):  # legal: 94
        items.append((c, "legal_advice", legal_office, day + timedelta(days=i)))
    for i, c in enumerate(clients[:94]):  # health: 94
        items.append((c, "hiv_test", world.hue_clinic, day + timedelta(days=i)))
    # Same client, category, provider and date: still one person-time.
    items.append((clients[0], "sti_test_treatment", world.hue_clinic, day))
    items.append((clients[0], "hiv_test", world.hue_clinic, day))
    # Outside the period (by service date), and outside the area: not counted.
    items.append((clients[1], "hiv_test", world.hue_clinic, date(2024, 9, 1)))
    items.append((clients[1], "hiv_test", world.hue_clinic, date(2023, 12, 31)))
    qn_client = make_clients(1, group=world.group, commune=world.ha_long, registered_by=world.peer)
    items.append((qn_client[0], "hiv_test", world.clinic, date(2024, 3, 1)))
    deliveries(items, recorded_by=world.provider)

    ctx = ReportContext(period=parse_period("2024-01-01..2024-08-31"), province_code="46")
    report = build_report(ctx)

    assert _value(report, "persons_supported") == 124
    assert _value(report, "pt_education") == 86
    assert _value(report, "pt_legal") == 94
    assert _value(report, "pt_health") == 94
    assert _value(report, "pt_national") == 86 + 94 + 94


def test_it_rebuilds_the_national_2022_figures(world):
    """2022: 436 + 2,023 + 20,073 = 22,532 person-times, with 4 loans in category 1."""
    clients = make_clients(400, group=world.group, commune=world.ha_long, registered_by=world.peer)
    clients += make_clients(
        300, group=world.hue_group, commune=world.thuan_hoa, registered_by=world.peer
    )
    jan1 = date(2022, 1, 1)

    def spread(n, service_types, provider):
        out = []
        for k in range(n):
            client = clients[k % len(clients)]
            day = jan1 + timedelta(days=(k // len(clients)) % 365)
            out.append((client, service_types[k % len(service_types)], provider, day))
        return out

    items = spread(432, ["vocational_training", "job_placement"], world.clinic)
    items += [(clients[i], "loan", world.agency, date(2022, 6, 1)) for i in range(4)]
    items += spread(2023, ["legal_advice", "identity_papers"], world.legal)
    items += spread(20073, ["hiv_test"], world.clinic)
    # A second record of the same health service (peer and provider both recorded it).
    items += spread(500, ["sti_test_treatment"], world.clinic)
    deliveries(items, recorded_by=world.provider)

    report = build_report(ReportContext(period=parse_period("2022")), with_breakdowns=False)

    assert _value(report, "pt_education") == 436
    assert _value(report, "pt_loan") == 4
    assert _value(report, "pt_legal") == 2023
    assert _value(report, "pt_health") == 20073
    assert _value(report, "pt_national") == 22532
    assert _value(report, "pt_national") == sum(
        _value(report, c) for c in ("pt_education", "pt_legal", "pt_health")
    )
