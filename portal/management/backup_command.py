"""What the backup and restore-check commands share: one directory argument, and a
BackupError said as the command's error."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.backup import BackupError


class BackupDirCommand(BaseCommand):
    """A command on a backup directory DIR: `run` does the work."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        directory = options["dir"]
        assert isinstance(directory, Path)
        try:
            self.run(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc

    def run(self, directory: Path) -> None:
        raise NotImplementedError
