"""Long exports in the background: queued, built by the task queue, progress shown,
kept for the user only for a limited time, audited."""

from __future__ import annotations

import io
from datetime import timedelta

from django.utils import timezone

from audit.models import AuditEntry
from submissions import jobs
from submissions.models import ExportJob


def _request(client, fmt="xlsx", query="period=2024-Q1", capture=None):
    with capture(execute=True):
        return client.post(f"/submissions/exports/new/{fmt}/?{query}")


def test_an_excel_export_is_built_in_the_background_and_downloaded(
    world, as_user, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    coord = as_user(world.coordinator)
    page = coord.get("/reports/", {"period": "2024-Q1"}).content.decode()
    assert "/submissions/exports/new/xlsx/?period=2024-Q1" in page
    response = _request(coord, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == f"/submissions/exports/{job.public_id}/"
    assert job.state == "done" and job.progress == 100
    assert job.params == {
        "period": "2024-Q1",
        "province": None,
        "commune": None,
        "support_model": None,
        "peer_group": None,
        "provider": None,
    }
    status = coord.get(f"/submissions/exports/{job.public_id}/status/").content.decode()
    assert 'data-state="done"' in status and "100%" in status and "hx-trigger" not in status
    file = coord.get(f"/submissions/exports/{job.public_id}/file/")
    assert file.status_code == 200 and file.content.startswith(b"PK")
    load_workbook(io.BytesIO(file.content))
    assert 'filename="bao-cao-2024-Q1.xlsx"' in file["Content-Disposition"]
    assert (
        AuditEntry.objects.filter(
            action="export", actor=world.coordinator, changes__format="xlsx"
        ).count()
        == 1
    )


def test_a_waiting_job_shows_its_progress_and_polls(world, as_user):
    job = ExportJob.objects.create(
        user=world.coordinator,
        fmt="pdf",
        params={"period": "2024"},
        state="running",
        progress=60,
        step="Đang ghi tệp",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    page = as_user(world.coordinator).get(f"/submissions/exports/{job.public_id}/").content.decode()
    assert 'value="60"' in page and "Đang ghi tệp" in page and 'hx-trigger="every 2s"' in page
    assert (
        as_user(world.coordinator).get(f"/submissions/exports/{job.public_id}/file/").status_code
        == 404
    )


def test_a_finished_job_says_ready_once(world, as_user, django_capture_on_commit_callbacks):
    """A finished job read "Sẵn sàng — Sẵn sàng": its state and its last step said the
    same thing. The step is what is being done, so it shows only while the job runs."""
    coord = as_user(world.coordinator)
    _request(coord, capture=django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    status = coord.get(f"/submissions/exports/{job.public_id}/status/").content.decode()
    assert status.count("Sẵn sàng") == 1, status


def test_a_job_is_its_owners_only_and_expires(world, as_user, django_capture_on_commit_callbacks):
    coord = as_user(world.coordinator)
    _request(coord, fmt="pdf", capture=django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.state == "done"
    for name in ("prov_manager", "nat_manager", "coordinator_other", "peer"):
        other = as_user(getattr(world, name))
        for suffix in ("", "status/", "file/"):
            assert other.get(f"/submissions/exports/{job.public_id}/{suffix}").status_code == 404
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert coord.get(f"/submissions/exports/{job.public_id}/file/").status_code == 404
    assert jobs.exports_cleanup() == 1
    assert not ExportJob.objects.exists()


def test_an_out_of_scope_request_is_refused_before_anything_is_queued(
    world, as_user, django_capture_on_commit_callbacks
):
    coord = as_user(world.coordinator)
    response = _request(
        coord, query="period=2024-Q1&province=46", capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 404
    response = _request(
        coord, query="period=Quý V/2024", capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    assert (
        as_user(world.nobody).post("/submissions/exports/new/xlsx/?period=2024").status_code == 404
    )
    assert coord.post("/submissions/exports/new/csv/?period=2024").status_code == 404
    assert not ExportJob.objects.exists()


def test_running_a_job_twice_is_safe_and_a_lost_scope_fails_cleanly(world):
    from accounts.models import Grant

    job = ExportJob.objects.create(
        user=world.coordinator,
        fmt="xlsx",
        params={"period": "2024-Q1"},
        expires_at=timezone.now() + timedelta(hours=1),
    )
    jobs.run_export(job.pk)
    job.refresh_from_db()
    first = bytes(job.content)
    jobs.run_export(job.pk)
    job.refresh_from_db()
    assert bytes(job.content) == first
    assert AuditEntry.objects.filter(action="export").count() == 1
    Grant.objects.filter(user=world.coordinator).update(active=False)
    lost = ExportJob.objects.create(
        user=world.coordinator,
        fmt="xlsx",
        params={"period": "2024-Q1", "support_model": world.model.pk},
        expires_at=timezone.now() + timedelta(hours=1),
    )
    jobs.run_export(lost.pk)
    lost.refresh_from_db()
    assert lost.state == "failed" and lost.content is None
