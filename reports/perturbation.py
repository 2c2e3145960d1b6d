"""Disclosure control for manager reports: the cell key method (ONS Census 2021
custom tables, ABS TableBuilder). Why this method and what a reader can and cannot
learn: docs/disclosure-control.md.

- Every record has a stable pseudo-random *record key*, computed in SQL from its id and
  a deployment secret (`record_key`): a client by its client id, any other record (a
  service delivery, a referral, an outreach contact with an anonymous head count, an
  incident, a call) by its own id.
- A cell's key is the sum of the keys of the records it counts, mod P, as a fraction
  in [0, 1). The engine counts it beside the figure, in the same query
  (`reports.measures.Measure.key_expr`).
- The fixed perturbation table `perturb(value, key)` turns the true count and the cell
  key into the published count. So the same records always give the same published
  figure, whatever report, filter or period asks for them: repeating or recombining
  queries gives nothing new.

The table (threshold T = settings.CAUNOI["SUPPRESSION_THRESHOLD"], 5 by default) has no
hard edges that sums across reports can close on (docs/disclosure-control.md):
- 0 stays 0 (nothing is invented where there is nothing);
- 1 … T−1 are never published as they are: v becomes 0, or T, T+1 or T+2 (together
  with probability v / (T + 0.7), so that on average it is right), so a published T+1
  or T+2 does not mean "at least T";
- T and above usually get an adjustment of −2 … +2 (probabilities 0.1, 0.2, 0.4, 0.2,
  0.1 of 96 %), and with probability 4 % one of the wider adjustments up to ±reach(v)
  = ±(2 + ⌈v/10⌉), never below T: so a published figure allows a wide range of true
  values (a published 20 allows 16 … 25), while 96 % of figures are within 2.

Totals are perturbed like any other cell, from their own records: they need not equal
the sum of their published parts. Counts of things that are not people (sessions,
copies, pieces, groups) are exact. Rates and shares are computed from the published
figures and withheld when their denominator describes fewer than T people; the median
wait is computed from the true waits and withheld likewise."""

from __future__ import annotations

import hashlib
import hmac
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import FullResultSet
from django.db.models import BigIntegerField, F, Func, Sum

# A prime modulus: record keys and cell keys are residues mod P.
P = 2_147_483_647  # 2**31 − 1
# Adjustments of a count ≥ T: the core −2 … +2 (probabilities within the core) …
CORE = ((-2, 0.1), (-1, 0.2), (0, 0.4), (1, 0.2), (2, 0.1))
CORE_SHARE = 0.96
# … and, with the rest, every wider adjustment up to ±reach(v), alike.
WIDE_SHARE = 1 - CORE_SHARE
# A count of 1 … T−1 shown as T, T+1, T+2 (weights), else 0.
SMALL_SHOWN = ((0, 0.5), (1, 0.3), (2, 0.2))
SMALL_MEAN = sum(step * w for step, w in SMALL_SHOWN)  # 0.7 above T


def threshold() -> int:
    return int(settings.CAUNOI["SUPPRESSION_THRESHOLD"])  # type: ignore[call-overload]


@cache
def _coefficients(secret: str, salt: str) -> tuple[int, int, int, int]:
    digest = hmac.new(secret.encode(), f"cell-key|{salt}".encode(), hashlib.sha256).digest()
    parts = [int.from_bytes(digest[i : i + 4], "big") for i in range(0, 16, 4)]
    # Multipliers in [1, 2**24): id · a stays far below 2**63 for any id below 2**38.
    a, c = 1 + parts[0] % (2**24 - 1), 1 + parts[2] % (2**24 - 1)
    return a, parts[1] % P, c, parts[3] % P


def _secret() -> str:
    return str(settings.CAUNOI.get("CELL_KEY_SECRET") or settings.SECRET_KEY)


def key_of(salt: str, record_id: int) -> int:
    """Python twin of `record_key` (tests, documentation)."""
    a, b, c, d = _coefficients(_secret(), salt)
    return ((record_id * a + b) % P) * ((record_id * c + d) % P) % P


class RecordKey(Func):
    """SQL: the record key of the id at `path`, a product of two secret affine maps mod
    P (both factors < 2**31, so the product fits a 64-bit integer on SQLite and
    PostgreSQL). One expression node with the coefficients written in (integers we
    made, never input), so that a report's many aggregates stay cheap to compile."""

    output_field = BigIntegerField()

    def __init__(self, path: str, coefficients: tuple[int, int, int, int]) -> None:
        a, b, c, d = coefficients
        # "%%%%" becomes "%%" after Func's formatting: the modulo operator as Django's
        # own expressions write it, for the database driver's parameter substitution.
        self.template = (
            f"((((%(expressions)s) * {a} + {b}) %%%% {P}) * "
            f"(((%(expressions)s) * {c} + {d}) %%%% {P})) %%%% {P}"
        )
        super().__init__(F(path))


def record_key(salt: str, path: str) -> RecordKey:
    """The record key of the id at `path`. `salt` names what the id identifies
    ("clients.Client"), so a client has the same key in every source."""
    return RecordKey(path, _coefficients(_secret(), salt))


def cell_key(key_sum: int) -> float:
    return (key_sum % P) / P


