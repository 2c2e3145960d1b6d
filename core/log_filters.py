"""Logging filters. Referral codes never travel in a URL path since slips encode them in
the fragment (referrals.views._scan_url); slips printed before that still point to
/referrals/r/<code>/, and a scan of one must not leave the code in a log line."""

from __future__ import annotations

import logging
import re

_OLD_SLIP_PATH = re.compile(r"/referrals/r/[^/\s\"'?#]+")


class RedactReferralCodes(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _OLD_SLIP_PATH.sub("/referrals/r/[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
