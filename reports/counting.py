"""Counting the measures: all measures of a source in one query per breakdown (from the
live aggregate tables when they can answer, else from the raw rows), and the figures a
line reads from those batches (`total`, `by`, `total_key`, `by_keys`)."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    F,
    IntegerField,
)
from django.db.models.functions import Cast, Substr

from . import aggregated, compiled, per_client
from .context import ReportContext
from .dimensions import DIMENSIONS, Dimension, age_bucket
from .measures import KEY, MEASURES, ROWS_MAY_REPEAT, Measure, _aggregates, _aliases
from .sources import SOURCES, _date_text, _path


def _adds_up(measure: Measure, over_clients: bool) -> bool:
    """Whether the measure's total is the sum of its values over groups of rows that
    split the rows (by month, or by client attributes when `over_clients`): counts of
    rows, sums and person-times (a lượt has one date and one client) do; distinct
    clients only when the groups split the clients."""
    if measure.how in ("count", "sum", "person_times"):
        return True
    if measure.how == "distinct" and measure.path == "pk":
        return True
    return over_clients and measure.how == "distinct" and measure.path == "client_id"


def _summed(groups: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in groups:
        for k, v in row.items():
            out[k] = out.get(k, 0) + int(v or 0)
    return out


def _totals(ctx: ReportContext, source: str) -> dict[Any, dict[str, Any]] | None:
    """The source's totals. When the report asks for a breakdown anyway, every measure
    that adds up over it is taken from the breakdown's groups: from the person groups
    (sex, gender, age) when they split the clients, else from the months; the other
    measures (distinct clients over months) get a small query of their own."""
    counted = aggregated.batch(ctx, source, None)
    if counted is not NotImplemented:
        return counted
    measures = list(MEASURES.get(source, {}).values())
    plan = ctx.planned_dimensions
    if measures and any(d in PERSON_ATTRIBUTES for d in plan):
        derived = _person_batch(ctx, source, None)
        if derived is not NotImplemented:
            if derived is None:
                return None
            return {None: _summed(list(derived.values()))}
    if measures and "month" in plan and SOURCES[source].date:
        month = DIMENSIONS["month"]
        by_month = ctx.cached(("batch", source, month.key), lambda: _batch(ctx, source, month))
        if by_month is not None:
            summed = _summed(list(by_month.values()))
            rest = [m for m in measures if not _adds_up(m, over_clients=False)]
            own = _batch(ctx, source, None, rest) if rest else {None: {}}
            if own is None:
                return None
            return {None: {**summed, **own[None]}}
    return _batch(ctx, source, None)


def _batch(
    ctx: ReportContext,
    source: str,
    dim: Dimension | None,
    only: list[Measure] | None = None,
) -> dict[Any, dict[str, Any]] | None:
    """All measures of a source (or `only` these), in one query: {dimension value:
    {measure key: n}} (the key is None without a dimension)."""
    if only is None and dim is not None:
        counted = aggregated.batch(ctx, source, dim)
        if counted is not NotImplemented:
            return counted
    if dim is not None and dim.key in PERSON_ATTRIBUTES:
        derived = _person_batch(ctx, source, dim.key)
        if derived is not NotImplemented:
            return derived
    if only is None and dim is not None:
        shared = _shared_batch(ctx, source, dim)
        if shared is not NotImplemented:
            return shared
    measures = list(MEASURES.get(source, {}).values()) if only is None else only
    aliases = _aliases(ctx, measures)

    def build() -> Any:
        qs = ctx.rows(source)
        if qs is None:
            return None
        aggregates = _aggregates(ctx, measures)[1]
        if dim is None:
            return compiled.grouped(qs, aggregates)
        expr = dim.expr(SOURCES[source])
        return None if expr is None else per_client.grouped(qs, SOURCES[source], aggregates, expr)

    key = (
        "counting",
        source,
        tuple(m.key for m in measures),
        dim.key if dim else None,
        ctx.statement_key(),
    )
    found = compiled.composed_rows(key, build)
    if found is None:
        return None
    if dim is None:
        return {None: {aliases[a]: found[0][a] for a in aliases}}
    return {r["_dim"]: {aliases[a]: r[a] for a in aliases} for r in found}


# Breakdowns whose value is one per row, of a source whose every measure adds up over
# groups of rows (counts of records, sums): one GROUP BY over all of the report's
# breakdowns of the source serves each of them, added up here, instead of one pass over
# the rows per breakdown.


# (source, breakdown, what the report filters on) → the breakdown joins a to-many
# relation (population groups, violence types): its rows would be in several groups.
_TO_MANY: dict[tuple[Any, ...], bool] = {}


def _joins_to_many(ctx: ReportContext, source: str, dim: Dimension) -> bool:
    filters = (
        ctx.province_code,
        ctx.commune_code,
        ctx.support_model_id,
        ctx.peer_group_id,
        ctx.provider_id,
    )
    shape = (source, dim.key, ctx.scope.kind, tuple(v is not None for v in filters))
    if shape not in _TO_MANY:
        qs = ctx.rows(source)
        if qs is None:
            return True
        grouped = qs.annotate(_dim=dim.expr(SOURCES[source])).values("_dim")
        _TO_MANY[shape] = compiled.to_many_joins(grouped.query) > compiled.to_many_joins(qs.query)
    return _TO_MANY[shape]


def _shared_dimensions(ctx: ReportContext, source: str) -> tuple[Dimension, ...]:
    measures = list(MEASURES.get(source, {}).values())
    if not measures or source in ROWS_MAY_REPEAT:
        return ()
    additive = (("count", ""), ("distinct", "pk"))
    if not all(m.how == "sum" or (m.how, m.path) in additive for m in measures):
        return ()
    src = SOURCES[source]
    dims = tuple(
        DIMENSIONS[k]
        for k in ctx.planned_dimensions
        if k in DIMENSIONS
        and k not in PERSON_ATTRIBUTES
        and any((source, m.key, k) in aggregated.BROKEN_DOWN for m in measures)
        and DIMENSIONS[k].expr(src) is not None
        and not _joins_to_many(ctx, source, DIMENSIONS[k])
    )
    return dims if len(dims) > 1 else ()


def _shared_batch(ctx: ReportContext, source: str, dim: Dimension) -> Any:
    dims = ctx.cached(("shared dimensions", source), lambda: _shared_dimensions(ctx, source))
    if dim not in dims:
        return NotImplemented
    groups = ctx.cached(("shared", source), lambda: _shared_groups(ctx, source, dims))
    if groups is None:
        return None
    i = dims.index(dim)
    out: dict[Any, dict[str, Any]] = {}
    for values, row in groups:
        bucket = out.setdefault(values[i], {})
        for k, v in row.items():
            bucket[k] = bucket.get(k, 0) + int(v or 0)
    return out


def _shared_groups(
    ctx: ReportContext, source: str, dims: tuple[Dimension, ...]
) -> list[tuple[tuple[Any, ...], dict[str, Any]]] | None:
    src = SOURCES[source]
    measures = list(MEASURES[source].values())
    aliases = _aliases(ctx, measures)
    names = [f"_d{i}" for i in range(len(dims))]

    def build() -> Any:
        qs = ctx.rows(source)
        if qs is None:
            return None
        grouped = qs.annotate(**{n: d.expr(src) for n, d in zip(names, dims, strict=True)})
        return grouped.values(*names).annotate(**_aggregates(ctx, measures)[1]).order_by()

    key = ("counting shared", source, tuple(d.key for d in dims), ctx.statement_key())
    rows = compiled.rows(key, build)
    if rows is None:
        return None
    return [(tuple(r[n] for n in names), {aliases[a]: r[a] for a in aliases}) for r in rows]


# Breakdowns by what a client is (sex, gender identity, and age group from the year of
# birth) come from one GROUP BY per source over those attributes, added up here.
PERSON_ATTRIBUTES = {"sex": "sex", "gender": "gender_identity", "age_group": "birth_year"}


def _null_first(key: Any) -> tuple[bool, Any]:
    return (key is not None, key if key is not None else "")


def _person_batch(ctx: ReportContext, source: str, dim_key: str | None) -> Any:
    """{value: {measure key: n}} for a person breakdown, added up from the source's
    groups by (sex, gender, year of birth[, year of the record]); NotImplemented when
    a measure would not add up (distinct clients over several years: a client can be
    in two age groups), so the caller runs the breakdown's own query."""
    src = SOURCES[source]
    if src.client is None or not src.date:
        return NotImplemented
    single_year = ctx.period.start.year == ctx.period.end.year
    measures = list(MEASURES.get(source, {}).values())
    if not measures or not all(_adds_up(m, over_clients=single_year) for m in measures):
        return NotImplemented
    groups = ctx.cached(("persons", source), lambda: _person_groups(ctx, source, single_year))
    if groups is None:
        return None
    out: dict[Any, dict[str, int]] = {}
    for attrs, values in groups:
        if dim_key is None:
            key: Any = None
        elif dim_key == "age_group":
            year = attrs.get("_year", ctx.period.start.year)
            born = attrs["birth_year"]
            key = age_bucket(None if born is None or year is None else year - born)
        else:
            key = attrs[PERSON_ATTRIBUTES[dim_key]]
        bucket = out.setdefault(key, {})
        for k, v in values.items():
            bucket[k] = bucket.get(k, 0) + int(v or 0)
    return {k: out[k] for k in sorted(out, key=_null_first)}


