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
