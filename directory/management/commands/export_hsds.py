"""manage.py export_hsds DIR: write the directory as Open Referral HSDS 3.0 JSON, one file
per organisation (confidential addresses redacted)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from directory.hsds import organisation_object, organisations_to_export


class Command(BaseCommand):
    help = "Export the service directory as HSDS 3.0 JSON (one file per organisation)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", help="Output folder (created if missing).")
        parser.add_argument(
            "--language",
            choices=["vi", "en"],
            default="vi",
            help="Language of the labels the system writes (service types, costs, notes).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["directory"])
        out.mkdir(parents=True, exist_ok=True)
        count = 0
        for organisation in organisations_to_export():
            with translation.override(options["language"]):
                data = organisation_object(organisation)
            path = out / f"organization-{data['id']}.json"
            path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
            count += 1
        self.stdout.write(f"Wrote {count} organisation file(s) to {out}")
