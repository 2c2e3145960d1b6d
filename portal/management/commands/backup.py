from pathlib import Path

from portal.backup import backup
from portal.management.backup_command import BackupDirCommand


class Command(BackupDirCommand):
    help = (
        "Write a consistent database dump and manifest.json (row counts, audit head, key "
        "check values; never the keys) into DIR, a new or empty directory."
    )

    def run(self, target: Path) -> None:
        manifest = backup(target)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backup written to {target}: {manifest['dump']['file']} and manifest.json "
            f"({len(manifest['tables'])} tables, {rows} rows, "
            f"{manifest['audit_head']['count']} audit entries). "
            "The keys are not in it: keep their backups apart (docs/deploy.md, 'Keys')."
        )
