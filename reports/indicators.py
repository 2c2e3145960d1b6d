"""The indicator catalogue: one definition per indicator.

Each indicator has a stable code (used by exports, DHIS2 mappings and tests), its
number in the report table, a Vietnamese and an English label, a unit, how it is
counted (a function of the filtered ReportContext) and which breakdowns it allows.
How to add one: docs/counting-rules.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Q
from django.db.models.functions import ExtractYear
from django.utils import translation
from django.utils.translation import get_language

from directory.taxonomy import SERVICE_TYPES
from referrals import outcomes

from .aggregated import BROKEN_DOWN
from .engine import AREA_DIMENSIONS, DIMENSIONS, KEYED, Measure, ReportContext


@dataclass(frozen=True)
class Unit:
    code: str
    vi: str
    en: str
    people: bool  # counts of people and person-times are suppressed for managers

    @property
    def label(self) -> str:
        return self.en if (get_language() or "vi").startswith("en") else self.vi


UNITS: dict[str, Unit] = {
    u.code: u
    for u in [
        Unit("nguoi", "người", "persons", True),
        Unit("luot", "lượt người", "person-times", True),
        Unit("buoi", "buổi", "sessions", False),
        Unit("cuoc", "cuộc", "calls", True),
        Unit("vu", "vụ", "incidents", True),
        Unit("ban", "bản", "copies", False),
        Unit("chiec", "chiếc", "pieces", False),
        Unit("goi", "gói", "sachets", False),
        Unit("nhom", "nhóm", "groups", False),
        Unit("pct", "%", "%", False),
        Unit("ngay", "ngày", "days", False),
    ]
}

Number = int | float | None


@dataclass(frozen=True)
class Indicator:
    code: str
    number: str
    label_vi: str
    label_en: str
    unit: str
    compute: Callable[[ReportContext], Number]
    breakdown: Callable[[ReportContext, str], dict[Any, int] | None] | None = None
    breakdowns: tuple[str, ...] = ()
    # Suppressed whenever one of these is (a rate reveals its numerator).
    depends_on: tuple[str, ...] = ()
    parent: str | None = None  # a sub-line ("Trong đó") of this indicator
    people: bool | None = None  # overrides the unit's default
    source: str = ""
    # How the line is counted, when it is one measure: perturbed reports take the
    # cell keys from it (reports.perturbation).
    measure: Measure | None = None

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "vi").startswith("en") else self.label_vi

    @property
    def unit_obj(self) -> Unit:
        return UNITS[self.unit]

    @property
    def describes_people(self) -> bool:
        return self.unit_obj.people if self.people is None else self.people

    @property
    def level(self) -> int:
        return self.number.count(".")


PERSON_DIMS = ("sex", "gender", "age_group", "population_group")


def _measured(
    code: str,
    number: str,
    vi: str,
    en: str,
    unit: str,
    measure: Measure,
    breakdowns: tuple[str, ...] = (),
    **extra: Any,
) -> Indicator:
    def breakdown(ctx: ReportContext, dim: str) -> dict[Any, int] | None:
        return measure.by(ctx, DIMENSIONS[dim])

    return Indicator(
        code,
        number,
        vi,
        en,
        unit,
        compute=measure.total,
        breakdown=breakdown,
        breakdowns=breakdowns,
        source=measure.source,
        measure=measure,
        **extra,
    )


def _pt(where: Q, key: str) -> Measure:
    return Measure("delivery", "person_times", where=where, where_key=key)


def _types(**match: str) -> list[str]:
    return [
        t.code for t in SERVICE_TYPES.values() if all(getattr(t, k) == v for k, v in match.items())
    ]


NATIONAL = ("education", "legal", "health")


# --- Referrals: rates and medians --------------------------------------------------------
# One definition for the report and the coordinator's follow-up page: referrals.outcomes.


def _completion_rate(ctx: ReportContext) -> Number:
    """Completed ÷ made (the referrals sent in the period)."""
    return outcomes.completion_rate(REFERRALS_MADE.total(ctx), REFERRALS_COMPLETED.total(ctx))


def _median_days(ctx: ReportContext) -> Number:
    """Days from sending a referral to the service: the first delivery recorded against
    it, or else the day it was marked completed."""
    qs = REFERRALS_COMPLETED.rows(ctx)
    if qs is None:
        return None
    return outcomes.median_days_to_service(qs)


def _share_with_protection(ctx: ReportContext) -> Number:
    total = INCIDENTS.total(ctx)
    protected = INCIDENTS_PROTECTED.total(ctx)
    if total is None or protected is None or total == 0:
        return None
    return round(100.0 * protected / total, 1)


REFERRALS_MADE = Measure("referral", "count")
REFERRALS_ACCEPTED = Measure(
    "referral",
    "count",
    where=Q(accepted_at__isnull=False) | Q(status="completed"),
    where_key="accepted",
)
REFERRALS_COMPLETED = Measure("referral", "count", where=Q(status="completed"), where_key="done")
INCIDENTS = Measure("incident", "count")
INCIDENTS_PROTECTED = Measure(
    "incident", "distinct", "pk", where=Q(protections__isnull=False), where_key="protected"
)


def _build() -> list[Indicator]:
    lines: list[Indicator] = []
    add = lines.append
    trend = ("month",)
    add(
        _measured(
            "clients_reached",
            "1",
            "Số người được tiếp cận",
            "Clients reached",
            "nguoi",
            Measure(
                "contact", "distinct", "client_id", where=Q(client__isnull=False), where_key="c"
            ),
            PERSON_DIMS + trend,
        )
    )
    add(
        _measured(
            "outreach_contacts",
            "2",
            "Số lượt người được tiếp cận",
            "Outreach contacts",
            "luot",
            Measure("contact", "sum", "head_count"),
            trend,
        )
    )
    add(
        _measured(
            "new_clients",
            "3",
            "Số người mới đăng ký",
            "New clients registered",
            "nguoi",
            Measure("client", "count"),
            PERSON_DIMS + trend,
        )
    )
    add(
        _measured(
            "persons_supported",
            "4",
            "Số người được hỗ trợ dịch vụ (mọi nhóm dịch vụ)",
            "Persons supported (any service category)",
            "nguoi",
            Measure("delivery", "distinct", "client_id"),
            PERSON_DIMS + trend,
        )
    )
    add(
        _measured(
            "pt_national",
            "5",
            "Số lượt người được hỗ trợ (3 nhóm dịch vụ quốc gia)",
            "Person-times supported (three national categories)",
            "luot",
            _pt(Q(_cat__in=NATIONAL), "national"),
            PERSON_DIMS + trend + ("category",),
        )
    )
    add(
        _measured(
            "pt_education",
            "5.1",
            "Hỗ trợ giáo dục, hướng nghiệp, dạy nghề, vay vốn, tạo việc làm",
            "Education, vocational guidance and training, loans, jobs",
            "luot",
            _pt(Q(_cat="education"), "education"),
            PERSON_DIMS + ("service_type",),
            parent="pt_national",
        )
    )
    add(
        _measured(
            "pt_loan",
            "5.1.1",
            "Trong đó: vay vốn",
            "Of which: loans",
            "luot",
            _pt(Q(_cat="education", service_type__in=_types(subline="loan")), "loan"),
            PERSON_DIMS,
            parent="pt_education",
        )
    )
    add(
        _measured(
            "pt_legal",
            "5.2",
            "Tư vấn, trợ giúp pháp lý",
            "Legal counselling and aid",
            "luot",
            _pt(Q(_cat="legal"), "legal"),
            PERSON_DIMS + ("service_type",),
            parent="pt_national",
        )
    )
    add(
        _measured(
            "pt_identity_papers",
            "5.2.1",
            "Trong đó: hỗ trợ giấy tờ tùy thân",
            "Of which: identity papers",
            "luot",
            _pt(Q(_cat="legal", service_type__in=_types(subline="identity_papers")), "papers"),
            PERSON_DIMS,
            parent="pt_legal",
        )
    )
    add(
        _measured(
            "pt_health",
            "5.3",
            "Hỗ trợ y tế, chăm sóc sức khỏe, phòng chống lây nhiễm HIV/STI",
            "Health care and HIV/STI prevention",
            "luot",
            _pt(Q(_cat="health"), "health"),
            PERSON_DIMS + ("service_type",),
            parent="pt_national",
        )
    )
    health_types = [t for t in SERVICE_TYPES.values() if t.category == "health"]
    for i, st in enumerate(health_types, start=1):
        with translation.override("vi"):
            vi = str(st.label)
        with translation.override("en"):
            en = str(st.label)
        add(
            _measured(
                f"pt_health_{st.code}",
                f"5.3.{i}",
                f"Trong đó: {vi}",
                f"Of which: {en}",
                "luot",
                _pt(Q(_cat="health", service_type=st.code), f"health:{st.code}"),
                PERSON_DIMS,
                parent="pt_health",
            )
        )
    add(
        _measured(
            "pt_psych",
            "6",
            "Số lượt người được tư vấn tâm lý",
            "Person-times of psychological counselling",
            "luot",
            _pt(Q(_cat="psych"), "psych"),
            PERSON_DIMS,
        )
    )
    add(
        _measured(
            "pt_protection",
            "7",
            "Số lượt người được hỗ trợ bảo vệ, phòng chống bạo lực",
            "Person-times of violence protection",
            "luot",
            _pt(Q(_cat="protection"), "protection"),
            PERSON_DIMS + ("service_type",),
        )
    )
    add(
        _measured(
            "pt_all",
            "8",
            "Tổng số lượt người được hỗ trợ (mọi nhóm dịch vụ)",
            "Total person-times supported (all categories)",
            "luot",
            _pt(Q(), "all"),
            PERSON_DIMS + trend + ("category",),
        )
    )
    add(
        _measured(
            "referrals_made",
            "9",
            "Số lượt chuyển gửi",
            "Referrals made",
            "luot",
            REFERRALS_MADE,
            PERSON_DIMS + trend + ("referral_status",),
        )
    )
    add(
        _measured(
            "referrals_accepted",
            "9.1",
            "Trong đó: được cơ sở tiếp nhận",
            "Of which: accepted by the provider",
            "luot",
            REFERRALS_ACCEPTED,
            PERSON_DIMS,
            parent="referrals_made",
        )
    )
    add(
        _measured(
            "referrals_completed",
            "9.2",
            "Trong đó: hoàn thành (đã nhận dịch vụ)",
            "Of which: completed (service received)",
            "luot",
            REFERRALS_COMPLETED,
            PERSON_DIMS + trend,
            parent="referrals_made",
        )
    )
    add(
        Indicator(
            "referral_completion_rate",
            "9.3",
            "Tỷ lệ chuyển gửi thành công",
            "Referral completion rate",
            "pct",
            compute=_completion_rate,
            depends_on=("referrals_made", "referrals_completed"),
            source="referral",
            parent="referrals_made",
        )
    )
    add(
        Indicator(
            "referral_median_days",
            "9.4",
            "Trung vị số ngày từ chuyển gửi đến khi nhận dịch vụ",
            "Median days from referral to service",
            "ngay",
            compute=_median_days,
            depends_on=("referrals_completed",),
            source="referral",
            parent="referrals_made",
        )
    )
    add(
        _measured(
            "materials_distributed",
            "10",
            "Số tài liệu truyền thông được cấp phát",
            "Materials distributed",
            "ban",
            Measure("distribution", "sum", "quantity", Q(item_kind="material"), "material"),
            ("theme",) + trend,
        )
    )
    add(
        _measured(
            "condoms_distributed",
            "11",
            "Số bao cao su được cấp phát",
            "Condoms distributed",
            "chiec",
            Measure("distribution", "sum", "quantity", Q(item_kind="condom"), "condom"),
            trend,
        )
    )
    add(
        _measured(
            "lubricant_distributed",
            "12",
            "Số gói chất bôi trơn được cấp phát",
            "Lubricant sachets distributed",
            "goi",
            Measure("distribution", "sum", "quantity", Q(item_kind="lubricant"), "lubricant"),
            trend,
        )
    )
    add(
        _measured(
            "needles_distributed",
            "12",
            "Số bơm kim tiêm được cấp phát",
            "Needles and syringes distributed",
            "chiec",
            Measure("distribution", "sum", "quantity", Q(item_kind="needle_syringe"), "needle"),
            trend,
        )
    )
    add(
        _measured(
            "activities_held",
            "13",
            "Số buổi hoạt động được tổ chức",
            "Activities held",
            "buoi",
            Measure("activity", "count"),
            ("activity_kind",) + trend,
        )
    )
    add(
        _measured(
            "activity_participants",
            "14",
            "Số lượt người tham gia hoạt động",
            "Activity participants",
            "luot",
            Measure("participants", "sum", "count"),
            ("participant_kind", "activity_kind_of_participants") + trend,
        )
    )
    add(
        _measured(
            "peer_groups",
            "15",
            "Số nhóm đồng đẳng, nhóm tự lực, câu lạc bộ",
            "Peer groups, self-help groups and clubs",
            "nhom",
            Measure("group", "count", where=Q(active=True), where_key="active"),
        )
    )
    add(
        _measured(
            "members",
            "16",
            "Số thành viên nhóm (nòng cốt và mạng lưới)",
            "Group members (core and network)",
            "nguoi",
            Measure("member", "count"),
            ("member_role",),
        )
    )
    add(
        _measured(
            "members_core",
            "16.1",
            "Trong đó: thành viên nòng cốt",
            "Of which: core members",
            "nguoi",
            Measure("member", "count", where=Q(role="core"), where_key="core"),
            parent="members",
        )
    )
    add(
        _measured(
            "members_network",
            "16.2",
            "Trong đó: thành viên mạng lưới",
            "Of which: network members",
            "nguoi",
            Measure("member", "count", where=Q(role="network"), where_key="network"),
            parent="members",
        )
    )
    add(
        _measured(
            "hotline_calls",
            "17",
            "Số cuộc gọi đường dây nóng",
            "Hotline calls",
            "cuoc",
            Measure("hotline", "count"),
            ("call_topic", "call_urgency") + trend,
        )
    )
    add(
        _measured(
            "incidents",
            "18",
            "Số vụ bạo lực được ghi nhận",
            "Violence incidents recorded",
            "vu",
            INCIDENTS,
            # An incident of two violence types counts under each: the violence-type
            # columns may add up to more than the total (like population groups).
            ("violence_type", "perpetrator") + trend,
        )
    )
    add(
        _measured(
            "incidents_protection",
            "18.1",
            "Trong đó: có chuyển gửi bảo vệ",
            "Of which: with a protection referral",
            "vu",
            INCIDENTS_PROTECTED,
            parent="incidents",
        )
    )
    add(
        Indicator(
            "incidents_protection_share",
            "18.2",
            "Tỷ lệ vụ bạo lực có chuyển gửi bảo vệ",
            "Share of incidents with a protection referral",
            "pct",
            compute=_share_with_protection,
            depends_on=("incidents", "incidents_protection"),
            source="incident",
            parent="incidents",
        )
    )
    add(
        _measured(
            "safety_alerts",
            "19",
            "Số cảnh báo an toàn được phát hành",
            "Safety alerts issued",
            "ban",
            Measure("alert", "count"),
        )
    )
    add(
        _measured(
            "minors_flagged",
            "20",
            "Số người dưới 18 tuổi được phát hiện (chuyển gửi bảo vệ trẻ em)",
            "Minors flagged for child protection",
            "nguoi",
            # Under 18 in the year of registration, measured from the record itself (not from
            # a flag that only the registration form sets), so clients entered any way count.
            Measure(
                "client",
                "count",
                where=Q(birth_year__gt=ExtractYear("registered_on") - 18),
                where_key="minor",
            ),
            ("sex",),
        )
    )
    return _numbered(lines)


def _numbered(lines: list[Indicator]) -> list[Indicator]:
    """Number the lines as a Vietnamese report does: 1, 2, … and sub-lines 5.1, 5.1.1."""
    counters: dict[str | None, int] = {}
    numbers: dict[str, str] = {}
    out = []
    for ind in lines:
        counters[ind.parent] = counters.get(ind.parent, 0) + 1
        n = str(counters[ind.parent])
        number = f"{numbers[ind.parent]}.{n}" if ind.parent else n
        numbers[ind.code] = number
        out.append(replace(ind, number=number))
    return out


# The headline indicators: the columns of the tables by province, support model and
# commune (reports.engine AREA_DIMENSIONS), and of the periodic reports' overview.
HEADLINE = (
    "pt_national",
    "pt_education",
    "pt_legal",
    "pt_health",
    "pt_psych",
    "pt_protection",
    "persons_supported",
    "clients_reached",
    "outreach_contacts",
    "referrals_made",
)


def _with_area_tables(lines: list[Indicator]) -> list[Indicator]:
    return [
        replace(ind, breakdowns=ind.breakdowns + AREA_DIMENSIONS) if ind.code in HEADLINE else ind
        for ind in lines
    ]


CATALOGUE: list[Indicator] = _with_area_tables(_build())
BY_CODE: dict[str, Indicator] = {i.code: i for i in CATALOGUE}
KEYED.update(
    (i.measure.source, i.measure.key)
    for i in CATALOGUE
    if i.measure is not None and i.describes_people
)
BROKEN_DOWN.update(
    (i.measure.source, i.measure.key, dim)
    for i in CATALOGUE
    if i.measure is not None
    for dim in i.breakdowns
)

# Lines whose parts add up to a total: (total, parts). Complementary suppression keeps
# "total minus the visible parts" from revealing a hidden part.
ADDITIVE: list[tuple[str, tuple[str, ...]]] = [
    ("pt_national", ("pt_education", "pt_legal", "pt_health")),
    ("pt_all", ("pt_national", "pt_psych", "pt_protection")),
    ("members", ("members_core", "members_network")),
]

CATEGORY_LINES: dict[str, str] = {
    "education": "pt_education",
    "legal": "pt_legal",
    "health": "pt_health",
    "psych": "pt_psych",
    "protection": "pt_protection",
}

# One figure shown in two places: (line, dimension, key) is the same number as another
# line. Suppression must give both places the same decision, or the visible copy would
# reveal the hidden one.
SAME_FIGURE: list[tuple[str, str, Any, str]] = [
    *[("pt_national", "category", cat, CATEGORY_LINES[cat]) for cat in NATIONAL],
    *[("pt_all", "category", cat, line) for cat, line in CATEGORY_LINES.items()],
    *[
        ("pt_health", "service_type", t.code, f"pt_health_{t.code}")
        for t in SERVICE_TYPES.values()
        if t.category == "health"
    ],
    ("referrals_made", "referral_status", "completed", "referrals_completed"),
    ("members", "member_role", "core", "members_core"),
    ("members", "member_role", "network", "members_network"),
    # Minors are new clients under 18 in the year they registered: the "<18" age group.
    ("new_clients", "age_group", "lt18", "minors_flagged"),
]

# "Of which" sub-lines that are a subset of their line: (line, sub-line). The rest
# (line − sub-line) is a figure too: a reader gets it by subtraction.
SUBSETS: list[tuple[str, str]] = [
    ("pt_education", "pt_loan"),
    ("pt_legal", "pt_identity_papers"),
    ("referrals_made", "referrals_accepted"),
    ("referrals_accepted", "referrals_completed"),
    ("incidents", "incidents_protection"),
]

# A sub-line made of some of its parent's service types: (sub-line, parent, types).
SUBLINE_TYPES: list[tuple[str, str, tuple[str, ...]]] = [
    ("pt_loan", "pt_education", tuple(_types(subline="loan"))),
    ("pt_identity_papers", "pt_legal", tuple(_types(subline="identity_papers"))),
]
