"""Counting service deliveries and outreach contacts from the aggregate tables
(reports.models, kept by reports.aggregates) instead of the raw rows.

A table is read through a `Source` with the raw source's paths (its columns carry the
raw names), so the period, area, model, group and provider filters, the user's scope
and every breakdown are the engine's own. Only how a cell is counted changes:

- a person-time is a `PersonTime` row (COUNT(*)), or, for the lines and breakdowns by
  service type, a distinct (client, category, provider, date) among `PersonTimeType`
  rows, as over the raw rows;
- persons are distinct clients, of `PersonTime` rows or of the presence rows of the
  coarsest grain the period is made of (`ContactYear`, `ContactQuarter`, `ContactMonth`);
- a cell key of records (reports.perturbation) is worked out from the rows' number of
  records, Σ id and Σ id² (a record key is a quadratic in its id mod P), the cell key
  of persons as over the raw rows (the distinct clients' keys).

Where a table cannot give the same figure the raw rows give, the engine counts the raw
rows (`batch` answers NotImplemented): a provider's report (it also covers what its
staff recorded for other providers: `Source.recorded_by`), persons reached over a period
that does not start and end on month boundaries, a measure the tables do not know."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Cast, Substr

from . import compiled, per_client
from .context import ReportContext
from .dimensions import DIMENSIONS, Dimension, age_bucket
from .measures import KEY, KEYED, MEASURES, Measure, person_time_expr
from .perturbation import P, _coefficients, _secret
from .sources import SOURCES, Source, _date_text

# Lines of the catalogue by (source, measure key): the breakdowns they ask for
# (reports.indicators fills it).
BROKEN_DOWN: set[tuple[str, str, str]] = set()

_enabled = True


@contextmanager
def raw_counts() -> Iterator[None]:
    """Count from the raw rows meanwhile (tests and the check compare the two)."""
    global _enabled
    before, _enabled = _enabled, False
    try:
        yield
    finally:
        _enabled = before


@dataclass(frozen=True)
class Table:
    source: str  # key of its Source in sources.SOURCES
    figure: Callable[[Measure, Q | None, Dimension | None], Aggregate | None]
    keyed_rows: bool  # rows carry records / id_sum / id_sq_sum
    grain: str = ""  # presence rows per month, quarter or year: periods made of them


def _person_times(measure: Measure, where: Q | None, dim: Dimension | None) -> Aggregate | None:
    if measure.how == "person_times":
        return Count("pk", filter=where)
    return _clients(measure, where, dim)


def _person_times_by_type(
    measure: Measure, where: Q | None, dim: Dimension | None
) -> Aggregate | None:
    if measure.how != "person_times":
        return _clients(measure, where, dim)
    if (dim is not None and dim.key == "service_type") or _one_type(measure.where):
        # Rows of one service type are distinct (client, category, provider, date).
        return Count("pk", filter=where)
    return person_time_expr(filter=where)


def _one_type(q: Q) -> bool:
    """`q` keeps one service type only (a condition ANDed with the rest)."""
    if q.connector != Q.AND or q.negated:
        return False
    for child in q.children:
        if isinstance(child, tuple):
            name, value = child
            if name == "service_type" and isinstance(value, str):
                return True
            if name == "service_type__in" and len(list(value)) == 1:
                return True
    return False


def _clients(measure: Measure, where: Q | None, dim: Dimension | None) -> Aggregate | None:
    if measure.how == "distinct" and measure.path == "client_id":
        return Count("client_id", distinct=True, filter=where)
    return None


def _contacts(measure: Measure, where: Q | None, dim: Dimension | None) -> Aggregate | None:
    if measure.how == "sum" and measure.path == "head_count":
        return Sum("head_count", filter=where)
    if measure.how == "count":
        return Sum("records", filter=where)
    return None


PERSON_TIME = Table("delivery@persontime", _person_times, keyed_rows=True)
PERSON_TIME_TYPE = Table("delivery@persontimetype", _person_times_by_type, keyed_rows=True)
CONTACT_DAY = Table("contact@day", _contacts, keyed_rows=True)
CONTACT_MONTH_COUNT = Table("contact@monthcount", _contacts, keyed_rows=True, grain="month")
CONTACT_PRESENCE = {
    grain: Table(f"contact@{grain}", _clients, keyed_rows=False, grain=grain)
    for grain in ("month", "quarter", "year")
}


def _register() -> None:
    delivery, contact = SOURCES["delivery"], SOURCES["contact"]
    for key, base, model, extra in (
        ("delivery@persontime", delivery, "reports.PersonTime", {"category": "column"}),
        ("delivery@persontimetype", delivery, "reports.PersonTimeType", {"category": "column"}),
        ("contact@day", contact, "reports.ContactDay", {"client": None}),
        ("contact@monthcount", contact, "reports.ContactMonthCount", {"client": None}),
        ("contact@month", contact, "reports.ContactMonth", {}),
        ("contact@quarter", contact, "reports.ContactQuarter", {}),
        ("contact@year", contact, "reports.ContactYear", {}),
    ):
        SOURCES[key] = replace(base, key=key, model=model, recorded_by=None, **extra)


_register()


def _mentions(q: Q, name: str) -> bool:
    for child in q.children:
        if isinstance(child, Q):
            if _mentions(child, name):
                return True
        elif isinstance(child, tuple) and str(child[0]).split("__")[0] == name:
            return True
    return False


def _table(
    ctx: ReportContext, source: str, measure: Measure, dim: Dimension | None
) -> Table | None:
    if source == "delivery":
        by_type = (dim is not None and dim.key == "service_type") or _mentions(
            measure.where, "service_type"
        )
        return PERSON_TIME_TYPE if by_type else PERSON_TIME
    if source == "contact":
        if measure.how != "distinct":
            # Contacts per month for periods made of whole months, else per day.
            return CONTACT_MONTH_COUNT if _tiles(ctx) else CONTACT_DAY
        # Distinct clients from the coarsest presence rows the period is made of (the
        # breakdown by month from the months).
        grain = "month" if dim is not None and dim.key == "month" else _grain(ctx)
        return CONTACT_PRESENCE[grain]
    return None


def _grain(ctx: ReportContext) -> str:
    """The coarsest grain (year, quarter, month) whose whole periods make up the report's
    period; "month" also when none does (then `_tiles` says no)."""
    start, end = ctx.period.start, ctx.period.end
    after = end + timedelta(days=1)
    for grain, months in (("year", 12), ("quarter", 3)):
        if start.day == 1 and after.day == 1 and (start.month - 1) % months == 0:
            if (after.month - 1) % months == 0:
                return grain
    return "month"


def _tiles(ctx: ReportContext) -> bool:
    """The period is made of whole months."""
    start, end = ctx.period.start, ctx.period.end
    return start.day == 1 and (end + timedelta(days=1)).day == 1


def batch(ctx: ReportContext, source: str, dim: Dimension | None) -> Any:
    """{dimension value: {measure key: n}} as counting._batch gives it, counted from the
    aggregate tables; NotImplemented where they cannot give the raw rows' figures."""
    if not _enabled or source not in ("delivery", "contact"):
        return NotImplemented
    if ctx.scope.kind == "providers":
        return NotImplemented
    plan: dict[Table, list[Measure]] = {}
    for measure in MEASURES.get(source, {}).values():
        table = _table(ctx, source, measure, dim)
        if table is None or table.figure(measure, None, dim) is None:
            return NotImplemented
        if table.grain and not _tiles(ctx):
            return NotImplemented
        if dim is not None and (source, measure.key, dim.key) not in BROKEN_DOWN:
            continue  # no line shows it (e.g. the loans sub-line by month)
        if dim is not None and dim.expr(SOURCES[table.source]) is None:
            return NotImplemented
        plan.setdefault(table, []).append(measure)
    out: dict[Any, dict[str, Any]] = {None: {}} if dim is None else {}
    if dim is not None and source == "contact" and dim.expr(SOURCES[CONTACT_DAY.source]) is None:
        # Over the raw rows, a person breakdown groups the anonymous contacts too: under
        # "not recorded" (the oldest age group for age), where they add a row.
        if _any_anonymous(ctx):
            out["35p" if dim.key == "age_group" else None] = {}
    for table, measures in plan.items():
        part = _count(ctx, source, table, measures, dim)
        if part is None:
            return None
        for value, row in part.items():
            out.setdefault(value, {}).update(row)
    return out


