from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        # home registers the admin panel and the Users menu; signals audits logins,
        # failed logins and lockouts.
        from . import home, signals  # noqa: F401
