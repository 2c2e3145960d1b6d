"""Fixtures more than one app's tests use, registered by the root conftest.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from clients.models import Client

from .factories import make_client


@pytest.fixture
def client_a(world: SimpleNamespace) -> Client:
    """A client of the home peer group."""
    return make_client(world, "HH2K7Q")


@pytest.fixture
def client_other_group(world: SimpleNamespace) -> Client:
    """A client of the other peer group of the same model."""
    return make_client(world, "CP9X3M", group=world.other_group)
