from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from core.management.commands.scan_plaintext import find_plaintext_phones
from programs.models import Membership


def test_it_finds_nothing_in_a_clean_database(world):
    assert find_plaintext_phones() == []
    call_command("scan_plaintext")


def test_it_names_the_table_and_column_holding_a_plaintext_phone(world):
    Membership.objects.filter(peer_group=world.group).update(alias="Lan 0912.345.678")
    assert ("programs_membership", "alias", 1) in find_plaintext_phones()
    with pytest.raises(CommandError):
        call_command("scan_plaintext")
