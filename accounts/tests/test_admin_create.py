"""The first administrator is created by a command, audited, with the admin grant."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Grant, Role, User
from audit.models import AuditEntry


def test_it_creates_an_administrator_with_an_audited_grant(db, monkeypatch):
    monkeypatch.setenv("CAUNOI_ADMIN_PASSWORD", "Long-enough-pass-2026")
    call_command("admin_create", "quantri1", "--full-name", "Quản trị")
    user = User.objects.get(username="quantri1")
    assert user.check_password("Long-enough-pass-2026")
    assert Grant.objects.filter(user=user, role=Role.ADMINISTRATOR).exists()
    assert user.needs_two_factor
    assert AuditEntry.objects.filter(action="create").count() == 2  # the user and the grant


def test_it_refuses_a_weak_password_and_an_existing_name(db, monkeypatch):
    monkeypatch.setenv("CAUNOI_ADMIN_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("admin_create", "quantri2")
    assert not User.objects.filter(username="quantri2").exists()
    monkeypatch.setenv("CAUNOI_ADMIN_PASSWORD", "Long-enough-pass-2026")
    call_command("admin_create", "quantri2")
    with pytest.raises(CommandError, match="already exists"):
        call_command("admin_create", "quantri2")
