"""System check run by every management command that checks (runserver, migrate, check,
qcluster, demo_data …) and by the WSGI start (config/wsgi.py): refuse to serve a database
with a missing, malformed or wrong key (core.keys.key_problems)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Warning, register


@register("caunoi_keys")
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from .keys import key_problems

    messages: list[CheckMessage] = []
    for problem in key_problems():
        kind = Error if problem.fatal else Warning
        messages.append(kind(problem.message, hint=problem.hint, id=problem.id))
    return messages
