from django.core.management.base import BaseCommand, CommandError, CommandParser

from geo.queries import resolve_legacy_commune


class Command(BaseCommand):
    help = "Show the new commune(s) a pre-1 July 2025 commune code became."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")

    def handle(self, *args: object, **options: object) -> None:
        results = resolve_legacy_commune(str(options["code"]))
        if not results:
            raise CommandError(f"Unknown pre-reform commune code: {options['code']}")
        for commune, note in results:
            self.stdout.write(f"{commune.code}\t{commune}\t{note}")
