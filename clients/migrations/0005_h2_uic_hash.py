"""Keep only the keyed hash of each client's UIC (clients.uic.uic_index), never the code:
the UIC is built from initials, the mother's initials, birth year and sex."""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations, models

_HASHED = re.compile(r"^[0-9a-f]{32}$")


def hash_uics(apps: Any, schema_editor: Any) -> None:
    from clients.uic import uic_index

    Client = apps.get_model("clients", "Client")
    rows = Client.objects.exclude(uic="").only("pk", "uic")
    for client in rows.iterator(chunk_size=2000):
        if not _HASHED.match(client.uic):
            Client.objects.filter(pk=client.pk).update(uic=uic_index(client.uic))


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_h4_identity_tokens")]

    operations = [
        migrations.AlterField(
            model_name="client",
            name="uic",
            field=models.CharField(
                db_index=True, editable=False, max_length=32, verbose_name="UIC (keyed hash)"
            ),
        ),
        migrations.RunPython(hash_uics, migrations.RunPython.noop, elidable=True),
    ]
