"""Report reads go to the read replica when one is configured (issue 14 item 4): the
live report page, its breakdowns and its exports read their figures there; writes,
access decisions (grants, sessions) and everything else stay on default. Without a
replica nothing changes. In tests the `replica` alias is a mirror of default, so which
connection ran which query is what is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from core.replica import ReportReplicaRouter, report_reads
from reports.tests.conftest import deliveries, make_clients

BOTH = ["default", "replica"]


@pytest.fixture
def with_replica(settings: Any) -> None:
    settings.CAUNOI = {**settings.CAUNOI, "REPORT_READ_ALIAS": "replica"}


@pytest.fixture
def figures(world: Any) -> Any:
    clients = make_clients(6, group=world.group, commune=world.ha_long, registered_by=world.peer)
    deliveries(
        [(c, "gyn_exam", world.clinic, date(2024, 2, 10)) for c in clients],
        recorded_by=world.provider,
    )
    return world


def _sql(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"].lower() for q in ctx.captured_queries]


def _get(http: Any, url: str, params: dict[str, str]) -> tuple[Any, list[str], list[str]]:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = http.get(url, params)
    return response, _sql(primary), _sql(replica)


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_the_live_report_reads_its_figures_from_the_replica(
    figures: Any, as_user: Any, with_replica: None
) -> None:
    http = as_user(figures.coordinator)
    response, primary, replica = _get(http, "/reports/", {"period": "2024"})
    assert response.status_code == 200
    assert b'data-code="pt_national"' in response.content
    assert replica, "no report query went to the replica"
    assert any("referrals_servicedelivery" in q or "reports_" in q for q in replica)
    # Who the user is and what they may see is read from default, never the replica.
    for table in ("django_session", "accounts_grant", "accounts_user", "audit_"):
        assert not any(table in q for q in replica), table
    assert any("django_session" in q for q in primary)
    assert not any(q.startswith(("insert", "update", "delete")) for q in replica)


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_the_same_figures_as_without_a_replica(figures: Any, as_user: Any, settings: Any) -> None:
    http = as_user(figures.coordinator)
    plain = http.get("/reports/export/json/", {"period": "2024"})
    settings.CAUNOI = {**settings.CAUNOI, "REPORT_READ_ALIAS": "replica"}
    routed, primary, replica = _get(http, "/reports/export/json/", {"period": "2024"})
    assert plain.status_code == routed.status_code == 200
    # The statements kept from the first report (reports.compiled) go to the replica now.
    assert any("reports_" in q for q in replica)
    before, after = json.loads(plain.content), json.loads(routed.content)
    for body in (before, after):
        body["report"].pop("generated_at", None)
    assert before == after
    assert replica
    # The export's audit row is a write: on default.
    assert any(q.startswith("insert") and "audit_auditentry" in q for q in primary)


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_breakdowns_and_exports_read_from_the_replica(
    figures: Any, as_user: Any, with_replica: None
) -> None:
    http = as_user(figures.coordinator)
    for url in ("/reports/breakdown/area/", "/reports/export/csv/"):
        response, _primary, replica = _get(http, url, {"period": "2024"})
        assert response.status_code in {200, 404}, url
        if response.status_code == 200:
            assert replica, url


@pytest.mark.django_db  # only default: a query on the replica would fail the test
def test_without_a_replica_nothing_changes(figures: Any, as_user: Any) -> None:
    assert django_settings.CAUNOI["REPORT_READ_ALIAS"] == ""
    response = as_user(figures.coordinator).get("/reports/", {"period": "2024"})
    assert response.status_code == 200


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_writes_locks_and_transactions_stay_on_default(with_replica: None) -> None:
    from clients.models import Client

    router = ReportReplicaRouter()
    assert router.db_for_read(Client) is None  # outside report_reads: default
    with report_reads():
        assert router.db_for_read(Client) == "replica"
        assert router.db_for_write(Client) == "default"
        from accounts.models import Grant

        assert router.db_for_read(Grant) is None
        with transaction.atomic():
            assert router.db_for_read(Client) is None  # sees its own writes
    assert not router.allow_migrate("replica", "clients")
    assert router.allow_migrate("default", "clients")


def _settings_with(env: dict[str, str]) -> dict[str, Any]:
    code = (
        "import json, config.settings as s;"
        "print(json.dumps({'aliases': sorted(s.DATABASES), 'read': s.CAUNOI['REPORT_READ_ALIAS'],"
        "'replica': s.DATABASES.get('replica', {}).get('NAME'),"
        "'routers': s.DATABASE_ROUTERS}))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("CAUNOI_REPLICA")}
    base.pop("CAUNOI_TESTING", None)
    out = subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", code],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_replica_is_configured_by_one_variable_and_off_by_default() -> None:
    off = _settings_with({})
    assert off["aliases"] == ["default"] and off["read"] == ""
    on = _settings_with({"CAUNOI_REPLICA_DATABASE_URL": "postgres://caunoi@10.0.0.2:5432/caunoi"})
    assert on["aliases"] == ["default", "replica"] and on["read"] == "replica"
    assert on["replica"] == "caunoi"
    assert on["routers"] == ["core.replica.ReportReplicaRouter"]


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_the_background_export_reads_from_the_replica(figures: Any, with_replica: None) -> None:
    from reports.periods import parse_period
    from submissions import jobs
    from submissions.models import ExportJob

    job = ExportJob.objects.create(
        user=figures.coordinator,
        fmt="xlsx",
        params={"period": parse_period("2024").code},
        expires_at=jobs.timezone.now() + jobs.keep_for(),
    )
    with CaptureQueriesContext(connections["replica"]) as replica:
        jobs.run_export(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert _sql(replica) and not any(q.startswith(("insert", "update")) for q in _sql(replica))
