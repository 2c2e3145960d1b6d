"""The indicator catalogue as a table: one `Indicator` per line of the report, in report
order, each given by keyword (code, labels, unit, measure, breakdowns), grouped by what
the lines count. How to add one: docs/counting-rules.md."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.db.models.functions import ExtractYear
from django.utils import translation

from directory.taxonomy import SERVICE_TYPES
from referrals import outcomes

from . import compiled, counting
from .context import ReportContext
from .indicator_types import (
    NATIONAL,
    PERSON_DIMS,
    Indicator,
    Number,
    measured,
    person_times,
    types_where,
)
from .measures import Measure

# --- Referrals: rates and medians --------------------------------------------------------
# One definition for the report and the coordinator's follow-up page: referrals.outcomes.


def _completion_rate(ctx: ReportContext) -> Number:
    """Completed ÷ made (the referrals sent in the period)."""
    return outcomes.completion_rate(
        counting.total(REFERRALS_MADE, ctx), counting.total(REFERRALS_COMPLETED, ctx)
    )


def _median_days(ctx: ReportContext) -> Number:
    """Days from sending a referral to the service: the first delivery recorded against
    it, or else the day it was marked completed."""

    def build() -> Any:
        qs = REFERRALS_COMPLETED.rows(ctx)
        return None if qs is None else outcomes.days_served_counts(qs)

    rows = compiled.rows(("median days to service", ctx.statement_key()), build)
    if rows is None:
        return None
    return outcomes.median_days_to_service(rows)


def _share_with_protection(ctx: ReportContext) -> Number:
    total = counting.total(INCIDENTS, ctx)
    protected = counting.total(INCIDENTS_PROTECTED, ctx)
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

TREND = ("month",)


def _reach_lines() -> list[Indicator]:
    """Who the peer groups reached and registered, and who was supported."""
    return [
        measured(
            code="clients_reached",
            number="1",
            vi="Số người được tiếp cận",
            en="Clients reached",
            unit="nguoi",
            measure=Measure(
                "contact", "distinct", "client_id", where=Q(client__isnull=False), where_key="c"
            ),
            breakdowns=PERSON_DIMS + TREND,
        ),
        measured(
            code="outreach_contacts",
            number="2",
            vi="Số lượt người được tiếp cận",
            en="Outreach contacts",
            unit="luot",
            measure=Measure("contact", "sum", "head_count"),
            breakdowns=TREND,
        ),
        measured(
            code="new_clients",
            number="3",
            vi="Số người mới đăng ký",
            en="New clients registered",
            unit="nguoi",
            measure=Measure("client", "count"),
            breakdowns=PERSON_DIMS + TREND,
        ),
        measured(
            code="persons_supported",
            number="4",
            vi="Số người được hỗ trợ dịch vụ (mọi nhóm dịch vụ)",
            en="Persons supported (any service category)",
            unit="nguoi",
            measure=Measure("delivery", "distinct", "client_id"),
            breakdowns=PERSON_DIMS + TREND,
        ),
    ]


def _national_support_lines() -> list[Indicator]:
    """Person-times of the three national service categories and their sub-lines."""
    return [
        measured(
            code="pt_national",
            number="5",
            vi="Số lượt người được hỗ trợ (3 nhóm dịch vụ quốc gia)",
            en="Person-times supported (three national categories)",
            unit="luot",
            measure=person_times(Q(_cat__in=NATIONAL), "national"),
            breakdowns=PERSON_DIMS + TREND + ("category",),
        ),
        measured(
            code="pt_education",
            number="5.1",
            vi="Hỗ trợ giáo dục, hướng nghiệp, dạy nghề, vay vốn, tạo việc làm",
            en="Education, vocational guidance and training, loans, jobs",
            unit="luot",
            measure=person_times(Q(_cat="education"), "education"),
            breakdowns=PERSON_DIMS + ("service_type",),
            parent="pt_national",
        ),
        measured(
            code="pt_loan",
            number="5.1.1",
            vi="Trong đó: vay vốn",
            en="Of which: loans",
            unit="luot",
            measure=person_times(
                Q(_cat="education", service_type__in=types_where(subline="loan")), "loan"
            ),
            breakdowns=PERSON_DIMS,
            parent="pt_education",
        ),
        measured(
            code="pt_legal",
            number="5.2",
            vi="Tư vấn, trợ giúp pháp lý",
            en="Legal counselling and aid",
            unit="luot",
            measure=person_times(Q(_cat="legal"), "legal"),
            breakdowns=PERSON_DIMS + ("service_type",),
            parent="pt_national",
        ),
        measured(
            code="pt_identity_papers",
            number="5.2.1",
            vi="Trong đó: hỗ trợ giấy tờ tùy thân",
            en="Of which: identity papers",
            unit="luot",
            measure=person_times(
                Q(_cat="legal", service_type__in=types_where(subline="identity_papers")), "papers"
            ),
            breakdowns=PERSON_DIMS,
            parent="pt_legal",
        ),
        measured(
            code="pt_health",
            number="5.3",
            vi="Hỗ trợ y tế, chăm sóc sức khỏe, phòng chống lây nhiễm HIV/STI",
            en="Health care and HIV/STI prevention",
            unit="luot",
            measure=person_times(Q(_cat="health"), "health"),
            breakdowns=PERSON_DIMS + ("service_type",),
            parent="pt_national",
        ),
        *_health_type_lines(),
    ]


def _health_type_lines() -> list[Indicator]:
    """A sub-line ("Of which") of health care per health service type."""
    lines: list[Indicator] = []
    health_types = [t for t in SERVICE_TYPES.values() if t.category == "health"]
    for i, st in enumerate(health_types, start=1):
        with translation.override("vi"):
            vi = str(st.label)
        with translation.override("en"):
            en = str(st.label)
        lines.append(
            measured(
                code=f"pt_health_{st.code}",
                number=f"5.3.{i}",
                vi=f"Trong đó: {vi}",
                en=f"Of which: {en}",
                unit="luot",
                measure=person_times(Q(_cat="health", service_type=st.code), f"health:{st.code}"),
                breakdowns=PERSON_DIMS,
                parent="pt_health",
            )
        )
    return lines


def _other_support_lines() -> list[Indicator]:
    """Person-times of psychological and protection support, and of every category."""
    return [
        measured(
            code="pt_psych",
            number="6",
            vi="Số lượt người được tư vấn tâm lý",
            en="Person-times of psychological counselling",
            unit="luot",
            measure=person_times(Q(_cat="psych"), "psych"),
            breakdowns=PERSON_DIMS,
        ),
        measured(
            code="pt_protection",
            number="7",
            vi="Số lượt người được hỗ trợ bảo vệ, phòng chống bạo lực",
            en="Person-times of violence protection",
            unit="luot",
            measure=person_times(Q(_cat="protection"), "protection"),
            breakdowns=PERSON_DIMS + ("service_type",),
        ),
        measured(
            code="pt_all",
            number="8",
            vi="Tổng số lượt người được hỗ trợ (mọi nhóm dịch vụ)",
            en="Total person-times supported (all categories)",
            unit="luot",
            measure=person_times(Q(), "all"),
            breakdowns=PERSON_DIMS + TREND + ("category",),
        ),
    ]


def _referral_lines() -> list[Indicator]:
    """Referrals: made, accepted, completed, and their rate and median delay."""
    return [
        measured(
            code="referrals_made",
            number="9",
            vi="Số lượt chuyển gửi",
            en="Referrals made",
            unit="luot",
            measure=REFERRALS_MADE,
            breakdowns=PERSON_DIMS + TREND + ("referral_status",),
        ),
        measured(
            code="referrals_accepted",
            number="9.1",
            vi="Trong đó: được cơ sở tiếp nhận",
            en="Of which: accepted by the provider",
            unit="luot",
            measure=REFERRALS_ACCEPTED,
            breakdowns=PERSON_DIMS,
            parent="referrals_made",
        ),
        measured(
            code="referrals_completed",
            number="9.2",
            vi="Trong đó: hoàn thành (đã nhận dịch vụ)",
            en="Of which: completed (service received)",
            unit="luot",
            measure=REFERRALS_COMPLETED,
            breakdowns=PERSON_DIMS + TREND,
            parent="referrals_made",
        ),
        Indicator(
            code="referral_completion_rate",
            number="9.3",
            label_vi="Tỷ lệ chuyển gửi thành công",
            label_en="Referral completion rate",
            unit="pct",
            compute=_completion_rate,
            depends_on=("referrals_made", "referrals_completed"),
            source="referral",
            parent="referrals_made",
        ),
        Indicator(
            code="referral_median_days",
            number="9.4",
            label_vi="Trung vị số ngày từ chuyển gửi đến khi nhận dịch vụ",
            label_en="Median days from referral to service",
            unit="ngay",
            compute=_median_days,
            depends_on=("referrals_completed",),
            source="referral",
            parent="referrals_made",
        ),
    ]


def _distribution_lines() -> list[Indicator]:
    """Materials and commodities handed out."""
    return [
        measured(
            code="materials_distributed",
            number="10",
            vi="Số tài liệu truyền thông được cấp phát",
            en="Materials distributed",
            unit="ban",
            measure=Measure("distribution", "sum", "quantity", Q(item_kind="material"), "material"),
            breakdowns=("theme",) + TREND,
        ),
        measured(
            code="condoms_distributed",
            number="11",
            vi="Số bao cao su được cấp phát",
            en="Condoms distributed",
            unit="chiec",
            measure=Measure("distribution", "sum", "quantity", Q(item_kind="condom"), "condom"),
            breakdowns=TREND,
        ),
        measured(
            code="lubricant_distributed",
            number="12",
            vi="Số gói chất bôi trơn được cấp phát",
            en="Lubricant sachets distributed",
            unit="goi",
            measure=Measure(
                "distribution", "sum", "quantity", Q(item_kind="lubricant"), "lubricant"
            ),
            breakdowns=TREND,
        ),
        measured(
            code="needles_distributed",
            number="12",
            vi="Số bơm kim tiêm được cấp phát",
            en="Needles and syringes distributed",
            unit="chiec",
            measure=Measure(
                "distribution", "sum", "quantity", Q(item_kind="needle_syringe"), "needle"
            ),
            breakdowns=TREND,
        ),
    ]


def _group_lines() -> list[Indicator]:
    """Activities held, their participants, the peer groups and their members."""
    return [
        measured(
            code="activities_held",
            number="13",
            vi="Số buổi hoạt động được tổ chức",
            en="Activities held",
            unit="buoi",
            measure=Measure("activity", "count"),
            breakdowns=("activity_kind",) + TREND,
        ),
        measured(
            code="activity_participants",
            number="14",
            vi="Số lượt người tham gia hoạt động",
            en="Activity participants",
            unit="luot",
            measure=Measure("participants", "sum", "count"),
            breakdowns=("participant_kind", "activity_kind_of_participants") + TREND,
        ),
        measured(
            code="peer_groups",
            number="15",
            vi="Số nhóm đồng đẳng, nhóm tự lực, câu lạc bộ",
            en="Peer groups, self-help groups and clubs",
            unit="nhom",
            measure=Measure("group", "count", where=Q(active=True), where_key="active"),
        ),
        measured(
            code="members",
            number="16",
            vi="Số thành viên nhóm (nòng cốt và mạng lưới)",
            en="Group members (core and network)",
            unit="nguoi",
            measure=Measure("member", "count"),
            breakdowns=("member_role",),
        ),
        measured(
            code="members_core",
            number="16.1",
            vi="Trong đó: thành viên nòng cốt",
            en="Of which: core members",
            unit="nguoi",
            measure=Measure("member", "count", where=Q(role="core"), where_key="core"),
            parent="members",
        ),
        measured(
            code="members_network",
            number="16.2",
            vi="Trong đó: thành viên mạng lưới",
            en="Of which: network members",
            unit="nguoi",
            measure=Measure("member", "count", where=Q(role="network"), where_key="network"),
            parent="members",
        ),
    ]


def _safety_lines() -> list[Indicator]:
    """Hotline calls, incidents of violence and the protection they led to."""
    return [
        measured(
            code="hotline_calls",
            number="17",
            vi="Số cuộc gọi đường dây nóng",
            en="Hotline calls",
            unit="cuoc",
            measure=Measure("hotline", "count"),
            breakdowns=("call_topic", "call_urgency") + TREND,
        ),
        measured(
            code="incidents",
            number="18",
            vi="Số vụ bạo lực được ghi nhận",
            en="Violence incidents recorded",
            unit="vu",
            measure=INCIDENTS,
            # An incident of two violence types counts under each: the violence-type
            # columns may add up to more than the total (like population groups).
            breakdowns=("violence_type", "perpetrator") + TREND,
        ),
        measured(
            code="incidents_protection",
            number="18.1",
            vi="Trong đó: có chuyển gửi bảo vệ",
            en="Of which: with a protection referral",
            unit="vu",
            measure=INCIDENTS_PROTECTED,
            parent="incidents",
        ),
        Indicator(
            code="incidents_protection_share",
            number="18.2",
            label_vi="Tỷ lệ vụ bạo lực có chuyển gửi bảo vệ",
            label_en="Share of incidents with a protection referral",
            unit="pct",
            compute=_share_with_protection,
            depends_on=("incidents", "incidents_protection"),
            source="incident",
            parent="incidents",
        ),
    ]


def _protection_lines() -> list[Indicator]:
    """Safety alerts issued and minors flagged for child protection."""
    return [
        measured(
            code="safety_alerts",
            number="19",
            vi="Số cảnh báo an toàn được phát hành",
            en="Safety alerts issued",
            unit="ban",
            measure=Measure("alert", "count"),
        ),
        measured(
            code="minors_flagged",
            number="20",
            vi="Số người dưới 18 tuổi được phát hiện (chuyển gửi bảo vệ trẻ em)",
            en="Minors flagged for child protection",
            unit="nguoi",
            # Under 18 in the year of registration, measured from the record itself (not from
            # a flag that only the registration form sets), so clients entered any way count.
            measure=Measure(
                "client",
                "count",
                where=Q(birth_year__gt=ExtractYear("registered_on") - 18),
                where_key="minor",
            ),
            breakdowns=("sex",),
        ),
    ]


def build() -> list[Indicator]:
    """The catalogue's lines in report order (reports.indicators numbers them)."""
    return [
        *_reach_lines(),
        *_national_support_lines(),
        *_other_support_lines(),
        *_referral_lines(),
        *_distribution_lines(),
        *_group_lines(),
        *_safety_lines(),
        *_protection_lines(),
    ]
