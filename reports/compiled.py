"""A report's statements compiled once per process and run again, read afresh each time.

Building a report's querysets (the area, scope and measure conditions, dozens of
conditional aggregates) and compiling them to SQL is most of a report page's Python time:
about 60 % of the CPU of a provincial report page at demo scale, more than the database
spends running the statements. The SQL depends only on the report's parameters (period,
area, filters, the user's scope), on the settings it is built with and on the code, never
on the data: the same report asked again runs the same statements. `rows` keeps the
compiled text and parameters of a statement under a key made of everything it is built
from (`ReportContext.statement_key` and what the caller counts), and runs that text again
the next time. Only SQL is kept: every run reads the rows from the database, so a record
saved is in the next report as before (nothing of a result is cached).

A builder must not read the database to decide what the statement is (subqueries are
fine: they are part of the SQL and run with it); reports.context and reports.aggregated
build theirs from the context alone."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, FieldError
from django.db import connections, router
from django.db.models import Count, IntegerField, QuerySet, Value
from django.db.models.expressions import Col
from django.utils import timezone

# Enough for every statement of a few hundred distinct reports (a report runs ~50).
MAX_STATEMENTS = 4096


@dataclass(frozen=True)
class _Statement:
    model: Any  # whose rows: the router picks the database to read at each run
    sql: str | None  # None: the conditions can match no row (EmptyResultSet)
    params: tuple[Any, ...]
    names: tuple[str, ...]
    fields: tuple[Any, ...]  # the selected expressions, for the database converters
    empty: dict[str, Any] | None  # the one row of an ungrouped count over no rows


_statements: OrderedDict[Hashable, _Statement] = OrderedDict()
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _statements.clear()


def totals(qs: QuerySet[Any], aggregates: dict[str, Any]) -> QuerySet[Any]:
    """`qs.aggregate(**aggregates)` as a values() queryset of one row (same SQL apart
    from a constant column), so that `rows` can keep it."""
    return (
        qs.annotate(_all=Value(1, output_field=IntegerField()))
        .values("_all")
        .annotate(**aggregates)
        .order_by()
    )


def grouped(qs: QuerySet[Any], aggregates: dict[str, Any], expr: Any = None) -> QuerySet[Any]:
    """The aggregates over `qs` grouped by `expr` as `_dim`, or over all of it (`totals`)
    without one: the statement of one batch of measures."""
    if expr is None:
        return totals(qs, aggregates)
    return qs.annotate(_dim=expr).values("_dim").annotate(**aggregates).order_by()


def rows(key: Hashable, build: Callable[[], QuerySet[Any] | None]) -> list[dict[str, Any]] | None:
    """The rows of the values() queryset `build()` returns, as dicts (as iterating it
    would give them), compiled once under `key`; None when `build` gives None or names a
    field the source does not have (FieldError), which the callers treat as "this source
    cannot be counted so"."""

    def make() -> _Statement | None:
        qs = build()
        return None if qs is None else _compile(qs)

    return _kept(key, make)


def composed_rows(
    key: Hashable, build: Callable[[], Composed | QuerySet[Any] | None]
) -> list[dict[str, Any]] | None:
    """`rows` for a statement written around compiled querysets: `build()` gives a
    `Composed` (or a queryset, or None, as for `rows`)."""

    def make() -> _Statement | None:
        made = build()
        if made is None:
            return None
        if isinstance(made, QuerySet):
            return _compile(made)
        return made.statement()

    return _kept(key, make)


