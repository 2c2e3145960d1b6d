"""A scan of a slip printed before codes left the URL leaves no code in a log line."""

from __future__ import annotations

import logging

from django.conf import settings

from core.log_filters import RedactReferralCodes


def test_it_redacts_old_slip_paths_in_request_lines() -> None:
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /referrals/r/AB12CD34/ HTTP/1.1", "404", "179"),
        None,
    )
    assert RedactReferralCodes().filter(record)
    assert "AB12CD34" not in record.getMessage()
    assert "/referrals/r/[redacted]" in record.getMessage()


def test_it_leaves_other_lines_alone() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "GET %s", ("/referrals/inbox/",), None
    )
    RedactReferralCodes().filter(record)
    assert record.getMessage() == "GET /referrals/inbox/"


def test_the_console_handler_and_runserver_lines_go_through_it() -> None:
    assert "redact_codes" in settings.LOGGING["handlers"]["console"]["filters"]
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["console"]
