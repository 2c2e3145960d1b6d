"""Issue 15, how it will be checked: the canary probe. A canary name, nickname and phone
are typed into every free-text field of a client, an incident and an alert, through the
pages, by a peer, a leader and a hotline counsellor; then every page (every route of the
URL configuration that takes no argument or one of the probe's records), every
notification, every export (the reports as CSV, Excel and JSON, the client export, the HSDS
directory export) and every captured log line is read as every other role. The canary may
appear only where it is allowed: the client's own pages for its peer group (and for a
coordinator after a tap with a reason), and the incident's private account for the people
who may read it."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from audit.models import AuditEntry
from clients.models import Client
from notifications.models import Notification
from safety.models import Incident, SafetyAlert

pytestmark = pytest.mark.django_db

NAME = "Bạch Thị Xuyến"
NICKNAME = "Xuyến Xinh"
PHONE = "0966 424 242"
CANARY = ["Bạch Thị Xuyến", "Xuyến", "BACH THI XUYEN", "0966 424 242", "0966424242", "966424242"]
STORY = f"Khách đánh {NAME} ({NICKNAME}), SĐT {PHONE}."


def _text(response: Any) -> str:
    """Everything a response carries, an Excel file's sheets included."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"".join(archive.read(n) for n in archive.namelist())
    return raw.decode("utf-8", errors="replace") + " " + response.get("Location", "")


def _leaked(text: str) -> list[str]:
    from core.text import fold

    folded = fold(text)
    return [c for c in CANARY if c in text or fold(c) in folded]


def _routes() -> list[tuple[str, list[str]]]:
    """(namespaced name, argument names) of every named route."""
    out: list[tuple[str, list[str]]] = []

    def walk(patterns: Any, prefix: str, converters: dict[str, Any]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p.url_patterns, ns, {**converters, **p.pattern.converters})
            elif isinstance(p, URLPattern) and p.name:
                names = list({**converters, **p.pattern.converters})
                out.append((prefix + p.name, names))

    walk(get_resolver().url_patterns, "", {})
    return out


def _kind(name: str) -> str:
    """Which of the probe's records a route's `public_id` or `pk` names."""
    if name.startswith("clients:"):
        return "client"
    if name.startswith("safety:incident"):
        return "incident"
    if name.startswith("safety:alert"):
        return "alert"
    return name.split(":")[0]


def _urls(records: dict[str, Any]) -> list[str]:
    """Every route without arguments, or filled with each of the probe's records of the
    kind it shows (a route of another kind could only answer 404 for them)."""
    urls: set[str] = set()
    for name, args in _routes():
        if name.startswith(("admin:", "djdt:")):
            continue
        choices: list[dict[str, Any]] = [{}]
        for arg in args:
            values = records.get(f"{_kind(name)}.{arg}", records.get(arg))
            if values is None:
                choices = []
                break
            choices = [{**c, arg: v} for c in choices for v in values]
        for kwargs in choices:
            with contextlib.suppress(NoReverseMatch):  # a value of another kind
                urls.add(reverse(name, kwargs=kwargs))
    return sorted(urls)


