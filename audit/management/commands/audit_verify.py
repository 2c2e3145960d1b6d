from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit non-zero naming the first broken entry."

    def handle(self, *args: object, **options: object) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"Audit log broken at entry {result.broken_entry_id}: {result.problem} "
                f"({result.checked} entries verified before it)"
            )
        self.stdout.write(f"Audit log intact: {result.checked} entries verified.")
