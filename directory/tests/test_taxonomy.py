from __future__ import annotations

from directory.taxonomy import CATEGORIES, SERVICE_TYPES, category_of


def test_it_maps_every_type_to_a_known_category() -> None:
    for code, stype in SERVICE_TYPES.items():
        assert stype.code == code
        assert stype.category in CATEGORIES


def test_it_has_the_three_national_lines_and_two_more() -> None:
    lines = {c.code: c.national_line for c in CATEGORIES.values()}
    assert lines == {"education": 1, "legal": 2, "health": 3, "psych": None, "protection": None}


def test_it_puts_sublines_inside_their_category() -> None:
    assert category_of("loan") == "education" and SERVICE_TYPES["loan"].subline == "loan"
    assert category_of("identity_papers") == "legal"
    assert SERVICE_TYPES["identity_papers"].subline == "identity_papers"
    for code in (
        "gyn_exam",
        "sti_test_treatment",
        "hiv_test",
        "prep",
        "art",
        "methadone",
        "hepatitis_screening",
        "health_insurance",
    ):
        assert category_of(code) == "health"
    assert category_of("emergency_shelter") == "protection"
    assert category_of("safety_planning") == "protection"
    assert category_of("psych_counselling") == "psych"


def test_it_has_child_protection_beside_the_national_lines() -> None:
    from django.utils import translation

    from directory.taxonomy import CHILD_PROTECTION, category_choices, service_type_choices

    assert CHILD_PROTECTION == "child_protection"
    assert category_of(CHILD_PROTECTION) == "protection"
    assert CATEGORIES["protection"].national_line is None  # reported beside lines 1–3
    assert [c for c, _ in category_choices()] == [
        "education",
        "legal",
        "health",
        "psych",
        "protection",
    ]
    assert CHILD_PROTECTION in dict(service_type_choices())
    with translation.override("vi"):
        assert str(SERVICE_TYPES[CHILD_PROTECTION].label) == "Bảo vệ trẻ em"
    with translation.override("en"):
        assert str(SERVICE_TYPES[CHILD_PROTECTION].label) == "Child protection"


def test_it_has_a_demo_provider_of_child_protection() -> None:
    from directory.demo import LOCATIONS, SERVICES
    from directory.taxonomy import CHILD_PROTECTION
    from programs.demo import ORGS

    offered = [s for s in SERVICES if s[3] == CHILD_PROTECTION]
    assert offered, "the demo directory offers child protection"
    org_keys = {o[0] for o in ORGS}
    location_keys = {loc[1] for loc in LOCATIONS}
    for _key, org_key, loc_keys, *_rest in offered:
        assert org_key in org_keys and set(loc_keys) <= location_keys
