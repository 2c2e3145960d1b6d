"""Create the keys of a new deployment, or verify an existing deployment's keys and record
its key check value. The only place keys are ever generated."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.crypto import KeyUnavailable
from core.keys import init_keys


class Command(BaseCommand):
    help = (
        "Create missing keys for a new, empty database (secret key, master key, blind index "
        "key); verify the keys of a database that holds encrypted data and record its key "
        "check value. Never creates a key for a database that already holds encrypted data."
    )
    requires_system_checks: list[str] = []  # it fixes what the key check reports

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = init_keys()
        except KeyUnavailable as exc:
            raise CommandError(str(exc)) from exc
        for path in report.created:
            self.stdout.write(f"created {path} (back it up, apart from the database)")
        if report.recorded:
            self.stdout.write("recorded the key check value in the database")
        elif report.checked:
            self.stdout.write("keys match the database")
        elif not report.created:
            self.stdout.write("keys present; run migrate, then keys_init again")