def _any_anonymous(ctx: ReportContext) -> bool:
    """The report counts a contact with no client."""

    def build() -> Any:
        qs = ctx.rows((CONTACT_MONTH_COUNT if _tiles(ctx) else CONTACT_DAY).source)
        return None if qs is None else qs.filter(anonymous__gt=0).values("pk")[:1]

    return bool(compiled.rows(("anonymous contacts", ctx.statement_key()), build))


def _count(
    ctx: ReportContext,
    source: str,
    table: Table,
    measures: list[Measure],
    dim: Dimension | None,
) -> dict[Any, dict[str, Any]] | None:
    coefficients = _key_polynomial(SOURCES[source].model)
    grouping = _grouping(ctx, source, table, dim)
    if grouping is not None:
        every = _table_measures(ctx, source, table)
        groups = ctx.cached(
            ("persons@", table.source),
            lambda: _person_groups(ctx, source, table, grouping, every),
        )
        if groups is None:
            return None
        rows = _renamed(_folded(ctx, groups, dim.key if dim else None), every, measures)
    else:

        def build() -> Any:
            qs = ctx.rows(table.source)
            if qs is None:
                return None
            aggregates = _aggregates(ctx, source, table, measures, dim)
            if by_month_start:
                # Each row's date is its month's first day: grouped by the date itself,
                # not by its text for every row ('YYYY-MM' made below).
                day = SOURCES[table.source].date
                assert day is not None
                return compiled.grouped(qs, aggregates, F(day))
            expr = dim.expr(SOURCES[table.source]) if dim else None
            return per_client.grouped(qs, SOURCES[table.source], aggregates, expr)

        by_month_start = table.grain == "month" and dim is not None and dim.key == "month"

        key = (
            "aggregated",
            table.source,
            tuple(m.key for m in measures),
            dim.key if dim else None,
            ctx.statement_key(),
        )
        found = compiled.composed_rows(key, build)
        if found is None:
            return None
        if dim is None:
            rows = {None: {k: v for k, v in found[0].items() if k != "_all"}}
        elif by_month_start:
            rows = {r.pop("_dim").isoformat()[:7]: r for r in found}
        else:
            rows = {r.pop("_dim"): r for r in found}
    return {value: _named(row, measures, coefficients) for value, row in rows.items()}


