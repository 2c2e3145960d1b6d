from pathlib import Path

from django.core.management.base import CommandError

from portal.backup import restore_check
from portal.management.backup_command import BackupDirCommand


class Command(BackupDirCommand):
    help = (
        "Prove that the database this configuration points to is a faithful restore of the "
        "backup in DIR: identical row counts, audit log intact with the same head, and the "
        "keys provided open stored encrypted values. Exits non-zero naming each problem."
    )
    # It reports a wrong or missing key itself, with the rest of what it compares (the
    # start-up key check would stop it before it could say what else differs).
    requires_system_checks: list[str] = []

    def run(self, source: Path) -> None:
        report = restore_check(source)
        for note in report.notes:
            self.stdout.write(f"ok: {note}")
        if not report.ok:
            raise CommandError(
                "The restore does not match the backup:\n"
                + "\n".join(f"- {problem}" for problem in report.problems)
            )
        self.stdout.write("Restore check passed.")
