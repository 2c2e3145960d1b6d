"""Several web servers share one PostgreSQL: a session opened on one server is valid on
another, and ending it on one ends it everywhere (sessions, lockouts and the queue live in
the database; nothing another server must see is kept in a process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from conftest import build_world, login

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

OTHER_SERVER = textwrap.dedent(
    """
    import json, sys, django
    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()
    client = Client()
    client.cookies["sessionid"] = sys.argv[1]
    home = client.get("/")
    out = {"home": home.status_code, "panel": 'data-testid="panel-group"' in home.content.decode()}
    if sys.argv[2] == "logout":
        out["logout"] = client.post("/accounts/logout/").status_code
    print(json.dumps(out))
    """
)


def _other_server(session_key: str, then: str = "") -> dict:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CAUNOI_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": url,
            "CAUNOI_SECRET_KEY": settings.SECRET_KEY,  # every server has the same settings
            "CAUNOI_MASTER_KEY_FILE": str(settings.MASTER_KEY_FILE),
            "CAUNOI_BLIND_INDEX_KEY_FILE": str(settings.BLIND_INDEX_KEY_FILE),
            "CAUNOI_REQUEST_LOG": "0",
        }
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", OTHER_SERVER, session_key, then],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_session_is_shared_by_every_web_server():
    if connection.vendor != "postgresql":
        pytest.skip("several servers share PostgreSQL; SQLite is a one-machine start")
    world = build_world()
    server_a = login(Client(), world.peer)
    session_key = server_a.cookies[settings.SESSION_COOKIE_NAME].value
    assert server_a.get("/").status_code == 200

    assert _other_server(session_key) == {"home": 200, "panel": True}
    assert _other_server(session_key, "logout")["logout"] == 302
    # Logged out on server B: server A no longer knows the session either.
    assert server_a.get("/").status_code == 302