def _aggregates(
    ctx: ReportContext, source: str, table: Table, measures: list[Measure], dim: Dimension | None
) -> dict[str, Any]:
    aggregates: dict[str, Any] = {}
    for i, m in enumerate(measures):
        where = m.where if m.where else None
        aggregates[f"m{i}"] = table.figure(m, where, dim)
        if not ctx.suppress or (source, m.key) not in KEYED:
            continue
        if m.how == "distinct" and m.path == "client_id":
            aggregates[f"k{i}"] = m.key_expr()
        elif table.keyed_rows:
            for col in ("records", "id_sum", "id_sq_sum"):
                aggregates[f"k{i}_{col}"] = Sum(col, filter=where)
    return aggregates


# Breakdowns by what a client is: one GROUP BY over (sex, gender, year of birth[, year])
# per table serves the three, added up here (a client has one of each at a time).
PERSON_KEYS = {"sex": "sex", "gender": "gender_identity", "age_group": "birth_year"}


def _grouping(
    ctx: ReportContext, source: str, table: Table, dim: Dimension | None
) -> tuple[str, ...] | None:
    """The breakdowns one GROUP BY over (sex, gender, year of birth[, province]) serves,
    with the totals, when the report asks for person breakdowns and every measure of the
    table adds up over groups of clients; None otherwise (a query of its own)."""
    src = SOURCES[table.source]
    planned = ctx.planned_dimensions
    if src.client is None or not src.date or not any(d in PERSON_KEYS for d in planned):
        return None
    keys = tuple(PERSON_KEYS)
    every = _table_measures(ctx, source, table)
    if (
        "province" in planned
        and _area_of_client(src)
        and any((source, m.key, "province") in BROKEN_DOWN for m in every)
    ):
        keys += ("province",)  # a client is in one province: the groups split the clients
    if dim is not None and dim.key not in keys:
        return None
    if not _partitioned(ctx, every):
        return None
    return keys


def _area_of_client(src: Source) -> bool:
    prefix = f"{src.client}__"
    paths = (*src.communes, *src.legacies, *src.province)
    return bool(paths) and all(p.startswith(prefix) for p in paths)


