"""The load test's own arithmetic and settings (bench/load.py), without running a server."""

from __future__ import annotations

import importlib.util
import multiprocessing
import sys
import time
from pathlib import Path
from types import ModuleType

LOAD = Path(__file__).resolve().parents[2] / "bench" / "load.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_load", LOAD)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_the_database_is_tuned_as_the_deployment_guide_tunes_it() -> None:
    settings = load_bench().deployment_settings()
    assert settings["jit"] == "off"
    assert settings["work_mem"] == "64MB"
    # Server-wide settings are never applied to one database.
    assert "shared_buffers" not in settings and "max_connections" not in settings


def test_gunicorn_runs_one_worker_per_core_unless_told() -> None:
    bench = load_bench()
    assert bench.gunicorn_size({}) == (multiprocessing.cpu_count(), 4)
    size = bench.gunicorn_size({"CAUNOI_WEB_WORKERS": "5", "CAUNOI_WEB_THREADS": "2"})
    assert size == (5, 2)


def test_requests_of_the_warm_up_are_not_counted() -> None:
    stats = load_bench().Stats()
    stats.since = time.time() + 60
    stats.add("peer home", 0.5)
    assert not stats.times
    stats.since = 0.0
    stats.add("peer home", 0.1, error="peer home: HTTP 500")
    assert stats.times["peer home"] == [0.1] and stats.errors["peer home"] == 1


def test_cpu_per_request_and_share_of_the_machine() -> None:
    line = load_bench().cpu_line({"web": 3.0, "postgres": 1.0}, requests=100, duration=10)
    assert "web 30.0 ms, postgres 10.0 ms; total 40.0 ms" in line
    assert "Served 10.0 requests/s using 0.40 of" in line
