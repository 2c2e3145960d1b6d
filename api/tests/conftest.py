"""API fixtures: the outreach stock and client of outreach's tests, and a JSON client."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client as HttpClient

from outreach.tests.conftest import stocked

__all__ = ["stocked"]

CONTACTS = "/api/v1/outreach/contacts"


class Api:
    """A Django test client speaking JSON."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def get(self, path: str, **params: Any) -> Any:
        return self.http.get(path, params, HTTP_ACCEPT="application/json")

    def post(self, path: str, body: Any, **extra: Any) -> Any:
        return self.http.post(
            path, json.dumps(body, default=str), content_type="application/json", **extra
        )


@pytest.fixture
def api_as(as_user: Any) -> Any:
    """api_as(user) → a JSON client logged in as that user (two-factor passed)."""
    return lambda user: Api(as_user(user))
