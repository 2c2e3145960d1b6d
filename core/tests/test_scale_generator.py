"""The national-scale generator (bench/scale/generate.py) at a tiny size, on PostgreSQL:
the rows it writes keep every foreign key and check constraint, the sizes follow the
contacts asked for, the indexes it drops for the fill are all back, and the `report`
command runs on what it made."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

GENERATOR = Path(__file__).resolve().parents[2] / "bench" / "scale" / "generate.py"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("scale_generate", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dsn() -> str:
    settings = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=settings["NAME"],
        user=settings["USER"] or "postgres",
        host=settings["HOST"] or "127.0.0.1",
        port=str(settings["PORT"] or 5432),
        password=settings["PASSWORD"] or None,
    )


def index_names(conn: psycopg.Connection[Any]) -> set[str]:
    return {
        row[0]
        for row in conn.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
        ).fetchall()
    }


def test_generator_fills_valid_rows_that_the_report_counts(world: Any, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the generator writes PostgreSQL SQL")
    from directory.taxonomy import SERVICE_TYPES

    gen = load_generator()
    types = [(t.code, t.category, str(t.label)) for t in SERVICE_TYPES.values()]
    with psycopg.connect(dsn()) as conn:
        before = index_names(conn)
        filler = gen.fill(conn, 2000, 0.16, types)
        assert index_names(conn) == before
        assert gen.check_foreign_keys(conn) == []
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]  # noqa: S608
            for table in (
                "clients_client",
                "outreach_outreachcontact",
                "referrals_servicedelivery",
                "referrals_referral",
                "activities_activity",
                "activities_hotlinecall",
                "safety_incident",
            )
        }
        # Dates of the generated records lie in 2022-2025, each named contact's on or
        # after its client's registration, in the client's own peer group.
        late = conn.execute(  # type: ignore[index]
            """SELECT count(*) FROM outreach_outreachcontact o
            JOIN clients_client c ON c.id = o.client_id
            WHERE o.contact_date < c.registered_on OR o.peer_group_id <> c.peer_group_id
               OR o.contact_date NOT BETWEEN '2022-01-01' AND '2025-12-31'"""
        ).fetchone()[0]
        categories: dict[str, str] = dict(
            conn.execute(
                "SELECT service_type, min(category) FROM referrals_servicedelivery GROUP BY 1"
            ).fetchall()
        )
        in_2024 = conn.execute(  # type: ignore[index]
            """SELECT count(DISTINCT client_id) FROM outreach_outreachcontact
            WHERE client_id IS NOT NULL AND contact_date BETWEEN '2024-01-01' AND '2024-12-31'"""
        ).fetchone()[0]
    assert counts["outreach_outreachcontact"] == 2000
    assert counts["clients_client"] >= 100
    assert counts["referrals_servicedelivery"] == 500
    assert counts["referrals_referral"] > 0 and counts["activities_activity"] >= 10
    assert counts["activities_hotlinecall"] >= 10 and counts["safety_incident"] >= 5
    assert filler.sizes["outreach contacts"] == 2000
    assert late == 0
    assert categories and all(SERVICE_TYPES[t].category == c for t, c in categories.items())

    # The fill runs with triggers off (as COPY would); the generator's main() then rebuilds
    # the report aggregates from the raw rows, as an operator does after a bulk load.
    call_command("reports_rebuild_aggregates")
    call_command("reports_check_aggregates")
    output = tmp_path / "report.json"
    call_command("report", "--period", "2024", "--format", "json", "--output", str(output))
    report = json.loads(output.read_text())
    reached = next(i for i in report["indicators"] if i["code"] == "clients_reached")
    assert reached["value"] == in_2024 > 0
