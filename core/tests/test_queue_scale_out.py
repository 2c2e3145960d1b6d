"""Several task workers (qcluster, as on several machines) share the database broker:
every task runs exactly once, and SIGTERM to each main process stops it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
TASKS = 40
pytestmark = pytest.mark.django_db(transaction=True)


def _cluster_env() -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CAUNOI_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": url,
            "CAUNOI_Q_ASYNC": "1",
            "CAUNOI_WORKERS": "2",
            "CAUNOI_SECRET_KEY": settings.SECRET_KEY,  # tasks are signed with it
            "CAUNOI_MASTER_KEY_FILE": str(settings.MASTER_KEY_FILE),
            "CAUNOI_BLIND_INDEX_KEY_FILE": str(settings.BLIND_INDEX_KEY_FILE),
        }
    )
    return env


def test_two_workers_on_one_database_run_each_task_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several workers on several machines share PostgreSQL")
    from django_q.tasks import async_task

    with mock.patch("django_q.conf.Conf.SYNC", False):
        for number in range(TASKS):
            async_task("core.tests.qtasks.record_run", str(tmp_path), number)

    clusters = [
        subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=_cluster_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(2)
    ]
    try:
        deadline = time.time() + 120
        while time.time() < deadline and len(list(tmp_path.iterdir())) < TASKS:
            time.sleep(0.5)
        time.sleep(3)  # a task run a second time would show up now
    finally:
        for cluster in clusters:
            cluster.send_signal(signal.SIGTERM)  # the main process only, as systemd does
        codes = [cluster.wait(timeout=60) for cluster in clusters]

    runs = Counter(int(path.name.split(".")[0]) for path in tmp_path.iterdir())
    assert sorted(runs) == list(range(TASKS)), "some tasks never ran"
    assert set(runs.values()) == {1}, f"tasks run twice: {[n for n, c in runs.items() if c > 1]}"
    assert all(code == 0 for code in codes), codes
