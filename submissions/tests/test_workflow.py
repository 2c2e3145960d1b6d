"""The submission workflow end to end: two models of a province submit their quarter,
the provincial manager returns one, it is resubmitted, the province submits and the
national manager approves; frozen figures stay frozen while live ones move."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from accounts.models import Role
from audit.models import AuditEntry
from conftest import make_user
from notifications.models import Notification
from reports.perturbation import reach
from reports.tests.conftest import deliveries, make_clients
from submissions.models import Level, PeriodicReport, ReportVersion, Status

PERIOD = "Quý I/2024"
TEXT = {
    "results": "Tiếp cận 6 chị em, 6 lượt khám phụ khoa.",
    "difficulties": "Kinh phí hạn chế.",
    "recommendations": "Bổ sung bao cao su.",
}


@pytest.fixture
def data(world):
    world.coordinator2 = make_user(
        "coordinator2", Role.COORDINATOR, support_model=world.other_model
    )
    ha_long = make_clients(6, group=world.group, commune=world.ha_long, registered_by=world.peer)
    cam_pha = make_clients(
        6, group=world.other_group, commune=world.cam_pha, registered_by=world.peer
    )
    deliveries(
        [(c, "gyn_exam", world.clinic, date(2024, 2, 10)) for c in ha_long + cam_pha],
        recorded_by=world.provider,
    )
    return world


def _start(client, level: str, unit: Any = "") -> PeriodicReport:
    response = client.post("/submissions/start/", {"level": level, "unit": unit, "period": PERIOD})
    assert response.status_code == 302, response.content
    return PeriodicReport.objects.get(public_id=response["Location"].rstrip("/").split("/")[-1])


def _submit(client, report: PeriodicReport, **text: str) -> Any:
    return client.post(f"/submissions/{report.public_id}/", {**TEXT, **text, "action": "submit"})


def _value(report: PeriodicReport, code: str) -> Any:
    version = report.versions.order_by("-number").first()
    assert version is not None
    return version.values()[code]


def _live(row: str, code: str) -> int:
    match = re.search(rf'data-col="{code}-live">([0-9.]+)<', row)
    assert match, row
    return int(match.group(1).replace(".", ""))


def test_the_chain_from_models_to_the_nation(data, as_user):
    w = data
    coord, coord2 = as_user(w.coordinator), as_user(w.coordinator2)
    prov, nat = as_user(w.prov_manager), as_user(w.nat_manager)

    # Two models prepare and submit their quarter.
    model_report = _start(coord, Level.MODEL, w.model.pk)
    other_report = _start(coord2, Level.MODEL, w.other_model.pk)
    assert _submit(coord, model_report).status_code == 302
    assert _submit(coord2, other_report).status_code == 302
    model_report.refresh_from_db()
    assert model_report.status == Status.SUBMITTED
    assert _value(model_report, "pt_national") == 6
    assert (
        Notification.objects.filter(user=w.prov_manager, kind="submission.submitted").count() == 2
    )

    # The provincial manager sees both submitted and returns one with a reason.
    page = prov.get("/submissions/", {"period": PERIOD}).content.decode()
    assert page.count("Đã gửi") >= 2
    response = prov.post(
        f"/submissions/{model_report.public_id}/review/",
        {"action": "return", "reason": "Thiếu phần khó khăn về nhân lực."},
    )
    assert response.status_code == 302
    model_report.refresh_from_db()
    assert model_report.status == Status.RETURNED
    notice = Notification.objects.get(user=w.coordinator, kind="submission.returned")
    assert "nhân lực" in notice.body
    page = coord.get(f"/submissions/{model_report.public_id}/").content.decode()
    assert "Thiếu phần khó khăn về nhân lực." in page and 'name="results"' in page

    # Corrected and resubmitted as version 2; approved, as is the other.
    assert _submit(coord, model_report, difficulties="Thiếu nhân lực.").status_code == 302
    versions = list(ReportVersion.objects.filter(report=model_report).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].decision == "returned" and versions[1].difficulties == "Thiếu nhân lực."
    for report in (model_report, other_report):
        assert (
            prov.post(f"/submissions/{report.public_id}/review/", {"action": "approve"}).status_code
            == 302
        )
    assert PeriodicReport.objects.filter(level=Level.MODEL, status=Status.APPROVED).count() == 2

    # The province submits; the national manager approves it.
    province_report = _start(prov, Level.PROVINCE, "22")
    assert _submit(prov, province_report).status_code == 302
    assert Notification.objects.filter(user=w.nat_manager, kind="submission.submitted").exists()
    assert (
        nat.post(
            f"/submissions/{province_report.public_id}/review/", {"action": "approve"}
        ).status_code
        == 302
    )
    province_report.refresh_from_db()
    assert province_report.status == Status.APPROVED
    assert _value(province_report, "pt_national") == 12

    # Records saved after the submission change only the live column.
    more = make_clients(1, group=w.group, commune=w.ha_long, registered_by=w.peer)
    deliveries([(more[0], "gyn_exam", w.clinic, date(2024, 3, 1))], recorded_by=w.provider)
    page = nat.get("/submissions/", {"period": PERIOD}).content.decode()
    row = page[page.index('data-province="22"') :]
    row = row[: row.index("</tr>")]
    # Submitted figures are the exact ones the province sent; the live column is the
    # national manager's own report, adjusted by the cell key method (at most reach(13) = 4 off 13).
    assert 'data-col="pt_national-submitted">12<' in row
    assert abs(_live(row, "pt_national") - 13) <= reach(13)
    total = page[page.index('data-province="total"') :]
    total = total[: total.index("</tr>")]
    assert 'data-col="pt_national-submitted">12<' in total
    assert abs(_live(total, "pt_national") - 13) <= reach(13)
    assert _value(province_report, "pt_national") == 12
    detail = coord.get(f"/submissions/{model_report.public_id}/").content.decode()
    line = detail[detail.index('data-code="pt_national"') :]
    assert 'data-col="submitted">6<' in line[:600] and 'data-col="live">7' in line[:600]

    # Every step is audited.
    actions = list(
        AuditEntry.objects.filter(object_type="submissions.periodicreport").values_list(
            "action", flat=True
        )
    )
    for action in ("create", "update", "submit", "return", "approve"):
        assert action in actions


def test_the_narrative_refuses_client_identifiers_and_keeps_what_was_typed(data, as_user):
    w = data
    coord = as_user(w.coordinator)
    report = _start(coord, Level.MODEL, w.model.pk)
    client = w.group.clients.first()
    for text in (
        "Chị em gọi 0912 345 678 để được hỗ trợ.",
        "Liên hệ +84 912345678.",
        "Khách hàng A7K2M9 đã đi khám.",
        f"Khách hàng {client.short_code} đã đi khám.",
        f"UIC {client.uic} cần theo dõi.",
    ):
        response = coord.post(
            f"/submissions/{report.public_id}/", {**TEXT, "results": text, "action": "save"}
        )
        assert response.status_code == 400, text
        body = response.content.decode()
        assert "Hãy xoá" in body or "Hãy bỏ" in body, text
        assert text.replace("+", "&#x2B;") in body or text in body  # kept in the box
    report.refresh_from_db()
    assert report.results == ""
    # Figures, amounts and decision numbers are not identifiers.
    fine = "Ngân sách 300.000.000 đồng theo QĐ 1683/QĐ-UBND; 22.532 lượt năm 2022."
    response = coord.post(
        f"/submissions/{report.public_id}/", {**TEXT, "results": fine, "action": "save"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.results == fine


def test_a_return_needs_a_reason_without_identifiers(data, as_user):
    w = data
    coord, prov = as_user(w.coordinator), as_user(w.prov_manager)
    report = _start(coord, Level.MODEL, w.model.pk)
    _submit(coord, report)
    assert (
        prov.post(
            f"/submissions/{report.public_id}/review/", {"action": "return", "reason": ""}
        ).status_code
        == 400
    )
    response = prov.post(
        f"/submissions/{report.public_id}/review/",
        {"action": "return", "reason": "Gọi lại 0912345678"},
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_a_submitted_report_cannot_be_edited_or_submitted_twice(data, as_user):
    w = data
    coord = as_user(w.coordinator)
    report = _start(coord, Level.MODEL, w.model.pk)
    _submit(coord, report)
    response = coord.post(
        f"/submissions/{report.public_id}/", {**TEXT, "results": "khác", "action": "submit"}
    )
    assert response.status_code == 400
    assert report.versions.count() == 1
    report.refresh_from_db()
    assert report.results == TEXT["results"]


def test_submitting_needs_results(data, as_user):
    w = data
    coord = as_user(w.coordinator)
    report = _start(coord, Level.MODEL, w.model.pk)
    response = _submit(coord, report, results="")
    assert response.status_code == 400
    assert report.versions.count() == 0


def test_deadlines_mark_late_and_missing_reports(data, as_user):
    w = data
    nat, coord = as_user(w.nat_manager), as_user(w.coordinator)
    response = nat.post(
        "/submissions/deadlines/", {"period": PERIOD, "level": "model", "due_on": "2024-04-10"}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(object_type="submissions.reportingdeadline").exists()
    # Not a deadline-setter: 404.
    assert as_user(w.prov_manager).get("/submissions/deadlines/").status_code == 404
    report = _start(coord, Level.MODEL, w.model.pk)
    _submit(coord, report)
    assert report.versions.get().late is True  # submitted today, long after 10/04/2024
    page = as_user(w.prov_manager).get("/submissions/", {"period": PERIOD}).content.decode()
    late = page[page.index('data-testid="late"') :]
    late = late[: late.index("</section>")]
    assert w.model.name in late and w.other_model.name in late
    assert "Quá hạn" in late


def test_a_custom_range_is_not_a_reporting_period(data, as_user):
    coord = as_user(data.coordinator)
    response = coord.post(
        "/submissions/start/",
        {"level": "model", "unit": data.model.pk, "period": "01/01/2024 - 15/02/2024"},
    )
    assert response.status_code == 302 and response["Location"] == "/submissions/"
    assert not PeriodicReport.objects.exists()


def test_preparing_twice_gives_the_same_report(data):
    from submissions.queries import reporting_period
    from submissions.services import report_prepare

    w = data
    period = reporting_period(PERIOD)
    first = report_prepare(actor=w.coordinator, level=Level.MODEL, unit=w.model, period=period)
    again = report_prepare(actor=w.coordinator, level=Level.MODEL, unit=w.model, period=period)
    assert first.pk == again.pk
    assert PeriodicReport.objects.count() == 1
    assert first.issuing_agency == "CHI CỤC PCTNXH QUẢNG NINH" and first.place == "Quảng Ninh"


def test_the_recipients_are_checked_too(data, as_user):
    w = data
    coord = as_user(w.coordinator)
    report = _start(coord, Level.MODEL, w.model.pk)
    response = coord.post(
        f"/submissions/{report.public_id}/",
        {**TEXT, "recipients": "- Chị Hoa 0987 654 321;", "action": "save"},
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert "0987" not in report.recipients


def test_submitted_figures_are_written_like_the_live_ones(data, as_user):
    """The frozen column of a submitted report groups thousands and writes decimals the
    Vietnamese way (1.234 and 68,0), exactly as the live column beside it: found on the
    page by a user, where the frozen 9606 stood beside the live 9.606."""
    w = data
    coord, prov = as_user(w.coordinator), as_user(w.prov_manager)
    report = _start(coord, Level.MODEL, w.model.pk)
    assert _submit(coord, report).status_code == 302
    version = report.versions.get()
    for item in version.figures["indicators"]:
        if item["code"] == "pt_national":
            item["value"] = 12345
    version.save(update_fields=["figures"])

    page = coord.get(f"/submissions/{report.public_id}/").content.decode()
    assert re.search(r'data-col="submitted">12\.345<', page), page
    overview = prov.get("/submissions/", {"period": PERIOD}).content.decode()
    assert 'data-col="pt_national-submitted">12.345<' in overview
