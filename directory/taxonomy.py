"""The one service taxonomy, in code.

Every service type maps to exactly one report category. The first three categories are
the national reporting lines (1 education/vocational guidance/training/loans/jobs,
2 legal counselling and aid, 3 health care and HIV/STI prevention); psychological
counselling and violence protection are reported beside them. A few types are also
counted on a sub-line of their category (loans within education, identity papers within
legal). To add a type: add it to SERVICE_TYPES below. Models take their choices from the
callables here, so no migration is needed."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Category:
    code: str
    label: str | Promise
    national_line: int | None  # 1, 2, 3 for the national reporting lines
    order: int


@dataclass(frozen=True)
class ServiceType:
    code: str
    label: str | Promise
    category: str
    subline: str = ""  # e.g. "loan", "identity_papers": counted on a sub-line too


CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in [
        Category("education", _("Education, vocational guidance and training, loans, jobs"), 1, 1),
        Category("legal", _("Legal counselling and aid"), 2, 2),
        Category("health", _("Health care and HIV/STI prevention"), 3, 3),
        Category("psych", _("Psychological counselling"), None, 4),
        Category("protection", _("Violence protection"), None, 5),
    ]
}

# The service type a client under 18 must be referred to.
CHILD_PROTECTION = "child_protection"

SUBLINES: dict[str, str | Promise] = {
    "loan": _("Loans"),
    "identity_papers": _("Identity papers"),
}

SERVICE_TYPES: dict[str, ServiceType] = {
    t.code: t
    for t in [
        # Health care and HIV/STI prevention (national line 3)
        ServiceType("gyn_exam", _("Gynaecological examination"), "health"),
        ServiceType("sti_test_treatment", _("STI test and treatment"), "health"),
        ServiceType("hiv_test", _("HIV test"), "health"),
        ServiceType("prep", _("PrEP"), "health"),
        ServiceType("art", _("ART (HIV treatment)"), "health"),
        ServiceType("methadone", _("Methadone"), "health"),
        ServiceType("hepatitis_screening", _("Hepatitis B/C screening"), "health"),
        ServiceType("health_insurance", _("Health insurance card"), "health"),
        ServiceType("reproductive_health_check", _("Reproductive-health check"), "health"),
        ServiceType("general_health_check", _("General health check"), "health"),
        # Legal counselling and aid (national line 2)
        ServiceType("legal_advice", _("Legal advice"), "legal"),
        ServiceType("legal_aid", _("Legal aid and representation"), "legal"),
        ServiceType("identity_papers", _("Identity papers"), "legal", subline="identity_papers"),
        # Education, vocational guidance and training, loans, jobs (national line 1)
        ServiceType("vocational_guidance", _("Vocational guidance"), "education"),
        ServiceType("vocational_training", _("Vocational training"), "education"),
        ServiceType("job_placement", _("Job placement"), "education"),
        ServiceType("loan", _("Loan"), "education", subline="loan"),
        ServiceType("education_support", _("Education support"), "education"),
        # Psychological counselling
        ServiceType("psych_counselling", _("Psychological counselling"), "psych"),
        # Violence protection
        ServiceType("emergency_shelter", _("Emergency shelter"), "protection"),
        ServiceType("safety_planning", _("Safety planning"), "protection"),
        ServiceType("violence_support", _("Support after violence"), "protection"),
        # Required for every client under 18 (clients.queries.minors_awaiting_child_protection).
        ServiceType(CHILD_PROTECTION, _("Child protection"), "protection"),
    ]
}


def category_of(service_type_code: str) -> str:
    """The report category code of a service type (KeyError for an unknown type)."""
    return SERVICE_TYPES[service_type_code].category


def service_type_choices() -> list[tuple[str, str | Promise]]:
    return [(t.code, t.label) for t in SERVICE_TYPES.values()]


def category_choices() -> list[tuple[str, str | Promise]]:
    return [(c.code, c.label) for c in sorted(CATEGORIES.values(), key=lambda c: c.order)]


def grouped_service_type_choices() -> list[tuple[str | Promise, list[tuple[str, str | Promise]]]]:
    """Choices grouped by category, for <select> optgroups."""
    groups = []
    for cat in sorted(CATEGORIES.values(), key=lambda c: c.order):
        items = [(t.code, t.label) for t in SERVICE_TYPES.values() if t.category == cat.code]
        groups.append((cat.label, items))
    return groups