def _person_groups(
    ctx: ReportContext, source: str, single_year: bool
) -> list[tuple[dict[str, Any], dict[str, Any]]] | None:
    src = SOURCES[source]
    assert src.client is not None
    measures = list(MEASURES.get(source, {}).values())
    aliases = _aliases(ctx, measures)
    keys: dict[str, Any] = {
        f"_p_{name}": F(_path(src.client, name)) for name in PERSON_ATTRIBUTES.values()
    }
    row_keys: dict[str, Any] = {}
    if not single_year:
        row_keys["_p__year"] = Cast(Substr(_date_text(src), 1, 4), IntegerField())

    def build() -> Any:
        qs = ctx.rows(source)
        if qs is None:
            return None
        aggregates = _aggregates(ctx, measures)[1]
        return per_client.by_person(qs, src, keys, row_keys, aggregates)

    key = ("counting persons", source, single_year, ctx.statement_key())
    rows = compiled.composed_rows(key, build)
    if rows is None:
        return None
    return [
        (
            {k.removeprefix("_p_"): r[k] for k in (*keys, *row_keys)},
            {aliases[a]: r[a] for a in aliases},
        )
        for r in rows
    ]


# --- The figures of one measure, from its source's batches -----------------------------


def total_key(measure: Measure, ctx: ReportContext) -> int:
    """The cell key sum of `total` (only counted for a perturbed report)."""
    batch = ctx.cached(("batch", measure.source, None), lambda: _totals(ctx, measure.source))
    return int((batch or {}).get(None, {}).get(KEY + measure.key) or 0)


def by_keys(measure: Measure, ctx: ReportContext, dim: Dimension) -> dict[Any, int]:
    batch = ctx.cached(("batch", measure.source, dim.key), lambda: _batch(ctx, measure.source, dim))
    return {k: int(row.get(KEY + measure.key) or 0) for k, row in (batch or {}).items()}


def total(measure: Measure, ctx: ReportContext) -> int | None:
    batch = ctx.cached(("batch", measure.source, None), lambda: _totals(ctx, measure.source))
    if batch is None:
        return None
    return int(batch.get(None, {}).get(measure.key) or 0)


def by(measure: Measure, ctx: ReportContext, dim: Dimension) -> dict[Any, int] | None:
    batch = ctx.cached(("batch", measure.source, dim.key), lambda: _batch(ctx, measure.source, dim))
    if batch is None:
        return None
    return {k: int(row.get(measure.key) or 0) for k, row in batch.items()}
