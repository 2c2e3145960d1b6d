"""Issue 10 item 3 through the real server: racing duplicate sync sends to gunicorn with
several worker processes, one worker killed with kill -9 in the middle. Every phone's
own retry is answered with its contact (never 409), each key is stored once, the stock
is taken exactly once per contact. PostgreSQL only (SQLite serialises every write)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write: no race to test",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
CSRF = "a" * 32  # a valid unmasked token: sent as cookie and header, as the phone does


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def _post(port: int, session: str, body: dict[str, Any]) -> tuple[Any, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/outreach/contacts",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-CSRFToken": CSRF,
            "Cookie": f"sessionid={session}; csrftoken={CSRF}",
            "Referer": f"http://127.0.0.1:{port}/",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")[:200]
    except OSError as exc:  # the worker was killed under this request: the phone retries
        return type(exc).__name__, None


def _workers(master: int) -> list[int]:
    found = subprocess.run(  # noqa: S603
        ["pgrep", "-P", str(master)],  # noqa: S607
        capture_output=True,
        text=True,
    )
    return [int(pid) for pid in found.stdout.split()]


def test_racing_sends_through_gunicorn_with_a_worker_killed_are_stored_once(
    tmp_path: Path,
) -> None:
    from django.test import Client as HttpClient

    from conftest import build_world, login
    from outreach import services
    from outreach.models import OutreachContact
    from outreach.tests.conftest import qty

    world = build_world()
    services.stock_receive(
        actor=world.coordinator,
        organisation=world.agency,
        item_kind="condom",
        quantity=500,
        received_on=date(2026, 1, 1),
    )
    session = login(HttpClient(), world.peer).cookies["sessionid"].value
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": _database_url(),
        "CAUNOI_ALLOWED_HOSTS": "127.0.0.1",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            "3",
            "--threads",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "config.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # answering (the queue may be "down": no qcluster here)
            except OSError:
                time.sleep(0.2)
        else:
            started = (tmp_path / "gunicorn.log").read_text()[-2000:]
            pytest.fail(f"gunicorn did not start: {started}")

        keys = [str(uuid.uuid4()) for _ in range(8)]
        answers: dict[str, list[Any]] = {key: [] for key in keys}
        lock = threading.Lock()

        def send(key: str) -> None:
            body = {
                "client_uuid": key,
                "contact_date": timezone.localdate().isoformat(),
                "place_type": "street",
                "head_count": 3,
                "topics": ["hiv_sti"],
                "needs": [],
                "items": [{"item_kind": "condom", "quantity": 2}],
            }
            for _ in range(10):  # the phone retries until it gets an answer
                status, data = _post(port, session, body)
                with lock:
                    answers[key].append((status, data))
                if isinstance(status, int) and status < 500:
                    return
                time.sleep(0.3)

        killed = 0
        for i, key in enumerate(keys):
            threads = [threading.Thread(target=send, args=(key,)) for _ in range(4)]
            for thread in threads:
                thread.start()
            if i in (2, 5):  # kill -9 a worker while these sends are in flight
                victims = _workers(server.pid)
                if victims:
                    os.kill(victims[0], signal.SIGKILL)
                    killed += 1
            for thread in threads:
                thread.join(60)
        assert killed == 2
        for key in keys:
            statuses = [status for status, _ in answers[key]]
            assert 409 not in statuses, answers[key]
            ids = {data["public_id"] for status, data in answers[key] if status in (200, 201)}
            assert len(ids) == 1, answers[key]  # every sender answered with the one contact
        assert OutreachContact.objects.filter(device_uuid__in=keys).count() == len(keys)
        assert qty(world.agency, "condom") == 500 - 2 * len(keys)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