def _table_measures(ctx: ReportContext, source: str, table: Table) -> list[Measure]:
    return [m for m in MEASURES[source].values() if _table(ctx, source, m, None) is table]


def _partitioned(ctx: ReportContext, measures: list[Measure]) -> bool:
    """Every measure adds up over groups of clients: person-times, sums and counts of
    rows always; distinct clients within one calendar year (over several, a client can
    be in two age groups)."""
    one_year = ctx.period.start.year == ctx.period.end.year
    return all(m.how != "distinct" or one_year for m in measures)


def _person_groups(
    ctx: ReportContext,
    source: str,
    table: Table,
    grouping: tuple[str, ...],
    every: list[Measure],
) -> list[tuple[dict[str, Any], dict[str, Any]]] | None:
    src = SOURCES[table.source]
    keys: dict[str, Any] = {
        f"_p_{name}": F(f"{src.client}__{name}") for name in PERSON_KEYS.values()
    }
    if "province" in grouping:
        keys["_p__province"] = DIMENSIONS["province"].expr(src)
    row_keys: dict[str, Any] = {}
    if ctx.period.start.year != ctx.period.end.year:
        row_keys["_p__year"] = Cast(Substr(_date_text(src), 1, 4), IntegerField())

    def build() -> Any:
        qs = ctx.rows(table.source)
        if qs is None:
            return None
        aggregates = _aggregates(ctx, source, table, every, None)
        return per_client.by_person(qs, src, keys, row_keys, aggregates)

    key = (
        "aggregated persons",
        table.source,
        grouping,
        tuple(m.key for m in every),
        ctx.statement_key(),
    )
    rows = compiled.composed_rows(key, build)
    if rows is None:
        return None
    names = (*keys, *row_keys)
    return [({k.removeprefix("_p_"): r.pop(k) for k in names}, r) for r in rows]


def _folded(
    ctx: ReportContext, groups: list[tuple[dict[str, Any], dict[str, Any]]], dim_key: str | None
) -> dict[Any, dict[str, Any]]:
    out: dict[Any, dict[str, Any]] = {}
    for attrs, values in groups:
        key: Any = None
        if dim_key == "age_group":
            year, born = attrs.get("_year", ctx.period.start.year), attrs["birth_year"]
            key = age_bucket(None if born is None or year is None else year - born)
        elif dim_key == "province":
            key = attrs["_province"]
        elif dim_key is not None:
            key = attrs[PERSON_KEYS[dim_key]]
        bucket = out.setdefault(key, {})
        for k, v in values.items():
            bucket[k] = bucket.get(k, 0) + int(v or 0)
    return out


def _renamed(
    rows: dict[Any, dict[str, Any]], every: list[Measure], measures: list[Measure]
) -> dict[Any, dict[str, Any]]:
    """Rows counted for `every` measure of the table, with the aliases of `measures`."""
    index = {m.key: j for j, m in enumerate(every)}
    out: dict[Any, dict[str, Any]] = {}
    for value, row in rows.items():
        named: dict[str, Any] = {}
        for i, m in enumerate(measures):
            j = index[m.key]
            for alias, v in row.items():
                head, _, tail = alias.partition("_")
                if head in (f"m{j}", f"k{j}"):
                    named[f"{head[0]}{i}" + (f"_{tail}" if tail else "")] = v
        out[value] = named
    return out


def _key_polynomial(salt: str) -> tuple[int, int, int]:
    """(α, β, γ) with record_key(id) = α·id² + β·id + γ (mod P) for records of `salt`."""
    a, b, c, d = _coefficients(_secret(), salt)
    return (a * c) % P, (a * d + b * c) % P, (b * d) % P


def _named(
    row: dict[str, Any], measures: list[Measure], coefficients: tuple[int, int, int]
) -> dict[str, Any]:
    alpha, beta, gamma = coefficients
    out: dict[str, Any] = {}
    for i, m in enumerate(measures):
        out[m.key] = row.get(f"m{i}")
        if f"k{i}" in row:
            out[KEY + m.key] = row[f"k{i}"]
        elif f"k{i}_records" in row:
            n = int(row[f"k{i}_records"] or 0)
            s1 = int(row[f"k{i}_id_sum"] or 0)
            s2 = int(row[f"k{i}_id_sq_sum"] or 0)
            out[KEY + m.key] = (alpha * s2 + beta * s1 + gamma * n) % P
    return out
