"""Issue a one-time two-factor enrolment code from a shell.

For the first administrator (no one can yet issue it on the users page) and for anyone
who manages accounts from the server. The code is printed once; only its hash is kept.
The audit entry names the system as the actor."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import enrolment_code_issue


class Command(BaseCommand):
    help = "Issue a one-time two-factor enrolment code for USERNAME and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError("No active account has this username.")
        code = enrolment_code_issue(actor=None, user=user)
        self.stdout.write(code)
