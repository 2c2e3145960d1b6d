"""The HSDS 3.0 export validates against the Open Referral schema and never carries a
confidential address."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).resolve().parents[1] / "hsds_schema" / "organization.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_it_ships_a_schema_that_accepts_the_official_example(validator: Any) -> None:
    example = SCHEMA.parents[3] / "shared/standards/hsds-3.0/examples/organization_full.json"
    if example.exists():
        assert not list(validator.iter_errors(json.loads(example.read_text())))


def test_it_exports_valid_hsds(dworld: Any, tmp_path: Path, validator: Any) -> None:
    call_command("export_hsds", str(tmp_path))
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == 3
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(data)]
        assert not errors, (path.name, errors[:5])
    clinic = next(
        json.loads(p.read_text()) for p in files if "Tâm Đức" in p.read_text(encoding="utf-8")
    )
    service = clinic["services"][0]
    codes = {a["taxonomy_term"]["code"] for a in service["attributes"]}
    assert {"health", "gyn_exam", "friendly_to_key_populations"} <= codes
    assert service["service_at_locations"][0]["location_id"] == str(dworld.clinic_loc.public_id)


def test_it_never_exports_a_confidential_address(dworld: Any, tmp_path: Path) -> None:
    call_command("export_hsds", str(tmp_path))
    everything = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.json"))
    assert "Ngõ Bí Mật" not in everything
    assert dworld.w.cam_pha.name not in everything
    assert "20.95" not in everything and "107.07" not in everything
    assert "Nhà tạm lánh" in everything  # the organisation is still listed


def test_it_writes_the_systems_own_labels_in_vietnamese_or_english(
    dworld: Any, tmp_path: Path
) -> None:
    call_command("export_hsds", str(tmp_path / "vi"))
    call_command("export_hsds", str(tmp_path / "en"), "--language", "en")
    vi = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "vi").glob("*.json"))
    en = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "en").glob("*.json"))
    assert "Địa điểm được bảo mật: hãy hỏi đường dây nóng." in vi and "Miễn phí" in vi
    assert "Confidential location: ask the hotline." in en and '"Free"' in en
