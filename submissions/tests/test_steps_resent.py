"""Submitting, approving or returning a report sent twice (a double tap, the browser's
resend) by the same person: the same success, one version, one decision; other text or
another person's step still gets the clear "can no longer be changed" answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import constants

from audit.models import AuditEntry
from submissions.models import Level, Status

from .test_workflow import TEXT, _start

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world: Any) -> Any:
    return world


def _levels(response: Any) -> list[int]:
    return [m.level for m in response.context["messages"]]


def _submit(http: Any, report: Any, **text: str) -> Any:
    return http.post(
        f"/submissions/{report.public_id}/", {**TEXT, **text, "action": "submit"}, follow=True
    )


def test_a_resent_submission_is_answered_with_the_same_success(data: Any, as_user: Any) -> None:
    coord = as_user(data.coordinator)
    report = _start(coord, Level.MODEL, data.model.pk)
    first, again = _submit(coord, report), _submit(coord, report)
    assert first.redirect_chain == again.redirect_chain
    assert _levels(first) == _levels(again) == [constants.SUCCESS]
    assert report.versions.count() == 1
    assert AuditEntry.objects.filter(action="submit").count() == 1
    # Other text is not a resend: refused, nothing changed.
    other = _submit(coord, report, results="khác")
    assert other.status_code == 400 and report.versions.count() == 1


@pytest.mark.parametrize(
    ("action", "status"), [("approve", Status.APPROVED), ("return", Status.RETURNED)]
)
def test_a_resent_decision_is_answered_with_the_same_success(
    data: Any,
    as_user: Any,
    action: str,
    status: str,
) -> None:
    report = _start(as_user(data.coordinator), Level.MODEL, data.model.pk)
    _submit(as_user(data.coordinator), report)
    prov = as_user(data.prov_manager)
    url = f"/submissions/{report.public_id}/review/"
    body = {"action": action, "reason": "Thiếu phần khó khăn."}
    first, again = prov.post(url, body, follow=True), prov.post(url, body, follow=True)
    assert first.redirect_chain == again.redirect_chain
    assert _levels(first) == _levels(again) == [constants.SUCCESS]
    report.refresh_from_db()
    assert report.status == status
    assert AuditEntry.objects.filter(action=action).count() == 1


def test_a_conflicting_decision_gets_a_clear_message(data: Any, as_user: Any) -> None:
    report = _start(as_user(data.coordinator), Level.MODEL, data.model.pk)
    _submit(as_user(data.coordinator), report)
    prov = as_user(data.prov_manager)
    url = f"/submissions/{report.public_id}/review/"
    prov.post(url, {"action": "approve"}, follow=True)
    refused = prov.post(url, {"action": "return", "reason": "Sai số liệu."}, follow=True)
    assert _levels(refused) == [constants.ERROR]
    report.refresh_from_db()
    assert report.status == Status.APPROVED
