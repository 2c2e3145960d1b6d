"""What a Vietnamese mobile number looks like inside free text: the one pattern the
plaintext scan of the database (core.management.commands.scan_plaintext) and the
leak scan of the test suite's logs (conftest.py) both search for.

A number counts only as a whole token: digits inside a longer run of letters and
digits (a task id, a UUID, a hash in hex) are not a phone, whatever they spell."""

from __future__ import annotations

import re

# With or without +84; spaces, dots or dashes allowed between the digits.
PHONE = re.compile(r"(?<![0-9A-Za-z])(?:\+?84|0)[35789](?:[ .\-]?\d){8}(?![0-9A-Za-z])")
