from django.core.management.base import BaseCommand

from core.demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_BASE32


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, label in DEMO_LOGINS:
            self.stdout.write(f"  {username:<16} {label}")
        self.stdout.write(
            "Two-factor demo key (base32) for the (2FA) logins: "
            f"{DEMO_TOTP_BASE32}\n  current code: .venv/bin/python manage.py demo_totp"
        )
