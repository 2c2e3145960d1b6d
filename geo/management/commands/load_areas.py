from django.core.management.base import BaseCommand

from geo.loader import load_areas


class Command(BaseCommand):
    help = "Load provinces, communes, pre-reform communes and the 2025 conversion table."

    def handle(self, *args: object, **options: object) -> None:
        result = load_areas()
        self.stdout.write(
            f"{result.provinces} provinces, {result.communes} communes, "
            f"{result.legacy_communes} pre-reform communes, {result.conversions} conversions"
        )
