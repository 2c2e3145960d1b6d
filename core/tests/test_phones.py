"""The phone pattern both leak scans search for (core.phones.PHONE)."""

import pytest

from core.phones import PHONE


@pytest.mark.parametrize(
    "line",
    [
        "sdt 0912345678 hôm nay",
        "phone=+84912345678",
        "84 912 345 678".replace(" ", "") + " called",
        "0912.345.678",
        "0912-345-678",
        "(0387654321)",
        "'0516218929'",
    ],
)
def test_a_phone_as_a_token_is_found(line: str) -> None:
    assert PHONE.search(line)


@pytest.mark.parametrize(
    "line",
    [
        # A django-q task id: the CI run of 2026-12-02 failed on this line.
        "django-q DEBUG Pushed ('robin-vegan-georgia-helium', '0516218929e342628a25b844bc144bbf')",
        "key ab0912345678cd",
        "uuid 8b0c1d2e-0912-3456-7890-0912345678ab",
        "took 0.912345678 s",
        "091234567",  # nine digits
        "09123456789",  # eleven
        "0212345678",  # not a mobile prefix
    ],
)
def test_digits_inside_a_longer_token_are_not_a_phone(line: str) -> None:
    assert not PHONE.search(line)
