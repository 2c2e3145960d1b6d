"""The request type of pages behind `login_required`, for the type checker: its user is a
signed-in `User`, so views hand `request.user` to services taking `actor: User`."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthedRequest(HttpRequest):
    user: User
