"""`manage.py reports_rebuild_aggregates`: refill the report aggregate tables from the
raw rows (one INSERT … SELECT … GROUP BY each, in one transaction) and reinstall their
triggers. For a database filled behind the triggers' back (the scale benchmark's
generator), after restoring a table, or after a service type changed category in the
taxonomy. Reports stay correct meanwhile: they see the old rows or the new."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from reports.aggregates import rebuild


class Command(BaseCommand):
    help = "Refill the report aggregate tables from the raw rows and reinstall their triggers."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        counts = rebuild()
        for table, rows in counts.items():
            self.stdout.write(f"{table}: {rows} rows")
        self.stdout.write(f"rebuilt in {time.monotonic() - started:.1f} s")