def _type_canary(world: Any, as_user: Any) -> dict[str, Any]:
    """Through the pages: a client, incidents and alerts, every free-text field."""
    peer, leader = as_user(world.peer), as_user(world.leader)
    registered = peer.post(
        reverse("clients:register"),
        {
            "peer_group": world.group.pk,
            "given_name": "Xuyến",
            "mother_given_name": "Hoa",
            "family_name": "Bạch",
            "birth_year": "1994",
            "sex": "F",
            "gender_identity": "woman",
            "population_groups": ["fsw"],
            "commune": world.ha_long.pk,
            "name": NAME,
            "nickname": NICKNAME,
            "phone": PHONE,
            "notes": STORY,
            "consent_method": "verbal",
            "consent_follow_up": "on",
            "consent_phone": "on",
        },
    )
    assert registered.status_code == 302
    client = Client.objects.get()
    # The client's other free-text fields (a status note, a request's note and its
    # answer) are shown in plain text: the canary is refused there, what was typed kept.
    today = timezone.localdate().isoformat()
    status_url = reverse("clients:status", args=[client.public_id])
    request_url = reverse("clients:request_add", args=[client.public_id])
    for note in (STORY, NICKNAME.lower(), PHONE.replace(" ", ".")):
        form = {"status": "inactive", "changed_on": today, "note": note}
        refused = peer.post(status_url, form, follow=True)  # a form on the client's page
        assert "Bỏ “" in refused.content.decode()
        assert client.status_history.count() == 1
        form = {"kind": "view", "received_on": today, "note": note}
        refused = peer.post(request_url, form)
        assert refused.status_code == 200, note
        assert refused.context["form"]["note"].value() == note
        assert "Bỏ “" in refused.content.decode()
    clean = {"status": "inactive", "changed_on": today, "note": "Đã chuyển đi làm xa"}
    assert peer.post(status_url, clean).status_code == 302
    clean = {"kind": "view", "received_on": today, "note": "Hỏi tại buổi sinh hoạt"}
    assert peer.post(request_url, clean).status_code == 302
    dsr = client.data_requests.get()
    close_url = reverse("clients:request_close", args=[dsr.pk])
    assert leader.post(close_url, {"note": STORY}).status_code == 200
    assert leader.post(close_url, {"note": "Đã gửi bản sao"}).status_code == 302
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    incident_form = {
        "occurred_on": day,
        "place_type": "hotel",
        "province": world.qn.pk,
        "commune": world.ha_long.pk,
        "violence_types": ["physical"],
        "perpetrator_kind": "client",
        "client_code": client.short_code,
        "reported_via": "peer_for_client",
        "action_taken": "counselled",
        "consent_alert": "on",
        "details": STORY,
    }
    assert peer.post(reverse("safety:incident_create"), incident_form).status_code == 302
    incident = Incident.objects.get()
    alert_url = reverse("safety:alert_create", args=[incident.public_id])
    issued = timezone.localdate()
    alert_form = {
        "subject": "person",
        "province": world.qn.pk,
        "commune": world.ha_long.pk,
        "issued_on": issued.isoformat(),
        "expires_on": (issued + timedelta(days=14)).isoformat(),
    }
    for headline, warning in (
        (NAME, "Không đi một mình."),
        ("Cẩn thận", STORY),
        (f"Gọi {PHONE}", f"Hỏi {NICKNAME.lower()}"),
        ("Cẩn thận", "hay đi cùng xuyến xinh"),
    ):
        refused = peer.post(alert_url, {**alert_form, "headline": headline, "warning": warning})
        assert refused.status_code == 200, (headline, warning)
    assert not SafetyAlert.objects.exists()
    clean = {**alert_form, "headline": "Khách xăm rồng", "warning": "Không đi một mình."}
    assert peer.post(alert_url, clean).status_code == 302
    first = SafetyAlert.objects.get()
    decline = reverse("safety:alert_decline", args=[first.public_id])
    assert leader.post(decline, {"note": STORY}).status_code == 200  # refused, kept
    assert leader.post(reverse("safety:alert_approve", args=[first.public_id])).status_code == 302
    withdraw = reverse("safety:alert_withdraw", args=[first.public_id])
    assert leader.post(withdraw, {"reason": STORY}).status_code == 200  # refused
    first.refresh_from_db()
    assert first.status == SafetyAlert.Status.PUBLISHED
    # The hotline records an incident of its own with the same story.
    hotline = as_user(world.hotline)
    created = hotline.post(
        reverse("safety:incident_create"),
        {**incident_form, "client_code": "", "reported_via": "hotline", "consent_alert": ""},
    )
    assert created.status_code == 302
    assert Incident.objects.count() == 2
    return {"client": client, "incident": incident, "alert": first}


