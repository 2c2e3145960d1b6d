from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent database dump and manifest.json (row counts, audit head, key "
        "check values; never the keys) into DIR, a new or empty directory."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        target = options["dir"]
        assert isinstance(target, Path)
        try:
            manifest = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backup written to {target}: {manifest['dump']['file']} and manifest.json "
            f"({len(manifest['tables'])} tables, {rows} rows, "
            f"{manifest['audit_head']['count']} audit entries). "
            "The keys are not in it: keep their backups apart (docs/deploy.md, 'Keys')."
        )
