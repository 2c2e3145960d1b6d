"""Rotate the master key: new version, every live data key re-wrapped, old versions
destroyed. Makes erasure final for copies in dead rows, the WAL and backups."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.crypto import KeyUnavailable
from core.keys import erasure_pending, rotate_master_key


class Command(BaseCommand):
    help = (
        "Create a new master key version, re-wrap every live data key under it and destroy "
        "the old versions. --if-erasures: only when something was erased since the last "
        "rotation (what the daily task does)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-erasures", action="store_true")
        parser.add_argument(
            "--grace", type=int, default=None, help="seconds before the last re-wrap pass"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_erasures"] and not erasure_pending():
            self.stdout.write("no erasure since the last rotation: nothing to do")
            return
        try:
            report = rotate_master_key(grace_seconds=options["grace"])
        except KeyUnavailable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"master key version {report.new_version}; {report.rewrapped} data keys re-wrapped; "
            f"destroyed versions {', '.join(map(str, report.destroyed)) or '-'}"
            + (f"; {report.unreadable} unreadable data keys left" if report.unreadable else "")
        )
        self.stdout.write("back up the key file now, replacing the previous copy")
