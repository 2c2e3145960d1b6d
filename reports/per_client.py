"""Person breakdowns counted one client at a time, then added up.

The sex, gender, year of birth and (for records whose area is their client's) province
tables of a source come from one grouped query (reports.aggregated and reports.counting,
`_person_groups`). Grouping every row by the client's attributes makes the database join
the client to every row and sort all of them for each COUNT(DISTINCT …). A client's
attributes are the same on all of their rows, so the same figures come from one row per
client (and year, where the report spans several): its rows counted first, hashed by
client, then joined to the client once and added up by attribute:

- counts and sums of rows add up (the per-client groups split the rows);
- a distinct client is a client with at least one matching row;
- a distinct row (COUNT(DISTINCT pk)) belongs to one client, and so does a person-time
  (a distinct client × category × provider × date): the clients' counts add up;
- the record keys of distinct clients are summed distinctly over the clients, as they
  were over the rows (a key met twice counts once either way), so every perturbed figure
  stays the same.

Any other aggregate keeps the one-level query. At 1 M contacts this halves the slowest
statement of the national report (bench/RESULTS.md)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.db.models import Count, F, Max, QuerySet, Sum
from django.db.models.aggregates import Aggregate

from . import compiled
from .dimensions import DIMENSIONS
from .measures import PersonTimes
from .perturbation import RecordKey, SharedKeySum
from .sources import SOURCES, Source

_enabled = True


@contextmanager
def one_level() -> Iterator[None]:
    """The one-level queries meanwhile (tests compare the two); statements compiled
    either way are forgotten on the way in and out."""
    global _enabled
    before, _enabled = _enabled, False
    compiled.clear()
    try:
        yield
    finally:
        _enabled = before
        compiled.clear()


# How the clients' values of one aggregate add up (`{}`: the per-client column).
_SUM = "SUM({})"
_ANY = "SUM(CASE WHEN {} > 0 THEN 1 ELSE 0 END)"
_DISTINCT_SUM = "SUM(DISTINCT {})"


def by_person(
    qs: QuerySet[Any],
    src: Source,
    keys: dict[str, Any],
    row_keys: dict[str, Any],
    aggregates: dict[str, Any],
) -> QuerySet[Any] | compiled.Composed:
    """The statement of `aggregates` over `qs` grouped by the client attributes `keys`
    (`_p_sex`, `_p_gender_identity`, `_p_birth_year`[, `_p__province`]) and the row's own
    `row_keys`: per client first where every aggregate allows it (for
    `compiled.composed_rows`), else the one-level values() queryset."""
    people = _client_attributes(src, keys)
    split = _split(qs, src, aggregates) if people is not None else None
    if people is None or split is None:
        both = {**keys, **row_keys}
        return qs.annotate(**both).values(*both).annotate(**aggregates).order_by()
    return _composed(qs, src, people, row_keys, split)


def grouped(
    qs: QuerySet[Any], src: Source, aggregates: dict[str, Any], expr: Any = None
) -> QuerySet[Any] | compiled.Composed:
    """`compiled.grouped`, per client first when `expr` is what the client is (a
    population group, the sex) and every aggregate allows it."""
    people = _client_attributes(src, {"_dim": expr}) if expr is not None else None
    split = _split(qs, src, aggregates) if people is not None else None
    if people is None or split is None:
        return compiled.grouped(qs, aggregates, expr)
    return _composed(qs, src, people, {}, split)


def _composed(
    qs: QuerySet[Any],
    src: Source,
    people: dict[str, Any],
    row_keys: dict[str, Any],
    split: dict[str, tuple[Aggregate, str]],
) -> compiled.Composed:
    """SELECT the client's `people` expressions, the rows' `row_keys` and the split
    aggregates added up, FROM one row per (client, row_keys) of `qs` joined to its
    client (once per value of a to-many attribute: a population group)."""
    quote = connections[qs.db].ops.quote_name
    per_row = {"_cid": F(f"{src.client}_id"), **row_keys}
    rows = qs.annotate(**per_row).values(*per_row)
    rows = rows.annotate(**{alias: inner for alias, (inner, _) in split.items()}).order_by()
    client_model = qs.model._meta.get_field(src.client).related_model
    clients = client_model._base_manager.annotate(_cid=F("pk"), **people)
    clients = clients.values("_cid", *people).order_by()
    columns = [f"c.{quote(k)}" for k in people] + [f"r.{quote(k)}" for k in row_keys]
    figures = [f"{how.format('r.' + quote(a))} AS {quote(a)}" for a, (_, how) in split.items()]
    cid = quote("_cid")
    # Only our own quoted aliases around the compiled subqueries: no input.
    template = (
        f"SELECT {', '.join(columns + figures)} FROM ({{0}}) r "  # noqa: S608
        f"LEFT OUTER JOIN ({{1}}) c ON c.{cid} = r.{cid} GROUP BY {', '.join(columns)}"
    )
    return compiled.Composed(qs.model, template, (rows, clients), (*people, *row_keys, *split))


def _split(
    qs: QuerySet[Any], src: Source, aggregates: dict[str, Any]
) -> dict[str, tuple[Aggregate, str]] | None:
    """Each aggregate as (its aggregate over one client's rows, how the clients' values
    add up), or None when one of them cannot be counted so exactly."""
    if not src.client or "__" in src.client:
        return None  # the rows' client must be a foreign key of the row itself
    client = f"{src.client}_id"
    split: dict[str, tuple[Aggregate, str]] = {}
    for alias, agg in aggregates.items():
        first = agg.source_expressions[0] if agg.source_expressions else None
        condition = agg.filter
        distinct = bool(getattr(agg, "distinct", False))
        if isinstance(agg, SharedKeySum):
            # Its condition is its figure's (compiled once by the figure): made its own
            # here, since the figure may be counted differently per client.
            figure = aggregates.get(agg._figure_alias)
            if figure is None:
                return None
            condition = figure.filter
            agg = Sum(first, distinct=distinct, filter=condition)
        if isinstance(agg, Count | Sum) and not distinct:
            split[alias] = (agg, _SUM)
        elif isinstance(agg, PersonTimes) and src.client == "client":
            split[alias] = (agg, _SUM)  # each person-time is one client's
        elif isinstance(agg, Count) and _is_path(first, client):
            split[alias] = (Count(client, filter=condition), _ANY)
        elif isinstance(agg, Count) and _is_path(first, "pk", qs.model._meta.pk.attname):
            split[alias] = (Count(first, distinct=True, filter=condition), _SUM)
        elif (
            isinstance(agg, Sum)
            and isinstance(first, RecordKey)
            and _is_path(first.source_expressions[0], client)
        ):
            split[alias] = (Max(first, filter=condition), _DISTINCT_SUM)
        else:
            return None
    return split


def _is_path(expression: Any, *paths: str) -> bool:
    return isinstance(expression, F) and expression.name in paths


def _client_attributes(src: Source, keys: dict[str, Any]) -> dict[str, Any] | None:
    """`keys` as expressions over the client's own row, or None when one is not the
    client's (or when per-client counting is off): a path through the source's client
    (`client__sex` → `sex`), or the province when the source's area paths are the client
    source's, through its client."""
    if not _enabled or not src.client or "__" in src.client:
        return None
    client = SOURCES["client"]
    prefix = f"{src.client}__"
    people: dict[str, Any] = {}
    for name, expr in keys.items():
        if name == "_p__province":
            for ours, theirs in (
                (src.communes, client.communes),
                (src.legacies, client.legacies),
                (src.province, client.province),
            ):
                if tuple(f"{prefix}{p}" for p in theirs) != tuple(ours):
                    return None
            people[name] = DIMENSIONS["province"].expr(client)
        elif isinstance(expr, F) and expr.name.startswith(prefix):
            people[name] = F(expr.name.removeprefix(prefix))
        else:
            return None
    return people
