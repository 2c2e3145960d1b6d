from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from accounts.models import User
from core.demo import DemoContext
from core.registry import DEMO_LOADERS
from geo.loader import load_areas


class Command(BaseCommand):
    help = (
        "Load the demo data once (running it again changes nothing). "
        "--scale N multiplies client-level records, for benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1)

    def handle(self, *args: object, **options: object) -> None:
        result = load_areas()
        self.stdout.write(
            f"Areas: {result.provinces} provinces, {result.communes} communes, "
            f"{result.legacy_communes} pre-reform communes, {result.conversions} conversions."
        )
        if User.objects.filter(username="quantri").exists():
            self.stdout.write("Demo data already loaded: nothing changed.")
            return
        ctx = DemoContext(scale=int(str(options["scale"])))
        with transaction.atomic():
            for loader in DEMO_LOADERS:
                loader.load(ctx)
                self.stdout.write(f"Demo data: {loader.name} loaded.")
        for line in ctx.log:
            self.stdout.write(line)
