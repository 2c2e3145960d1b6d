"""One benchmarked request or command: its timings, SQL queries and targets."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness import Timings, peak_rss_self, percentile

# Targets (seconds / bytes).
PAGE_MEDIAN = 1.0
PAGE_P95 = 2.0
POST_MEDIAN = 0.3
EXPORT_MAX = 3.0
RSS_MAX = 1024**3


@dataclass
class Result(Timings):
    name: str
    kind: str  # page / post / export / command
    url: str
    who: str
    times: list[float] = field(default_factory=list)
    first: float = 0.0
    queries: int | None = None
    repeated: list[tuple[int, str]] = field(default_factory=list)
    status: str = ""
    rss_peak: int = 0
    size: int = 0
    error: str = ""

    @property
    def p95(self) -> float:
        return percentile(self.times, 95) if self.times else float("nan")

    def targets(self) -> list[tuple[str, bool]]:
        if self.error or not self.times:
            return [("runs", False)]
        if self.kind == "page":
            return [
                (f"median < {PAGE_MEDIAN:g} s", self.median < PAGE_MEDIAN),
                (f"p95 < {PAGE_P95:g} s", self.p95 < PAGE_P95),
            ]
        if self.kind == "post":
            return [(f"median < {POST_MEDIAN * 1000:.0f} ms", self.median < POST_MEDIAN)]
        return [(f"p95 < {EXPORT_MAX:g} s", self.p95 < EXPORT_MAX)]

    @property
    def ok(self) -> bool:
        return all(passed for _t, passed in self.targets())


_NUMBER = re.compile(r"\b\d+(\.\d+)?\b")
_STRING = re.compile(r"'(?:[^']|'')*'|\"[0-9a-f]{32}\"")
_IN_LIST = re.compile(r"IN \((%s|\?|[^()]*?)(, ?(%s|\?|[^()]*?))*\)")


def shape(sql: str) -> str:
    s = _STRING.sub("?", sql)
    s = _NUMBER.sub("?", s)
    s = _IN_LIST.sub("IN (…)", s)
    return s


def repeated_queries(captured: list[dict[str, Any]], top: int = 3) -> list[tuple[int, str]]:
    counts = Counter(shape(q["sql"]) for q in captured)
    return [(n, sql) for sql, n in counts.most_common(top) if n > 1]


def url_label(url: str) -> str:
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", url)


def measure(
    name: str,
    kind: str,
    who: str,
    url: str,
    call: Callable[[], Any],
    reps: int,
    check: Callable[[Any], str] | None = None,
) -> Result:
    """One warm-up call (its time is `first`), one call under CaptureQueriesContext
    (the query count), then `reps` timed calls."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    res = Result(name=name, kind=kind, url=url_label(url), who=who)
    try:
        start = time.perf_counter()
        out = call()
        res.first = time.perf_counter() - start
        problem = check(out) if check else ""
        if problem:
            res.error = problem
            res.status = problem
            return res
        with CaptureQueriesContext(connection) as ctx:
            out = call()
        res.queries = len(ctx.captured_queries)
        res.repeated = repeated_queries(ctx.captured_queries)
        reset_queries()
        for _ in range(reps):
            start = time.perf_counter()
            out = call()
            res.times.append(time.perf_counter() - start)
        res.status = str(getattr(out, "status_code", "ok"))
        content = getattr(out, "content", None)
        res.size = len(content) if content is not None else 0
    except Exception as exc:
        res.error = f"{type(exc).__name__}: {exc}"[:300]
    res.rss_peak = peak_rss_self()
    return res


def expect(status: int) -> Callable[[Any], str]:
    def check(response: Any) -> str:
        if response.status_code != status:
            return f"HTTP {response.status_code} (expected {status})"
        return ""

    return check
