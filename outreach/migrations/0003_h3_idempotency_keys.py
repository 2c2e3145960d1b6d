"""Contacts recorded from a phone before core.IdempotencyKey existed: give each its key,
so that a late retry of one of them still finds it."""

from django.db import migrations


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    OutreachContact = apps.get_model("outreach", "OutreachContact")
    IdempotencyKey = apps.get_model("core", "IdempotencyKey")
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = OutreachContact.objects.filter(device_uuid__isnull=False)
    if not rows.exists():
        return
    content_type, _ = ContentType.objects.get_or_create(
        app_label="outreach", model="outreachcontact"
    )
    known = set(IdempotencyKey.objects.values_list("key", flat=True))
    IdempotencyKey.objects.bulk_create(
        [
            IdempotencyKey(
                key=c.device_uuid,
                user_id=c.peer_educator_id,
                content_type=content_type,
                object_id=c.pk,
            )
            for c in rows.only("pk", "device_uuid", "peer_educator_id").iterator()
            if c.device_uuid not in known
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0002_contact_device_uuid"),
        ("core", "0001_h3_idempotency_key"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
