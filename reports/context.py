"""The scoped context of one report (`ReportContext`): the period, the area, the filters and
the user's scope (`ReportScope`) applied the same way to every source's rows.

The reporting core: which rows a report looks at, and how they are counted.

Every indicator counts rows of one *source* (service deliveries, referrals, outreach
contacts, activities, …). A source says, for its model, where the record's date, area,
support model, peer group, provider and client are. `ReportContext.rows(source)` applies
the period, the area, the filters and the user's scope to it, the same way for every
indicator. Counting happens in SQL (one aggregate query per cell group).

Rules (see docs/counting-rules.md and /work/shared/DESIGN.md):
- one lượt (person-time) of support = one distinct (client, category, provider, date);
- người (persons) = distinct clients, de-duplicated over the whole area of the report;
- records count in the period of their service/activity date, not their entry date;
- a record with only a pre-1 July 2025 commune is reported under the new commune(s) it
  became (geo.CommuneConversion) and their province.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from directory.taxonomy import CATEGORIES, SERVICE_TYPES
from geo.models import CommuneConversion

from .periods import Period
from .sources import SOURCES, Source, _owner_q


@dataclass(frozen=True)
class ReportScope:
    """What the acting user's grants let a report reach.

    kind: nation | provinces | models | groups | providers. `suppress` is True for the
    manager roles, whose reports hide small counts."""

    kind: str
    ids: frozenset[Any] = frozenset()
    suppress: bool = False
    user_id: int | None = None


NATION = ReportScope("nation")


def _first_is(paths: tuple[str, ...], lookup: str, value: Any) -> Q:
    """The first non-null of `paths` matches `path__lookup=value`."""
    q = Q(pk__in=[])
    earlier_null = Q()
    for path in paths:
        q |= earlier_null & Q(**{f"{path}{lookup}": value})
        earlier_null &= Q(**{f"{path}__isnull": True})
    return q


def _all_null(paths: tuple[str, ...]) -> Q:
    q = Q()
    for path in paths:
        q &= Q(**{f"{path}__isnull": True})
    return q


def _province_q(src: Source, code: str) -> Q:
    """Rows whose area lies in province `code` (pre-reform communes resolved)."""
    communes, legacies = src.communes, src.legacies
    branches = _first_is(communes, "__province_id", code)
    no_commune = _all_null(communes)
    no_legacy = Q()
    if legacies:
        mapped_here = CommuneConversion.objects.filter(new_commune__province_id=code).values(
            "old_commune_id"
        )
        branches |= no_commune & _first_is(legacies, "__in", mapped_here)
        # An old commune missing from the table falls back to the record's province.
        unmapped = Q(pk__in=[])
        earlier_null = Q()
        for path in legacies:
            unmapped |= (
                earlier_null
                & Q(**{f"{path}__isnull": False})
                & ~Q(**{f"{path}__in": CommuneConversion.objects.values("old_commune_id")})
            )
            earlier_null &= Q(**{f"{path}__isnull": True})
        no_legacy = earlier_null | unmapped
    fallback = _first_is(src.province, "_id", code)
    return branches | (no_commune & no_legacy & fallback)


def _commune_q(src: Source, code: str) -> Q:
    if src.commune_m2m:
        return Q(**{src.commune_m2m: code})
    if not src.communes:
        return Q(pk__in=[])
    q = _first_is(src.communes, "_id", code)
    if src.legacies:
        mapped_here = CommuneConversion.objects.filter(new_commune_id=code).values("old_commune_id")
        q |= _all_null(src.communes) & _first_is(src.legacies, "__in", mapped_here)
    return q


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    return since, until


def _category_expr() -> Case:
    """Category from the service type (the taxonomy decides), else the stored one."""
    whens = [
        When(
            service_type__in=[t.code for t in SERVICE_TYPES.values() if t.category == c],
            then=Value(c),
        )
        for c in CATEGORIES
    ]
    return Case(*whens, default=F("category"), output_field=CharField())


@dataclass
class ReportContext:
    period: Period
    scope: ReportScope = NATION
    province_code: str | None = None
    commune_code: str | None = None
    support_model_id: int | None = None
    peer_group_id: int | None = None
    provider_id: int | None = None
    area_label: str = ""
    # The commune filter's province (set by reports.queries): lets `rows` see that the
    # filter already lies inside a provincial scope.
    commune_province_code: str | None = None
    # Breakdowns the report will ask for: a source whose measures add up over months
    # takes its totals from the month query instead of a query of its own.
    planned_dimensions: tuple[str, ...] = ()
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def suppress(self) -> bool:
        return self.scope.suppress

    def rows(self, key: str) -> QuerySet[Any] | None:
        """The rows of a source this report counts, or None when the source cannot be
        counted under these filters/scope (its model is missing, or lacks a dimension
        the filters need)."""
        src = SOURCES[key]
        try:
            model = src.model_class()
        except LookupError:
            return None
        qs = model._default_manager.filter(**dict(src.counted))
        start, end = self.period.start, self.period.end
        if src.date and src.is_datetime:
            # Local days, as aware bounds: comparable in SQL without a per-row function.
            since, until = _day_bounds(start, end)
            qs = qs.filter(**{f"{src.date}__gte": since, f"{src.date}__lt": until})
        elif src.date:
            qs = qs.filter(**{f"{src.date}__gte": start, f"{src.date}__lte": end})
        elif src.span:
            joined, left = src.span
            qs = qs.filter(Q(**{f"{joined}__lte": end}) | Q(**{f"{joined}__isnull": True}))
            if left:
                qs = qs.filter(Q(**{f"{left}__gte": start}) | Q(**{f"{left}__isnull": True}))
        if self.commune_code:
            qs = qs.filter(_commune_q(src, self.commune_code))
        elif self.province_code:
            qs = qs.filter(_province_q(src, self.province_code))
        for value, path in (
            (self.support_model_id, src.support_model),
            (self.peer_group_id, src.peer_group),
            (self.provider_id, src.provider),
        ):
            if value is None:
                continue
            if path is None:
                return None
            qs = qs.filter(_owner_q(path, "id", value))
        restricted = self._scope_q(src)
        if restricted is None:
            return None
        if src.category == "taxonomy":
            qs = qs.annotate(_cat=_category_expr())
        elif src.category == "column":
            qs = qs.annotate(_cat=F("category"))
        return qs.filter(restricted) if restricted else qs

    def _filter_inside_scope(self, src: Source) -> bool:
        """True when a filter already limits the rows to part of the scope, so the
        scope's own condition would select the same rows again (and cost a second
        pass of its joins and subqueries)."""
        scope = self.scope
        if scope.kind == "provinces":
            if self.commune_code:
                # A commune's rows lie in its province, except the communes served by
                # peer groups, whose model may sit in another province.
                return src.commune_m2m is None and self.commune_province_code in scope.ids
            return self.province_code is not None and self.province_code in scope.ids
        filtered = {
            "models": self.support_model_id,
            "groups": self.peer_group_id,
            "providers": self.provider_id,
        }.get(scope.kind)
        return filtered is not None and filtered in scope.ids

    def _scope_q(self, src: Source) -> Q | None:
        scope = self.scope
        if scope.kind == "nation":
            return Q()
        if self._filter_inside_scope(src):
            return Q()
        ids = list(scope.ids)
        if scope.kind == "provinces":
            q = Q(pk__in=[])
            for code in ids:
                q |= _province_q(src, code)
            return q
        path = {
            "models": src.support_model,
            "groups": src.peer_group,
            "providers": src.provider,
        }[scope.kind]
        if path is None:
            return None
        q = _owner_q(path, "id__in", ids)
        if scope.kind == "providers" and src.recorded_by and scope.user_id:
            q |= Q(**{f"{src.recorded_by}_id": scope.user_id})
        return q

    def statement_key(self) -> tuple[Any, ...]:
        """Everything a statement of this report is built from (reports.compiled):
        the period, the area and other filters, the user's scope, and the secret the
        record keys are worked out with."""
        from .perturbation import _secret

        return (
            self.period,
            self.scope,
            self.province_code,
            self.commune_code,
            self.support_model_id,
            self.peer_group_id,
            self.provider_id,
            self.commune_province_code,
            _secret(),
        )

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


# --- Measures -------------------------------------------------------------------------
