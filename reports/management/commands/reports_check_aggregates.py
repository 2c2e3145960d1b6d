"""`manage.py reports_check_aggregates`: recount the report aggregate tables from the
raw rows and compare. Exit status 1, naming each table that differs, on any
difference; 0 when every row agrees. Read-only."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from reports.aggregates import differences


class Command(BaseCommand):
    help = "Compare the report aggregate tables with a recount from the raw rows."

    def handle(self, *args: Any, **options: Any) -> None:
        found = differences()
        for table, (missing, extra) in found.items():
            self.stdout.write(
                f"{table}: {missing} rows missing or different, {extra} rows not in the recount"
            )
        if found:
            self.stdout.write(
                "the aggregates differ from the raw rows: run reports_rebuild_aggregates"
            )
            sys.exit(1)
        self.stdout.write("the aggregates equal a recount of the raw rows")