@dataclass(frozen=True)
class Composed:
    """A grouped statement written around compiled querysets: `template` holds `{0}`,
    `{1}`, … where the SQL of `parts` goes (each a subquery, its parameters in order),
    and selects `names`. The values are the database's own (no converters): counts, sums
    and plain columns. When a part can match no row (EmptyResultSet), the statement gives
    no row: the template must be one that then gives none (its first part drives it)."""

    model: Any
    template: str
    parts: tuple[QuerySet[Any], ...]
    names: tuple[str, ...]

    def statement(self) -> _Statement:
        texts: list[str] = []
        params: list[Any] = []
        for qs in self.parts:
            _plain_counts(qs.query)
            try:
                sql, part_params = qs.query.get_compiler(qs.db).as_sql()
            except EmptyResultSet:
                return _Statement(self.model, None, (), self.names, (), None)
            texts.append(sql)
            params.extend(part_params)
        return _Statement(
            self.model, self.template.format(*texts), tuple(params), self.names, (), None
        )


def _kept(key: Hashable, make: Callable[[], _Statement | None]) -> list[dict[str, Any]] | None:
    # The databases configured: the SQL is compiled for one of them.
    full = (tuple(connections.settings), timezone.get_current_timezone_name(), key)
    with _lock:
        statement = _statements.get(full)
        if statement is not None:
            _statements.move_to_end(full)
    if statement is None:
        try:
            statement = make()
        except FieldError:
            return None
        if statement is None:
            return None
        with _lock:
            _statements[full] = statement
            while len(_statements) > MAX_STATEMENTS:
                _statements.popitem(last=False)
    # Where to read is decided at each run, as the queryset would (a replica for report
    # reads outside a transaction, core.replica), never kept with the SQL.
    return _run(statement, connections[router.db_for_read(statement.model)])


def to_many_joins(query: Any) -> int:
    """How many joins of `query` follow a to-many relation (each can repeat a row)."""
    return sum(
        1
        for join in query.alias_map.values()
        if getattr(getattr(join, "join_field", None), "one_to_many", False)
        or getattr(getattr(join, "join_field", None), "many_to_many", False)
    )


def _plain_counts(query: Any) -> None:
    """COUNT(DISTINCT the row's own id) as COUNT(id) when no join can repeat a row: the
    same number, and the database may then hash the groups instead of sorting every row
    for each such count (1 M contacts: the referrals' breakdowns 0.32–0.50 s → 0.20–0.23 s)."""
    if to_many_joins(query):
        return
    pk = query.model._meta.pk
    for annotation in query.annotation_select.values():
        if not isinstance(annotation, Count) or not getattr(annotation, "distinct", False):
            continue
        sources = annotation.get_source_expressions()
        first = sources[0] if sources else None
        if isinstance(first, Col) and first.target is pk and first.alias == query.base_table:
            annotation.distinct = False  # type: ignore[attr-defined]


def _compile(qs: QuerySet[Any]) -> _Statement:
    query = qs.query
    _plain_counts(query)
    selected: Any = getattr(query, "selected", None)  # as ValuesIterable names the columns
    names = (
        tuple(selected)
        if selected
        else (*query.extra_select, *query.values_select, *query.annotation_select)
    )
    compiler = query.get_compiler(qs.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        empty = None
        if query.group_by is None:  # an ungrouped count answers one row: its defaults
            empty = {
                name: getattr(expr, "empty_result_set_value", None)
                for name, expr in query.annotation_select.items()
            }
            empty = {n: empty.get(n) for n in names}
        return _Statement(qs.model, None, (), tuple(names), (), empty)
    fields = tuple(s[0] for s in compiler.select[: compiler.col_count])
    return _Statement(qs.model, sql, tuple(params), tuple(names), fields, None)


def _run(statement: _Statement, connection: Any) -> list[dict[str, Any]]:
    if statement.sql is None:
        return [dict(statement.empty)] if statement.empty is not None else []
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, statement.params)
        data = cursor.fetchall()
    converters = []
    for i, expression in enumerate(statement.fields):
        found = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        if found:
            converters.append((i, found, expression))
    names = statement.names
    out = []
    for row in data:
        values = list(row)
        for i, found, expression in converters:
            value = values[i]
            for converter in found:
                value = converter(value, expression, connection)
            values[i] = value
        out.append(dict(zip(names, values, strict=True)))
    return out
