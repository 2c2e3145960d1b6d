"""What the benchmarks share: the machine's description, nearest-rank statistics, child
processes with their peak RSS, the scratch SQLite environment, a logged-in test client."""

from __future__ import annotations

import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# --- machine -------------------------------------------------------------------------


def machine() -> dict[str, str]:
    info: dict[str, str] = {}
    try:
        info["nproc"] = subprocess.run(
            ["nproc"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        info["nproc"] = str(os.cpu_count())
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                kb = int(line.split()[1])
                info["ram"] = f"{kb / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        info["ram"] = "?"
    info["cpu"] = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info["python"] = platform.python_version()
    info["sqlite"] = sqlite3.sqlite_version
    info["platform"] = platform.platform()
    return info


# --- statistics ----------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (with few samples, p95 is the slowest run)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


class Timings:
    """A measured thing's `times` (seconds), and their median (NaN without any)."""

    times: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")


def mib(nbytes: float) -> str:
    return f"{nbytes / 1024 / 1024:.0f} MiB"


def peak_rss_self() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def peak_rss_children() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


# --- step 1: the scratch database ----------------------------------------------------


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a manage.py command in a child process: (seconds, peak RSS of the child, output)."""
    before = peak_rss_children()
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"manage.py {' '.join(args)} failed ({proc.returncode})")
    # RUSAGE_CHILDREN keeps the largest child's peak: a later, smaller child leaves it alone.
    return seconds, max(peak_rss_children(), before), proc.stdout


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def sqlite_env(db: Path, keys: Path, **extra: str) -> dict[str, str]:
    """This process's environment for manage.py on the scratch SQLite file `db` with the
    keys in `keys` (never DATABASE_URL; real password hashers and task queue)."""
    env = dict(os.environ)
    env.update(
        CAUNOI_SQLITE_PATH=str(db),
        CAUNOI_LOCAL_DIR=str(keys),
        DJANGO_SETTINGS_MODULE="config.settings",
        CAUNOI_LOG_LEVEL="WARNING",
        CAUNOI_TESTING="",
        **extra,
    )
    env.pop("DATABASE_URL", None)
    return env


def logged_in(username: str, password: str | None = None) -> Any:
    """A test Client logged in as the user, two-factor passed (like conftest.login); with
    `password`, the user's password is checked first (the demo users')."""
    from django.test import Client as HttpClient
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    user = User.objects.get(username=username)
    if password is not None:
        assert user.check_password(password), f"{username}: demo password changed?"
    client = HttpClient()
    client.force_login(user)
    if user.needs_two_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
