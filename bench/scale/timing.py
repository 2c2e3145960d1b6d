"""A timed step of the national-scale run: its row in the results, the timing loop and its
checks, the load average."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from harness import Timings


@dataclass
class Row(Timings):
    name: str
    kind: str  # report / floor / field / ingest / visible
    scope: str = ""  # national / province, for the ratio to the floor
    times: list[float] = field(default_factory=list)
    note: str = ""
    error: str = ""

    @property
    def p95(self) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[max(0, min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1))]


def load() -> str:
    """The load average (as `uptime` shows it) and the UTC time."""
    one, five, fifteen = os.getloadavg()
    now = dt.datetime.now(dt.UTC).strftime("%H:%M UTC")
    return f"{now}, load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def timed(row: Row, fn: Callable[[], Any], reps: int, check: Callable[[Any], str]) -> Row:
    from django.db import reset_queries

    for _ in range(reps):
        reset_queries()
        started = time.perf_counter()
        try:
            result = fn()
        except Exception as exc:  # a failing request is reported, not fatal
            row.error = f"{type(exc).__name__}: {exc}"[:200]
            break
        row.times.append(time.perf_counter() - started)
        problem = check(result)
        if problem:
            row.error = problem
            break
    status = f"{row.median:8.3f} s" if row.times else "   —    "
    print(f"  {row.name:<58} {status} {row.error}", flush=True)
    return row


def ok_status(*codes: int) -> Callable[[Any], str]:
    def check(response: Any) -> str:
        code = getattr(response, "status_code", None)
        return "" if code in codes else f"HTTP {code}"

    return check


def no_check(_result: Any) -> str:
    return ""


def timed_get(row: Row, http: Any, url: str, reps: int) -> Row:
    """`reps` GET requests of `url` by the test client `http`, each expected to be a 200."""
    return timed(row, partial(http.get, url), reps, ok_status(200))
