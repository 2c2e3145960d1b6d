"""Scan every text column of every table for phone numbers stored in plaintext.

Client and establishment-owner phones must exist only encrypted. Operators can run this
after an import; the test suite runs it on the demo data. Exits non-zero on a hit,
naming table and column only (never the value)."""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.phones import PHONE

# Hashes, blind indexes and UUIDs are hex: digit runs inside them are not phones.
HEX_OR_UUID = re.compile(r"[0-9a-fA-F\-]{16,}")
# Directory phones of organisations are public by design.
PUBLIC_COLUMNS = {
    ("programs_organisation", "phone"),
    ("directory_service", "phone"),
    ("directory_location", "phone"),
    ("accounts_user", "phone"),
}


def find_plaintext_phones() -> list[tuple[str, str, int]]:
    hits: list[tuple[str, str, int]] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            description = connection.introspection.get_table_description(cursor, table)
            columns = [c.name for c in description]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts: dict[str, int] = {}
            for row in cursor.fetchall():
                for column, value in zip(columns, row):
                    if (table, column) in PUBLIC_COLUMNS:
                        continue
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "ignore")
                    if (
                        isinstance(value, str)
                        and not HEX_OR_UUID.fullmatch(value)
                        and PHONE.search(value)
                    ):
                        counts[column] = counts.get(column, 0) + 1
            hits.extend((table, column, n) for column, n in counts.items())
    return hits


class Command(BaseCommand):
    help = "Fail if any table holds a phone number in plaintext (client data must be encrypted)."

    def handle(self, *args: object, **options: object) -> None:
        hits = find_plaintext_phones()
        if hits:
            for table, column, n in hits:
                self.stderr.write(f"{table}.{column}: {n} row(s) with a phone number")
            raise CommandError("Plaintext phone numbers found.")
        self.stdout.write("No plaintext phone numbers found.")
