"""bin/serve-production refuses unsafe settings before touching anything; bin/serve
takes its port from PORT."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s" * 60


def _serve_production(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    master = tmp_path / "master.key"
    blind = tmp_path / "blind.key"
    master.write_text("x")
    blind.write_text("x")
    base = {
        "PATH": os.environ["PATH"],
        "CAUNOI_PRODUCTION": "1",
        "CAUNOI_SECRET_KEY": SECRET,
        "DATABASE_URL": "postgres://caunoi@127.0.0.1:1/caunoi",
        "CAUNOI_ALLOWED_HOSTS": "caunoi.example.gov.vn",
        "CAUNOI_MASTER_KEY_FILE": str(master),
        "CAUNOI_BLIND_INDEX_KEY_FILE": str(blind),
        # Stops right after the refusals if they all pass (nothing is started).
        "CAUNOI_PYTHON": "/bin/false",
    }
    base.update(env)
    base = {k: v for k, v in base.items() if v != "<unset>"}
    return subprocess.run(  # noqa: S603
        [str(ROOT / "bin/serve-production")], env=base, capture_output=True, text=True, timeout=30
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CAUNOI_PRODUCTION": "<unset>"}, "CAUNOI_PRODUCTION=1 is not set"),
        ({"CAUNOI_DEBUG": "1"}, "CAUNOI_DEBUG is on"),
        ({"CAUNOI_SECRET_KEY": "<unset>"}, "CAUNOI_SECRET_KEY is not set"),
        ({"CAUNOI_SECRET_KEY": "short"}, "shorter than 50"),
        ({"DATABASE_URL": "<unset>"}, "DATABASE_URL is not set"),
        ({"DATABASE_URL": "sqlite:///x.db"}, "does not name a PostgreSQL"),
        ({"CAUNOI_ALLOWED_HOSTS": "<unset>"}, "CAUNOI_ALLOWED_HOSTS is not set"),
        ({"CAUNOI_MASTER_KEY_FILE": "<unset>"}, "CAUNOI_MASTER_KEY_FILE is not set"),
        ({"CAUNOI_BLIND_INDEX_KEY_FILE": "/nonexistent/b.key"}, "missing or not readable"),
    ],
)
def test_it_refuses_unsafe_settings(tmp_path, env, message):
    done = _serve_production(tmp_path, **env)
    assert done.returncode == 78
    assert "refusing to start" in done.stderr
    assert message in done.stderr
    assert SECRET not in done.stderr


def test_safe_settings_pass_the_refusals_and_reach_check_deploy(tmp_path):
    done = _serve_production(tmp_path)
    # /bin/false stands for `python manage.py check --deploy`: reached, and its failure stops
    # the start (set -e) before migrate, collectstatic or gunicorn.
    assert done.returncode == 1
    assert "refusing" not in done.stderr


def test_a_key_given_in_the_environment_needs_no_file(tmp_path):
    done = _serve_production(
        tmp_path, CAUNOI_MASTER_KEY_FILE="<unset>", CAUNOI_MASTER_KEY="a" * 43 + "="
    )
    assert "refusing" not in done.stderr


def test_the_development_server_refuses_a_port_that_is_not_a_number():
    done = subprocess.run(  # noqa: S603
        [str(ROOT / "bin/serve")],
        env={"PATH": os.environ["PATH"], "PORT": "80; rm -rf /"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "PORT must be a number" in done.stderr


# A stand-in for `manage.py`: the worker (qcluster) writes down every stop signal it
# gets and takes a moment to stop, as django-q's does; a second signal during that
# moment is what left the real worker hung for ever (django-q2 issue #346: its signal
# handler is not re-entrant), so `make run` stopped with Ctrl-C left a live worker behind.
FAKE_MANAGE = """\
import os, signal, sys, time
command = sys.argv[2]
if command == "qcluster":
    log = os.environ["FAKE_SIGNALS"]
    def stop(signum, frame):
        with open(log, "a") as f:
            f.write(f"{signum}\\n")
        time.sleep(0.5)
        with open(log, "a") as f:
            f.write("stopped\\n")
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with open(log, "a") as f:
        f.write("ready\\n")
    while True:
        time.sleep(0.05)
elif command == "runserver":
    while True:
        time.sleep(0.05)
"""


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_stopping_the_development_server_stops_the_worker_with_one_signal(tmp_path, how):
    import time

    fake = tmp_path / "python"
    fake.write_text(f"#!{sys.executable}\n{FAKE_MANAGE}")
    fake.chmod(0o755)
    log = tmp_path / "signals"
    serve = subprocess.Popen(  # noqa: S603
        [str(ROOT / "bin/serve")],
        env={
            "PATH": os.environ["PATH"],
            "PORT": "8999",
            "CAUNOI_PYTHON": str(fake),
            "FAKE_SIGNALS": str(log),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            if log.exists() and "ready" in log.read_text():
                break
            time.sleep(0.05)
        assert log.exists(), "the worker did not start"
        # Ctrl-C in a terminal signals the whole foreground process group; so does a
        # supervisor stopping `make run`.
        os.killpg(serve.pid, how)
        serve.wait(timeout=15)
        lines = log.read_text().split()
        assert lines[-1] == "stopped", lines  # the script waited for the worker to stop
        assert len([x for x in lines if x.isdigit()]) == 1, lines
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(serve.pid, signal.SIGKILL)
