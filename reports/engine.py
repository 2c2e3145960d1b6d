"""The counting engine: which rows a report looks at, and how they are counted.

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

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Substr, TruncDate
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.taxonomy import CATEGORIES, SERVICE_TYPES
from geo.models import CommuneConversion

from .periods import Period


@dataclass(frozen=True)
class Source:
    """Where one kind of record keeps what reports filter on (paths from the model)."""

    key: str
    model: str  # "app_label.ModelName"
    date: str | None  # the service/activity date (None: use `span`)
    is_datetime: bool = False
    span: tuple[str, str] | None = None  # (from, until) for things that last (members)
    # commune, legacy and province: a path, or a tuple of fallback paths (the first
    # non-null wins). The record's commune is the first non-null `commune`; only when it
    # has none is the first non-null `legacy` (pre-reform) commune used; only when that is
    # missing too (or not in the conversion table) the first non-null `province`.
    commune: str | tuple[str, ...] | None = None
    commune_m2m: str | None = None  # communes served (peer groups): commune filters only
    legacy: str | tuple[str, ...] | None = None
    province: tuple[str, ...] = ()
    # support_model and peer_group: a path, or a tuple of fallback paths (the first
    # non-null wins), like the area paths above.
    support_model: str | tuple[str, ...] | None = None
    peer_group: str | tuple[str, ...] | None = None
    provider: str | None = None
    recorded_by: str | None = None  # providers also see what they recorded themselves
    client: str | None = None  # path to clients.Client, for person breakdowns
    # Only these rows count at all (e.g. alerts that went out, never drafts).
    counted: tuple[tuple[str, Any], ...] = ()
    # The service category as `_cat`: "taxonomy" (from the service type, else the stored
    # column) or "column" (a column already worked out so: reports.PersonTime).
    category: str = ""

    def model_class(self) -> Any:
        label, name = self.model.split(".")
        return apps.get_model(label, name)

    @property
    def communes(self) -> tuple[str, ...]:
        return _paths(self.commune)

    @property
    def legacies(self) -> tuple[str, ...]:
        return _paths(self.legacy)


def _paths(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if not value:
        return ()
    return (value,) if isinstance(value, str) else value


def _client_area(prefix: str) -> dict[str, Any]:
    return {
        "commune": f"{prefix}commune",
        "legacy": f"{prefix}legacy_commune",
        "province": (f"{prefix}province",),
        "support_model": f"{prefix}peer_group__support_model",
        "peer_group": f"{prefix}peer_group",
    }


SOURCES: dict[str, Source] = {
    s.key: s
    for s in [
        # Area of a service delivery or a referral = its client's commune/province.
        Source(
            "delivery",
            "referrals.ServiceDelivery",
            "delivered_on",
            provider="provider",
            recorded_by="recorded_by",
            client="client",
            category="taxonomy",
            **_client_area("client__"),
        ),
        Source(
            "referral",
            "referrals.Referral",
            "sent_at",
            is_datetime=True,
            provider="provider",
            client="client",
            **_client_area("client__"),
        ),
        Source(
            "client",
            "clients.Client",
            "registered_on",
            client="",
            **_client_area(""),
        ),
        # Area of a contact = its commune, or else its peer group's model province.
        Source(
            "contact",
            "outreach.OutreachContact",
            "contact_date",
            commune="commune",
            legacy="legacy_commune",
            province=("peer_group__support_model__province",),
            support_model="peer_group__support_model",
            peer_group="peer_group",
            client="client",
        ),
        # Area of a distribution = its contact's commune, or else the commune of the
        # activity it was handed out at (activities.ActivityDistribution), pre-reform
        # communes likewise; or else its peer group's model province, or else the stock
        # holder's province.
        Source(
            "distribution",
            "outreach.Distribution",
            "distributed_on",
            commune=("contact__commune", "activity_link__activity__commune"),
            legacy=("contact__legacy_commune", "activity_link__activity__legacy_commune"),
            province=("peer_group__support_model__province", "organisation__province"),
            support_model=("peer_group__support_model", "activity_link__activity__support_model"),
            peer_group=("peer_group", "activity_link__activity__peer_group"),
            provider="organisation",
        ),
        # Area of an activity = its commune, or else its support model's province.
        Source(
            "activity",
            "activities.Activity",
            "held_on",
            commune="commune",
            legacy="legacy_commune",
            province=("support_model__province",),
            support_model="support_model",
            peer_group="peer_group",
            provider="organiser",
        ),
        Source(
            "participants",
            "activities.ActivityParticipants",
            "activity__held_on",
            commune="activity__commune",
            legacy="activity__legacy_commune",
            province=("activity__support_model__province",),
            support_model="activity__support_model",
            peer_group="activity__peer_group",
            provider="activity__organiser",
        ),
        Source(
            "hotline",
            "hotline.HotlineCall",
            "started_at",
            is_datetime=True,
            commune="client__commune",
            legacy="client__legacy_commune",
            province=("client__province", "organisation__province"),
            support_model="client__peer_group__support_model",
            peer_group="client__peer_group",
            provider="organisation",
        ),
        Source(
            "incident",
            "safety.Incident",
            "occurred_on",
            commune="commune",
            province=("province",),
            support_model="support_model",
            peer_group="peer_group",
            client="client",
        ),
        Source(
            "alert",
            "safety.SafetyAlert",
            "issued_on",
            commune="commune",
            province=("province",),
            # Issued = approved (withdrawn later or not); never one waiting or declined.
            counted=(("approved_at__isnull", False),),
        ),
        Source(
            "member",
            "programs.Membership",
            None,
            span=("joined_on", "left_on"),
            commune_m2m="peer_group__communes",
            province=("peer_group__support_model__province",),
            support_model="peer_group__support_model",
            peer_group="peer_group",
        ),
        Source(
            "group",
            "programs.PeerGroup",
            None,
            span=("founded_on", ""),
            commune_m2m="communes",
            province=("support_model__province",),
            support_model="support_model",
            peer_group="",
        ),
    ]
}


def _path(prefix: str, name: str) -> str:
    return f"{prefix}__{name}" if prefix else name


def _owner_q(path: str | tuple[str, ...], lookup: str, value: Any) -> Q:
    """`path`'s `lookup` equals `value`; for a tuple of fallback paths, on the first one
    that is not null (a distribution's model: its peer group's, else its activity's)."""
    if isinstance(path, str):
        # "" is the record itself: "id" → "pk", "id__in" → "pk__in".
        return Q(**{_path(path, lookup) if path else "pk" + lookup[2:]: value})
    q = Q(pk__in=[])
    for i, current in enumerate(path):
        cond = Q(**{_path(current, lookup): value})
        for earlier in path[:i]:
            cond &= Q(**{f"{earlier}__isnull": True})
        q |= cond
    return q


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


def _date_text(src: Source) -> Any:
    """The record's (local) date as 'YYYY-MM-DD' text: cheap in SQL on both databases,
    where EXTRACT on SQLite is a Python function called per row."""
    assert src.date
    if src.is_datetime:
        return Cast(TruncDate(src.date), CharField())
    return Cast(src.date, CharField())


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

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


# --- Measures -------------------------------------------------------------------------


def person_time_expr(filter: Q | None = None) -> Count:
    """One lượt = one distinct (client, category, provider, date)."""
    return Count(
        Concat(
            Cast("client_id", CharField()),
            Value("|"),
            F("_cat"),
            Value("|"),
            Cast("provider_id", CharField()),
            Value("|"),
            Cast("delivered_on", CharField()),
            output_field=CharField(),
        ),
        distinct=True,
        filter=filter,
    )


# Prefix of the record-key sums counted beside each measure for a perturbed report.
KEY = "key|"
# Measures whose record keys a perturbed report counts (those of indicators that count
# people: reports.indicators fills it); the others are published exact.
KEYED: set[tuple[str, str]] = set()
# Sources whose report queries may return a record twice (a reverse join: an incident
# with two protection referrals): their record keys are summed distinctly.
ROWS_MAY_REPEAT = {"incident"}


def _aggregates(ctx: ReportContext, measures: list[Measure]) -> tuple[dict[str, str], dict]:
    """(alias → result key, alias → aggregate) for the measures, with their record-key
    sums when the report is perturbed."""
    aliases = {f"m{i}": m.key for i, m in enumerate(measures)}
    aggregates: dict[str, Any] = {f"m{i}": m.expr() for i, m in enumerate(measures)}
    if ctx.suppress:
        from .perturbation import shared

        for i, m in enumerate(measures):
            if (m.source, m.key) not in KEYED:
                continue
            aliases[f"k{i}"] = KEY + m.key
            # The figure and its key sum share one compiled condition (cheaper).
            aggregates[f"m{i}"], aggregates[f"k{i}"] = shared(
                aggregates[f"m{i}"], m.key_expr(), f"m{i}", m.key
            )
    return aliases, aggregates


# Every measure, by source: a report counts all measures of a source in one query
# (one per breakdown), with conditional aggregates, instead of one query per cell.
MEASURES: dict[str, dict[str, Measure]] = {}


@dataclass(frozen=True)
class Measure:
    """How a cell is counted from a source's rows."""

    source: str
    how: str  # person_times | distinct | count | sum
    path: str = ""  # the field counted distinctly or summed
    where: Q = field(default_factory=Q)
    where_key: str = ""  # identifies `where` among the source's measures

    def __post_init__(self) -> None:
        MEASURES.setdefault(self.source, {}).setdefault(self.key, self)

    @property
    def key(self) -> str:
        return f"{self.how}:{self.path}:{self.where_key}"

    def expr(self) -> Any:
        condition = self.where if self.where else None
        if self.how == "person_times":
            return person_time_expr(filter=condition)
        if self.how == "distinct":
            return Count(self.path, distinct=True, filter=condition)
        if self.how == "sum":
            return Sum(self.path, filter=condition)
        return Count("pk", distinct=True, filter=condition)

    def key_expr(self) -> Any:
        """The sum of the record keys of the records this measure counts (the cell key
        method, reports.perturbation): the distinct clients for a count of persons,
        else the rows themselves (a person-time by its deliveries, a head count by its
        contact). Same records, same sum, whatever report asks."""
        from .perturbation import record_key

        condition = self.where if self.where else None
        if self.how == "distinct" and self.path == "client_id":
            # A client counted once however many of their rows match.
            return Sum(record_key("clients.Client", "client_id"), distinct=True, filter=condition)
        # The rows themselves: a plain sum (cheap) where a report's query never repeats
        # a row (no reverse join in the source's measures or filters), else distinct.
        distinct = self.source in ROWS_MAY_REPEAT
        return Sum(
            record_key(SOURCES[self.source].model, "pk"), distinct=distinct, filter=condition
        )

    def rows(self, ctx: ReportContext) -> QuerySet[Any] | None:
        qs = ctx.rows(self.source)
        if qs is None:
            return None
        return qs.filter(self.where)

    def total_key(self, ctx: ReportContext) -> int:
        """The cell key sum of `total` (only counted for a perturbed report)."""
        batch = ctx.cached(("batch", self.source, None), lambda: _totals(ctx, self.source))
        return int((batch or {}).get(None, {}).get(KEY + self.key) or 0)

    def by_keys(self, ctx: ReportContext, dim: Dimension) -> dict[Any, int]:
        batch = ctx.cached(("batch", self.source, dim.key), lambda: _batch(ctx, self.source, dim))
        return {k: int(row.get(KEY + self.key) or 0) for k, row in (batch or {}).items()}

    def total(self, ctx: ReportContext) -> int | None:
        batch = ctx.cached(("batch", self.source, None), lambda: _totals(ctx, self.source))
        if batch is None:
            return None
        return int(batch.get(None, {}).get(self.key) or 0)

    def by(self, ctx: ReportContext, dim: Dimension) -> dict[Any, int] | None:
        batch = ctx.cached(("batch", self.source, dim.key), lambda: _batch(ctx, self.source, dim))
        if batch is None:
            return None
        return {k: int(row.get(self.key) or 0) for k, row in batch.items()}


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
    from . import aggregated

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
        from . import aggregated

        counted = aggregated.batch(ctx, source, dim)
        if counted is not NotImplemented:
            return counted
    if dim is not None and dim.key in PERSON_ATTRIBUTES:
        derived = _person_batch(ctx, source, dim.key)
        if derived is not NotImplemented:
            return derived
    qs = ctx.rows(source)
    if qs is None:
        return None
    measures = list(MEASURES.get(source, {}).values()) if only is None else only
    aliases, aggregates = _aggregates(ctx, measures)
    try:
        if dim is None:
            row = qs.aggregate(**aggregates)
            return {None: {aliases[a]: v for a, v in row.items()}}
        expr = dim.expr(SOURCES[source])
        if expr is None:
            return None
        grouped = qs.annotate(_dim=expr).values("_dim").annotate(**aggregates).order_by()
        return {r["_dim"]: {aliases[a]: r[a] for a in aliases} for r in grouped}
    except FieldError:
        return None


# Breakdowns by what a client is (sex, gender identity, and age group from the year of
# birth) come from one GROUP BY per source over those attributes, added up here.
PERSON_ATTRIBUTES = {"sex": "sex", "gender": "gender_identity", "age_group": "birth_year"}


def _age_bucket(age: int | None) -> str:
    """Python twin of `_age_group` (an unknown year of birth falls in the last group,
    as the SQL CASE does with NULL)."""
    if age is None:
        return AGE_GROUPS[-1][0]
    if age < 18:
        return "lt18"
    if age < 25:
        return "18_24"
    if age < 35:
        return "25_34"
    return "35p"


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
            key = _age_bucket(None if born is None or year is None else year - born)
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
    qs = ctx.rows(source)
    if qs is None:
        return None
    measures = list(MEASURES.get(source, {}).values())
    aliases, aggregates = _aggregates(ctx, measures)
    keys: dict[str, Any] = {
        f"_p_{name}": F(_path(src.client, name)) for name in PERSON_ATTRIBUTES.values()
    }
    if not single_year:
        keys["_p__year"] = Cast(Substr(_date_text(src), 1, 4), IntegerField())
    try:
        rows = qs.annotate(**keys).values(*keys).annotate(**aggregates).order_by()
        return [
            (
                {k.removeprefix("_p_"): r[k] for k in keys},
                {aliases[a]: r[a] for a in aliases},
            )
            for r in rows
        ]
    except FieldError:
        return None


# --- Dimensions (breakdowns) ------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    key: str
    label: Any
    expr: Callable[[Source], Any]
    labels: Callable[[], dict[Any, Any]]
    order: Callable[[], list[Any]] | None = None
    # Area breakdowns (province, commune, support model): offered only where the report
    # has such parts (`applies`), their rows named from the report's own area
    # (`area_labels`: the fixed rows, and names for any other key counted).
    applies: Callable[[ReportContext], bool] | None = None
    area_labels: Callable[[ReportContext, frozenset[Any]], dict[Any, Any]] | None = None
    # Shown as a table with the parts as rows and the indicators as columns.
    by_area: bool = False


def _client_field(name: str) -> Callable[[Source], Any]:
    def build(src: Source) -> Any:
        if src.client is None:
            return None
        return F(_path(src.client, name))

    return build


AGE_GROUPS = [("lt18", "<18"), ("18_24", "18–24"), ("25_34", "25–34"), ("35p", "35+")]


def _age_group(src: Source) -> Any:
    """Age at the record's date, from the client's year of birth."""
    if src.client is None or not src.date:
        return None
    year = Cast(Substr(_date_text(src), 1, 4), IntegerField())
    age = year - F(_path(src.client, "birth_year"))
    return Case(
        When(LessThan(age, 18), then=Value("lt18")),
        When(LessThan(age, 25), then=Value("18_24")),
        When(LessThan(age, 35), then=Value("25_34")),
        default=Value("35p"),
        output_field=CharField(),
    )


def _month(src: Source) -> Any:
    """'YYYY-MM' of the record's date."""
    if not src.date:
        return None
    return Substr(_date_text(src), 1, 7)


def _own_field(name: str) -> Callable[[Source], Any]:
    return lambda src: F(name)


def _population_labels() -> dict[Any, Any]:
    from clients.models import PopulationGroup

    return {p.code: str(p) for p in PopulationGroup.objects.all()}


def _category_labels() -> dict[Any, Any]:
    return {c.code: c.label for c in sorted(CATEGORIES.values(), key=lambda c: c.order)}


def _service_type_labels() -> dict[Any, Any]:
    return {t.code: t.label for t in SERVICE_TYPES.values()}


def _age_labels() -> dict[Any, Any]:
    return dict(AGE_GROUPS)


def _theme_labels() -> dict[Any, Any]:
    try:
        material = apps.get_model("outreach", "Material")
        return dict(material._meta.get_field("theme").flatchoices)
    except (LookupError, FieldDoesNotExist):
        return {}


def _violence_type_labels() -> dict[Any, Any]:
    try:
        violence_type = apps.get_model("safety", "ViolenceType")
    except LookupError:
        return {}
    return {v.code: str(v) for v in violence_type.objects.all()}


def _sex_labels() -> dict[Any, Any]:
    from clients.models import Sex

    return dict(Sex.choices)


def _gender_labels() -> dict[Any, Any]:
    from clients.models import GenderIdentity

    return dict(GenderIdentity.choices)


def _field_labels(model: str, name: str) -> Callable[[], dict[Any, Any]]:
    def labels() -> dict[Any, Any]:
        try:
            app_label, model_name = model.split(".")
            cls = apps.get_model(app_label, model_name)
            return dict(cls._meta.get_field(name).flatchoices)
        except (LookupError, FieldDoesNotExist):  # a model still being built
            return {}

    return labels


def _month_labels() -> dict[Any, Any]:
    return {}


# --- Area breakdowns: by province (a national report), by commune and by support model
# (a province report). The group key follows the same rules as the area filters
# (`_province_q`, `_commune_q`, `_owner_q`), so that a row of the table counts the same
# records as the report of that area alone, and so gets the same published figure.


def _mapped(legacy: str, target: str) -> Subquery:
    """The one `target` (new commune, or its province) a pre-reform commune became;
    NULL when it is not in the conversion table or was split between several."""
    return Subquery(
        CommuneConversion.objects.filter(old_commune_id=OuterRef(legacy))
        .values("old_commune_id")
        .annotate(_n=Count(target, distinct=True), _t=Min(target))
        .filter(_n=1)
        .values("_t")[:1],
        output_field=CharField(),
    )


def _first_of(paths: tuple[str, ...], output: Any = None) -> Any:
    """The first non-null of the paths (an id), or None when there are none."""
    if not paths:
        return None
    if len(paths) == 1:
        return F(paths[0])
    return Coalesce(*[F(p) for p in paths], output_field=output or CharField())


def _province_expr(src: Source) -> Any:
    fallback = _first_of(tuple(f"{p}_id" for p in src.province))
    default = fallback if fallback is not None else Value(None, output_field=CharField())
    whens = [When(**{f"{c}__isnull": False}, then=F(f"{c}__province_id")) for c in src.communes]
    for legacy in src.legacies:
        mapped = _mapped(legacy, "new_commune__province_id")
        value = Coalesce(mapped, default, output_field=CharField())
        whens.append(When(**{f"{legacy}__isnull": False}, then=value))
    if not whens:
        return default
    return Case(*whens, default=default, output_field=CharField())


def _commune_expr(src: Source) -> Any:
    if src.commune_m2m:
        # A peer group is counted in every commune it serves (as the commune filter does).
        return F(src.commune_m2m)
    if not src.communes:
        return None
    whens = [When(**{f"{c}__isnull": False}, then=F(f"{c}_id")) for c in src.communes]
    for legacy in src.legacies:
        whens.append(When(**{f"{legacy}__isnull": False}, then=_mapped(legacy, "new_commune_id")))
    return Case(*whens, default=Value(None, output_field=CharField()), output_field=CharField())


def _model_expr(src: Source) -> Any:
    paths = _paths(src.support_model)
    if not paths:
        return None
    return _first_of(paths, IntegerField())


def report_provinces(ctx: ReportContext) -> set[str] | None:
    """The province(s) a report covers when it is a province report (its province
    filter, or a provincial manager's or coordinator's own provinces); None otherwise
    (a national, commune, peer-group or provider report)."""
    if ctx.commune_code or ctx.peer_group_id or ctx.provider_id:
        return None
    if ctx.province_code:
        return {ctx.province_code}
    if ctx.scope.kind in ("provinces", "models"):
        from .queries import scope_provinces

        scope = ctx.scope
        return ctx.cached(("report_provinces",), lambda: scope_provinces(scope) or None)
    return None


def _is_national(ctx: ReportContext) -> bool:
    return (
        ctx.scope.kind == "nation"
        and not ctx.province_code
        and not ctx.commune_code
        and not ctx.support_model_id
        and not ctx.peer_group_id
        and not ctx.provider_id
    )


def _province_labels(ctx: ReportContext, extra: frozenset[Any]) -> dict[Any, Any]:
    from geo.models import Province

    return {p.pk: str(p) for p in Province.objects.order_by("name")}


def _commune_labels(ctx: ReportContext, extra: frozenset[Any]) -> dict[Any, Any]:
    from geo.models import Commune

    provinces = report_provinces(ctx) or set()
    rows = Commune.objects.filter(Q(province_id__in=provinces) | Q(pk__in=extra - {None}))
    # Every commune of the province is a row, counted or not: a row that appeared only
    # when something was counted would tell a hidden 1 to 4 from a true 0.
    ordered = sorted(rows, key=lambda c: (c.province_id not in provinces, c.name))
    return {c.pk: c.name if c.province_id in provinces else str(c) for c in ordered}


def _model_labels(ctx: ReportContext, extra: frozenset[Any]) -> dict[Any, Any]:
    from .queries import models_in_scope

    provinces = report_provinces(ctx) or set()
    models = models_in_scope(ctx.scope).filter(
        Q(province_id__in=provinces) | Q(pk__in=extra - {None})
    )
    return {m.pk: m.name for m in models.order_by("name")}


AREA_DIMENSIONS = ("province", "support_model", "commune")


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in [
        Dimension("sex", _("Sex"), _client_field("sex"), _sex_labels),
        Dimension("gender", _("Gender identity"), _client_field("gender_identity"), _gender_labels),
        Dimension("age_group", _("Age group"), _age_group, _age_labels),
        Dimension(
            "population_group",
            _("Population group"),
            _client_field("population_groups"),
            _population_labels,
        ),
        Dimension("month", _("Month"), _month, _month_labels),
        Dimension("category", _("Service category"), _own_field("_cat"), _category_labels),
        Dimension(
            "service_type", _("Service type"), _own_field("service_type"), _service_type_labels
        ),
        Dimension(
            "activity_kind",
            _("Activity kind"),
            _own_field("kind"),
            _field_labels("activities.Activity", "kind"),
        ),
        Dimension(
            "activity_kind_of_participants",
            _("Participants by activity kind"),
            _own_field("activity__kind"),
            _field_labels("activities.Activity", "kind"),
        ),
        Dimension(
            "participant_kind",
            _("Participant kind"),
            _own_field("kind"),
            _field_labels("activities.ActivityParticipants", "kind"),
        ),
        Dimension("theme", _("Theme"), _own_field("material__theme"), _theme_labels),
        Dimension(
            "item_kind",
            _("Item"),
            _own_field("item_kind"),
            _field_labels("outreach.Distribution", "item_kind"),
        ),
        Dimension(
            "member_role",
            _("Member role"),
            _own_field("role"),
            _field_labels("programs.Membership", "role"),
        ),
        Dimension(
            "referral_status",
            _("Referral status"),
            _own_field("status"),
            _field_labels("referrals.Referral", "status"),
        ),
        Dimension(
            "call_topic",
            _("Call topic"),
            _own_field("topic"),
            _field_labels("hotline.HotlineCall", "topic"),
        ),
        Dimension(
            "call_urgency",
            _("Call urgency"),
            _own_field("urgency"),
            _field_labels("hotline.HotlineCall", "urgency"),
        ),
        # Several per incident: an incident of two types counts under each, so these
        # columns may add up to more than the total (like population groups).
        Dimension(
            "violence_type",
            _("Violence type"),
            _own_field("violence_types"),
            _violence_type_labels,
        ),
        Dimension(
            "perpetrator",
            _("Perpetrator"),
            _own_field("perpetrator_kind"),
            _field_labels("safety.Incident", "perpetrator_kind"),
        ),
        Dimension(
            "province",
            _("Province"),
            _province_expr,
            _month_labels,
            applies=_is_national,
            area_labels=_province_labels,
            by_area=True,
        ),
        Dimension(
            "support_model",
            _("Support model"),
            _model_expr,
            _month_labels,
            applies=lambda ctx: report_provinces(ctx) is not None and not ctx.support_model_id,
            area_labels=_model_labels,
            by_area=True,
        ),
        Dimension(
            "commune",
            _("Commune or ward"),
            _commune_expr,
            _month_labels,
            applies=lambda ctx: report_provinces(ctx) is not None,
            area_labels=_commune_labels,
            by_area=True,
        ),
    ]
}
