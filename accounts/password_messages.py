"""Vietnamese for Django's "password too short" message.

Django 5.2 writes it with ``%d``, but its Vietnamese catalogue still holds the older
``%(min_length)d`` wording, so an administrator setting a short password saw English.
Listing the message here puts it in this app's catalogue, which the merged catalogue serves
to ``django.contrib.auth.password_validation``. The strings must stay exactly as Django
writes them; nothing imports this module."""

from __future__ import annotations

from django.utils.translation import ngettext_lazy

MESSAGES = [
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
]
