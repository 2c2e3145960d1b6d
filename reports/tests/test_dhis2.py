"""DHIS2 export: the orgUnit is the report's own area, whoever asks."""

from __future__ import annotations

import json

import pytest

from accounts.models import Grant, Role
from conftest import make_user
from reports import queries
from reports.dhis2 import ReportAreaError, as_data_value_set, org_unit, report_area
from reports.periods import parse_period
from reports.report import build_report

MAPPING = {"orgUnits": {"national": "VN"}, "orgUnitPattern": "VN-{code}", "dataElements": {}}
Q1 = parse_period("2024-Q1")


def _org_unit(user, **filters):
    ctx = queries.report_context(user, period=Q1, **filters)
    return org_unit(build_report(ctx, with_breakdowns=False), MAPPING)


@pytest.mark.parametrize(
    "role",
    ["peer", "leader", "provider", "coordinator", "prov_manager"],
)
def test_it_sends_the_province_for_every_role_below_the_nation(world, role):
    assert _org_unit(getattr(world, role)) == "VN-22"


def test_it_sends_the_nation_only_for_a_national_report(world):
    assert _org_unit(world.nat_manager) == "VN"


def test_it_sends_the_filtered_area_for_a_national_manager(world):
    assert _org_unit(world.nat_manager, province="46") == "VN-46"
    assert _org_unit(world.nat_manager, commune="06688") == "VN-06688"
    # A report narrowed to one model, group or provider is that unit's province.
    assert _org_unit(world.nat_manager, support_model=world.hue_model.pk) == "VN-46"
    assert _org_unit(world.nat_manager, peer_group=world.hue_group.pk) == "VN-46"
    assert _org_unit(world.nat_manager, provider=world.hue_clinic.pk) == "VN-46"


def test_it_sends_the_commune_when_a_coordinator_filters_one(world):
    assert _org_unit(world.coordinator, commune="06688") == "VN-06688"
    assert _org_unit(world.coordinator, province="22") == "VN-22"


def test_it_refuses_a_report_that_spans_several_provinces(world):
    Grant.objects.create(
        user=world.coordinator, role=Role.COORDINATOR, support_model=world.hue_model
    )
    ctx = queries.report_context(world.coordinator, period=Q1)
    with pytest.raises(ReportAreaError):
        report_area(ctx)
    # Narrowed to one of the two provinces, it is that one.
    assert _org_unit(world.coordinator, province="46") == "VN-46"


def test_a_two_province_manager_must_choose_a_province(world):
    both = make_user("both", Role.PROVINCIAL_MANAGER, province=world.qn)
    Grant.objects.create(user=both, role=Role.PROVINCIAL_MANAGER, province=world.hue)
    with pytest.raises(ReportAreaError):
        _org_unit(both)
    assert _org_unit(both, province="46") == "VN-46"


def test_every_value_carries_the_same_org_unit(world):
    ctx = queries.report_context(world.coordinator, period=Q1)
    mapping = {**MAPPING, "dataElements": {"pt_national": {"dataElement": "COX29Tc7Et4"}}}
    payload = as_data_value_set(build_report(ctx, with_breakdowns=False), mapping)
    assert payload["orgUnit"] == "VN-22"
    assert {v["orgUnit"] for v in payload["dataValues"]} == {"VN-22"}


def test_the_export_page_names_the_coordinators_province(world, as_user):
    import json

    response = as_user(world.coordinator).get("/reports/export/dhis2/", {"period": "2024-Q1"})
    assert response.status_code == 200
    assert json.loads(response.content)["orgUnit"] == "VN-22"


def test_the_export_page_asks_for_a_province_when_the_scope_spans_two(world, as_user):
    Grant.objects.create(
        user=world.coordinator, role=Role.COORDINATOR, support_model=world.hue_model
    )
    response = as_user(world.coordinator).get("/reports/export/dhis2/", {"period": "2024-Q1"})
    assert response.status_code == 400
    assert "nhiều tỉnh" in response.content.decode()


def test_the_shipped_mapping_is_valid():
    from reports.dhis2 import load_mapping, mapping_problems

    assert mapping_problems(load_mapping()) == []


def test_a_bad_mapping_is_refused_at_start_naming_each_unknown_code(db, tmp_path, settings):
    from django.core.checks import run_checks

    bad = {
        "dataElements": {
            "pt_national": {"dataElement": "COX29Tc7Et4"},
            "pt_nationale": {"dataElement": "COX29Tc7Et5"},
            "clients_reached": {"dataElement": "short"},
        },
        "categoryOptionCombos": {"gender_identity": {"F": "CfhGZdLgKmT"}},
        "orgUnits": {"national": "VN", "Quang Ninh": "abc"},
    }
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(bad))
    settings.CAUNOI = {**settings.CAUNOI, "DHIS2_MAPPING_FILE": str(path)}
    messages = [e.msg for e in run_checks() if e.id and e.id.startswith("reports.")]
    joined = "\n".join(messages)
    assert "'pt_nationale'" in joined
    assert "'short' is not a DHIS2 uid" in joined
    assert "'gender_identity'" in joined
    assert "'Quang Ninh'" in joined
    assert "'pt_national'" not in joined.replace("'pt_nationale'", "")
    path.write_text("{not json")
    assert any("cannot be read" in e.msg for e in run_checks() if e.id == "reports.E001")
    settings.CAUNOI = {**settings.CAUNOI, "DHIS2_MAPPING_FILE": str(tmp_path / "missing.json")}
    assert any("does not exist" in e.msg for e in run_checks() if e.id == "reports.E001")


def test_adx_carries_the_same_values_as_the_data_value_set(world, as_user):
    from xml.etree import ElementTree as ET

    from reports.dhis2 import ADX_NS

    client = as_user(world.coordinator)
    dvs = json.loads(client.get("/reports/export/dhis2/", {"period": "Quý I/2024"}).content)
    response = client.get("/reports/export/adx/", {"period": "Quý I/2024"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/adx+xml"
    root = ET.fromstring(response.content)  # noqa: S314 (our own export)
    group = root.find(f"{{{ADX_NS}}}group")
    assert group.get("orgUnit") == "VN-22" and group.get("period") == "2024-01-01/P3M"
    adx_values = {
        (v.get("dataElement"), v.get("categoryOptionCombo")): v.get("value")
        for v in group.findall(f"{{{ADX_NS}}}dataValue")
    }
    default = "HllvX50cXC0"
    expected = {
        (
            v["dataElement"],
            None if v["categoryOptionCombo"] == default else v["categoryOptionCombo"],
        ): v["value"]
        for v in dvs["dataValues"]
        if "value" in v
    }
    assert adx_values == expected and expected


def test_adx_refuses_a_range_and_hides_withheld_cells(world, as_user):
    response = as_user(world.coordinator).get(
        "/reports/export/adx/", {"period": "01/01/2024 - 15/02/2024"}
    )
    assert response.status_code == 400
    from reports.dhis2 import as_adx
    from reports.periods import parse_period

    payload = {
        "orgUnit": "VN-22",
        "dataValues": [
            {"dataElement": "COX29Tc7Et4", "categoryOptionCombo": "HllvX50cXC0", "comment": "<5"},
            {"dataElement": "C1sXd5cIeqS", "categoryOptionCombo": "HllvX50cXC0", "value": "12"},
        ],
    }
    xml = as_adx(payload, parse_period("2024-Q1"), {}).decode()
    assert "COX29Tc7Et4" not in xml and 'value="12"' in xml
