"""One way to page long lists (clients, referrals, contacts…) so nothing is silently cut off."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, QuerySet, Subquery, Window
from django.http import HttpRequest

M = TypeVar("M", bound=Model)

PER_PAGE = 50


def paginate(request: HttpRequest, items: Any, per_page: int = PER_PAGE) -> Page:
    """The requested page of `items` (a queryset or list). A page number that is missing,
    not a number or past the end gives the nearest real page, never an error."""
    paginator = Paginator(items, per_page, allow_empty_first_page=True)
    page = paginator.get_page(request.GET.get("page"))
    if isinstance(items, QuerySet) and _by_id_first(items):
        # The page's rows chosen by id, then read with their joins (see first_rows).
        start = (page.number - 1) * per_page
        chosen = items.values("pk")[start : start + per_page]
        page.object_list = items.filter(pk__in=Subquery(chosen))
    return page


def _by_id_first(items: QuerySet[Any]) -> bool:
    """Whether a page of `items` can be chosen by id and read again: not for DISTINCT,
    grouped or combined (UNION) querysets, whose rows are not one table's rows, nor for
    one already cut."""
    query = items.query
    return not (query.distinct or query.group_by is not None or query.combinator or query.is_sliced)


def page_query(request: HttpRequest, number: int) -> str:
    """The current query string with `page` replaced, for the pager's links."""
    params = request.GET.copy()
    params["page"] = str(number)
    return params.urlencode()


def first_rows(items: QuerySet[M], n: int) -> list[M]:
    """The first `n` rows of an ordered queryset, chosen on the rows' own table (ids only)
    and only then read with their select_related joins and prefetches.

    A short list on a home page ("the last five activities") sorted every row in scope
    joined to each related table when read in one statement: PostgreSQL joins before it
    sorts, hashing whole tables (communes, users, services) that grow with the country.
    Choosing the ids first keeps the joins to `n` primary-key look-ups."""
    chosen = items.values("pk")[:n]
    return list(items.filter(pk__in=Subquery(chosen)))


def first_and_count(items: QuerySet[M], n: int) -> tuple[list[M], int]:
    """The first `n` rows of an ordered queryset and how many rows it has in all, read in
    one statement (the count as a window over every row, computed before the LIMIT) where
    a page showed "the first five" and counted them again in a second statement.

    DISTINCT, grouped, combined or already cut querysets count their own rows, not the
    window's: for those the count is its own statement, and only when the first `n` rows
    do not already tell it (fewer than `n`)."""
    query = items.query
    if query.distinct or query.group_by is not None or query.combinator or query.is_sliced:
        rows = list(items[:n])
        return rows, len(rows) if len(rows) < n else items.count()
    rows = list(items.annotate(paging_total=Window(Count("pk")))[:n])
    return rows, rows[0].paging_total if rows else 0  # type: ignore[attr-defined]