def reach(value: int) -> int:
    """The widest adjustment a count of `value` ≥ T can get: 2 + ⌈value / 10⌉."""
    return 2 + -(-value // 10)


@cache
def _table(value: int, limit: int) -> tuple[tuple[float, int], ...]:
    """(cumulative probability, published) for a true count: the row of the ptable."""
    if value <= 0:
        return ((1.0, 0),)
    rows: list[tuple[int, float]] = []
    if value < limit:
        shown = value / (limit + SMALL_MEAN)
        rows = [(limit + step, shown * w) for step, w in SMALL_SHOWN]
        rows.append((0, 1 - shown))
    else:
        wide = [a for a in range(-reach(value), reach(value) + 1) if abs(a) > MAX_CORE]
        rows = [(value + a, CORE_SHARE * p) for a, p in CORE]
        rows += [(value + a, WIDE_SHARE / len(wide)) for a in wide]
        rows = [(max(limit, shown), p) for shown, p in rows]
    out, total = [], 0.0
    for shown, p in rows:
        total += p
        out.append((total, shown))
    return tuple(out)


MAX_CORE = max(a for a, _p in CORE)


def perturb(value: int, key_sum: int) -> int:
    """The published count for a true count and its cell's key sum (the ptable)."""
    ck = cell_key(key_sum)
    row = _table(max(0, value), threshold())
    for cumulative, shown in row:
        if ck < cumulative:
            return shown
    return row[-1][1]


def support(value: int) -> set[int]:
    """Every figure the table can publish for a true count of `value`."""
    return {shown for _c, shown in _table(max(0, value), threshold())}


@cache
def _preimage(published: int, limit: int) -> range:
    if published == 0:
        return range(0, limit)
    # A count v ≥ T is published within v ± reach(v), and reach grows slower than v.
    values = [v for v in range(1, 2 * published + limit + 10) if published in support(v)]
    return range(values[0], values[-1] + 1) if values else range(0)


def preimage(published: int) -> range:
    """Every true count the table can publish as `published` (for the documentation and
    the tests' attacker): 0 ← 0 … T−1; T … T+2 ← 1 …; v ← about v − v/10 … v + v/8."""
    return _preimage(published, threshold())


# --- One condition for a figure and its key sum -----------------------------------------
# A measure's figure and its record-key sum count the same rows: the same FILTER
# (WHERE …) condition. Django would resolve and compile that condition twice, which
# costs more than the SQL itself (the service-category CASE of every person-time
# measure). So the figure's aggregate compiles it once per query and keeps the SQL on
# the compiler; the key sum carries no condition of its own and reuses that SQL.

_FILTERS = "_caunoi_shared_filters"


def _compiled_filter(agg: Any, compiler: Any, connection: Any) -> tuple[str, Any] | None:
    """The SQL of the figure's condition in this query (None: always true)."""
    cache = compiler.__dict__.setdefault(_FILTERS, {})
    if agg._share_token not in cache:
        try:
            cache[agg._share_token] = agg.filter.as_sql(compiler, connection)
        except FullResultSet:
            cache[agg._share_token] = None
    return cache[agg._share_token]


def _with_filter(agg: Any, compiler: Any, connection: Any, compiled: Any, **extra: Any) -> Any:
    extra["distinct"] = "DISTINCT " if agg.distinct else ""
    if compiled is None:
        return Func.as_sql(agg, compiler, connection, **extra)
    filter_sql, filter_params = compiled
    template = agg.filter_template % extra.get("template", agg.template)
    sql, params = Func.as_sql(
        agg, compiler, connection, template=template, filter=filter_sql, **extra
    )
    return sql, (*params, *filter_params)


class _SharedFigure:
    """Mixed into a figure's aggregate class: compiles its condition once per query."""

    _share_token: str

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        supported = connection.features.supports_aggregate_filter_clause
        if getattr(self, "filter", None) is None or not supported:
            return super().as_sql(compiler, connection, **extra)  # type: ignore[misc]
        compiled = _compiled_filter(self, compiler, connection)
        return _with_filter(self, compiler, connection, compiled, **extra)


class SharedKeySum(Sum):
    """A record-key sum under its figure's condition, compiled by the figure."""

    def __init__(self, expression: Any, *, token: str, distinct: bool) -> None:
        super().__init__(expression, distinct=distinct)
        self._share_token = token
        self._figure_alias = ""

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        figure = compiler.query.annotations.get(self._figure_alias)
        if getattr(figure, "_share_token", None) != self._share_token:
            # Never count the keys of other rows than the figure's: a wrong key would
            # break "same records, same figure" without a sound.
            raise RuntimeError("a record-key sum lost the condition of its figure")
        condition = figure.filter
        if condition is None:
            return super().as_sql(compiler, connection, **extra)
        if not connection.features.supports_aggregate_filter_clause:
            copy = self.copy()
            copy.filter = condition
            return Sum.as_sql(copy, compiler, connection, **extra)
        cache = compiler.__dict__.setdefault(_FILTERS, {})
        if self._share_token not in cache:
            _compiled_filter(figure, compiler, connection)
        return _with_filter(self, compiler, connection, cache[self._share_token], **extra)


_SHARED_CLASSES: dict[type, type] = {}


def shared(figure: Any, key_sum: Any, figure_alias: str, token: str) -> tuple[Any, Any]:
    """(figure, key sum) that compile the figure's condition once. `key_sum` is a `Sum`
    built with the same condition as `figure`; the returned key sum has none of its
    own and takes the figure's (found by `figure_alias` in the query)."""
    if figure.filter is None:
        return figure, key_sum
    cls = type(figure)
    if cls not in _SHARED_CLASSES:
        _SHARED_CLASSES[cls] = type(f"Shared{cls.__name__}", (_SharedFigure, cls), {})
    figure.__class__ = _SHARED_CLASSES[cls]
    figure._share_token = token
    (expression,) = key_sum.get_source_expressions()[:1]
    out = SharedKeySum(expression, token=token, distinct=key_sum.distinct)
    out._figure_alias = figure_alias
    return figure, out
