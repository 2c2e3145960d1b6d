"""The first administrator of a new installation (later ones are created in the app)."""

from __future__ import annotations

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import Role, User
from accounts.services import grant_add, user_create


class Command(BaseCommand):
    help = (
        "Create an administrator (the national 'admin' role). The password is asked for "
        "twice, or read from CAUNOI_ADMIN_PASSWORD for unattended installs. Two-step "
        "verification is set up at the first login."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--full-name", default="")

    def handle(self, *args: object, **options: object) -> None:
        username = str(options["username"])
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username} already exists.")
        password = os.environ.get("CAUNOI_ADMIN_PASSWORD") or self._ask_password()
        candidate = User(username=username, full_name=str(options["full_name"]))
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        with transaction.atomic():
            user = user_create(
                actor=None,
                username=username,
                password=password,
                full_name=str(options["full_name"]),
            )
            grant_add(actor=None, user=user, role=Role.ADMINISTRATOR)
        self.stdout.write(f"Administrator {username} created. Log in to set up two-step.")

    def _ask_password(self) -> str:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
