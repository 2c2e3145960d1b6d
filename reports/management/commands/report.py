"""`manage.py report`: the same report as the page, for scripts and scheduled exports.

Run without --as-user, it is the system operator's report (someone with shell access
to the server, who can read the database anyway): the whole country, exact unless
--suppress is given. With --as-user USERNAME it is exactly that user's report: their
scope, and the disclosure control of docs/disclosure-control.md (counts of people
adjusted by the cell key method) when they are a manager or provider staff. Every run
is audited (action "export")."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import translation

from accounts.models import User
from reports import queries
from reports.dhis2 import ReportAreaError
from reports.exports import render
from reports.periods import PeriodError, default_period, parse_period
from reports.report import build_report
from reports.services import report_export

FORMATS = ["json", "csv", "xlsx", "pdf", "dhis2", "adx"]


class Command(BaseCommand):
    help = "Build the indicator report for a period and area and write it in a format."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--period",
            help="'Tháng 3/2026', 'Quý III/2026', '6 tháng đầu năm 2026', '2026', "
            "'01/01/2026 - 31/08/2026' or the codes 2026-03, 2026-Q3, 2026-H1, 2026-9M, "
            "2026-01-01..2026-08-31",
        )
        parser.add_argument(
            "--area",
            default="",
            help="'VN' or empty: the whole country; 2 digits: a province; 5: a commune",
        )
        parser.add_argument("--model", type=int, help="support model id")
        parser.add_argument("--group", type=int, help="peer group id")
        parser.add_argument("--provider", type=int, help="provider organisation id")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", help="file to write (default: standard output)")
        parser.add_argument("--as-user", help="build the report as this user would see it")
        parser.add_argument(
            "--suppress", action="store_true", help="adjust counts of people, as for managers"
        )
        parser.add_argument("--language", default="vi", choices=["vi", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate(options["language"])
        try:
            period = parse_period(options["period"]) if options["period"] else default_period()
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        area = (options["area"] or "").strip().upper()
        filters: dict[str, Any] = {
            "period": period,
            "province": None,
            "commune": None,
            "support_model": options["model"],
            "peer_group": options["group"],
            "provider": options["provider"],
        }
        if area in {"", "VN", "NATION", "NATIONAL"}:
            pass
        elif area.isdigit() and len(area) <= 2:
            filters["province"] = area.zfill(2)
        elif area.isdigit() and len(area) <= 5:
            filters["commune"] = area.zfill(5)
        else:
            raise CommandError("--area: give VN, a province code (2 digits) or a commune code.")
        actor = None
        try:
            if options["as_user"]:
                actor = User.objects.filter(username=options["as_user"], is_active=True).first()
                if actor is None:
                    raise CommandError("No active user with that username.")
                ctx = queries.report_context(actor, **filters)
            else:
                ctx = queries.system_context(suppress=options["suppress"], **filters)
        except Http404 as exc:
            raise CommandError(
                "Nothing to report: the area, model, group or provider does not exist or is "
                "outside this user's scope."
            ) from exc
        report = build_report(ctx)
        try:
            body = render(report, options["format"])
        except (PeriodError, ReportAreaError) as exc:
            raise CommandError(str(exc)) from exc
        report_export(actor=actor, ctx=ctx, fmt=options["format"], indicators=len(report.lines))
        if options["output"]:
            with open(options["output"], "wb") as handle:
                handle.write(body)
        else:
            sys.stdout.buffer.write(body)
            sys.stdout.flush()