def test_the_canary_reaches_nobody_it_must_not(world: Any, as_user: Any, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    made = _type_canary(world, as_user)
    client, incident = made["client"], made["incident"]
    records = {
        "client.public_id": [client.public_id],
        "client.pk": list(client.data_requests.values_list("pk", flat=True)),
        "incident.public_id": list(Incident.objects.values_list("public_id", flat=True)),
        "alert.public_id": list(SafetyAlert.objects.values_list("public_id", flat=True)),
        "notifications.pk": list(Notification.objects.values_list("pk", flat=True)),
        "fmt": ["csv", "xlsx", "json"],
    }
    urls = _urls(records)
    assert reverse("clients:detail", args=[client.public_id]) in urls
    assert reverse("reports:export", args=["xlsx"]) in urls

    # A coordinator only after a tap with a reason, and only on the client's own pages.
    coordinator = as_user(world.coordinator)
    detail = reverse("clients:detail", args=[client.public_id])
    assert not _leaked(_text(coordinator.get(detail)))
    unmask = reverse("clients:unmask", args=[client.public_id])
    assert coordinator.post(unmask, {"reason": STORY}).status_code == 200  # refused
    assert not _leaked(_text(coordinator.get(detail)))
    tapped = coordinator.post(unmask, {"reason": "Kiểm tra hồ sơ có thể trùng"})
    assert tapped.status_code == 302
    assert _leaked(_text(coordinator.get(detail)))

    group = {world.peer.pk, world.leader.pk}
    own_pages = {
        reverse(name, args=[client.public_id])
        for name in ("clients:detail", "clients:edit", "clients:export")
    }
    readers_of_account = group | {world.coordinator.pk}
    hotline_incidents = Incident.objects.exclude(pk=incident.pk)
    accounts = {reverse("safety:incident_detail", args=[incident.public_id]): readers_of_account}
    for other in hotline_incidents:
        accounts[reverse("safety:incident_detail", args=[other.public_id])] = {
            world.hotline.pk,
            world.coordinator.pk,
        }

    def allowed(user: Any, url: str) -> bool:
        if url in own_pages:  # the coordinator's tap lasts a while (UNMASK_MINUTES)
            return user.pk in group | {world.coordinator.pk}
        return user.pk in accounts.get(url, set())

    users = [
        world.peer,
        world.leader,
        world.hotline,
        world.provider,
        world.coordinator,
        world.prov_manager,
        world.nat_manager,
        world.admin,
        world.peer_other_group,
        world.peer_other_province,
        world.provider_other,
        world.provider_other_province,
        world.coordinator_other,
        world.prov_manager_other,
        world.nobody,
    ]
    leaks: list[tuple[str, str, list[str]]] = []
    for user in users:
        http = as_user(user)
        for url in urls:
            response = http.get(url)
            found = _leaked(_text(response))
            if found and not allowed(user, url):
                leaks.append((user.username, url, found))
    assert leaks == []

    # The probe sees the canary where it is allowed (it would see a leak).
    assert _leaked(
        _text(as_user(world.peer).get(reverse("clients:detail", args=[client.public_id])))
    )
    # Notifications, audit entries, alerts as stored: never the canary.
    stored = [f"{n.title} {n.body} {n.url}" for n in Notification.objects.all()]
    stored += [f"{a.headline} {a.warning}" for a in SafetyAlert.objects.all()]
    stored += [
        json.dumps(e.changes, ensure_ascii=False) + e.reason for e in AuditEntry.objects.all()
    ]
    assert Notification.objects.exists()
    assert [s for s in stored if _leaked(s)] == []

    # The HSDS directory export.
    import tempfile
    from pathlib import Path

    from django.core.management import call_command

    with tempfile.TemporaryDirectory() as out:
        call_command("export_hsds", out)
        for path in Path(out).rglob("*"):
            if path.is_file():
                assert not _leaked(path.read_text(encoding="utf-8", errors="replace")), path

    # Every log line captured along the way.
    logs = [
        f"{r.name} {r.getMessage()} {r.args!r} {getattr(r, 'request', '')}" for r in caplog.records
    ]
    assert [line for line in logs if _leaked(line)] == []
