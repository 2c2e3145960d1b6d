"""Dimensions (breakdowns) of a report's lines: what a value is for a source's row, its
labels, and the area dimensions (province, support model, commune)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    Case,
    CharField,
    F,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Substr, TruncDate
from django.db.models.lookups import LessThan
from django.utils.translation import gettext_lazy as _

from directory.taxonomy import CATEGORIES, SERVICE_TYPES

from .context import ReportContext
from .sources import Source, _date_text, _path, _paths

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


def age_bucket(age: int | None) -> str:
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


class MonthOf(Func):
    """'YYYY-MM' of a (local) date. On PostgreSQL the rows are grouped by the month's
    first day (a date: cheaper to compute and compare than a text made for every row,
    about 20 % of a grouped statement at 1 M contacts) and the database converter makes
    the 'YYYY-MM' of each group; elsewhere the text is made in SQL."""

    output_field = CharField()

    def __init__(self, day: Any, day_text: Any) -> None:
        super().__init__(day, day_text)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        return compiler.compile(Substr(self.source_expressions[1], 1, 7))

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(date_trunc('month', {sql}) AS date)", params

    def get_db_converters(self, connection: Any) -> list[Any]:
        return [_month_text, *super().get_db_converters(connection)]


def _month_text(value: Any, expression: Any, connection: Any) -> Any:
    return value.isoformat()[:7] if isinstance(value, date) else value


def _month(src: Source) -> Any:
    """'YYYY-MM' of the record's date."""
    if not src.date:
        return None
    day = TruncDate(src.date) if src.is_datetime else F(src.date)
    return MonthOf(day, _date_text(src))


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


def _mapped(legacy: str, target: str) -> F:
    """The one `target` ("commune" or "province") a pre-reform commune became; NULL when
    it is not in the conversion table or was split between several: a join on the view
    reports.LegacyArea (the table looked up once per query, not once per row)."""
    return F(f"{legacy}__resolution__{target}_id")


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
        mapped = _mapped(legacy, "province")
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
        whens.append(When(**{f"{legacy}__isnull": False}, then=_mapped(legacy, "commune")))
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
