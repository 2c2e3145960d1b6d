from __future__ import annotations

from types import SimpleNamespace

from django.test import override_settings

from clients.uic import build_uic, needs, normalise


def test_it_builds_the_default_uic_unaccented_and_upper_cased() -> None:
    assert build_uic(given_name="Lành", mother_given_name="Hoa", birth_year=1995, sex="F") == (
        "LAHO95F"
    )
    assert build_uic(given_name="Đào", mother_given_name="Ánh", birth_year=2001, sex="M") == (
        "DAAN01M"
    )


def test_it_pads_short_or_missing_names() -> None:
    assert build_uic(given_name="Y", mother_given_name="", birth_year=1990, sex="F") == "YXXX90F"


def test_it_follows_the_configured_recipe() -> None:
    custom = {"UIC_RECIPE": ["mother1", "given3", "yyyy", "sex"]}
    with override_settings(CAUNOI=custom):
        assert build_uic(given_name="Hương", mother_given_name="Mai", birth_year=1988, sex="F") == (
            "MHUO1988F"
        )
        assert needs() == {"mother", "given"}


def test_it_normalises_typed_codes() -> None:
    assert normalise(" laho 95f ") == "LAHO95F"


def test_the_migration_replaces_stored_uics_by_their_keyed_hash(world: SimpleNamespace) -> None:
    import importlib

    from django.apps import apps

    from clients.models import Client
    from clients.uic import uic_index

    from .conftest import register

    client = register(world)
    Client.objects.filter(pk=client.pk).update(uic="LAHO95F")  # as an earlier release stored it
    migration = importlib.import_module("clients.migrations.0005_h2_uic_hash")
    migration.hash_uics(apps, None)
    migration.hash_uics(apps, None)  # run twice: a hash is never hashed again
    stored = Client.objects.values_list("uic", flat=True).get(pk=client.pk)
    assert stored == uic_index("LAHO95F") and "LAHO" not in stored
