"""Create the daily schedule that forgets old one-time keys, once."""

from django.db import migrations

FUNC = "core.tasks.idempotency_keys_purge"


def create_schedule(apps, schema_editor):  # type: ignore[no-untyped-def]
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="core-once-keys-purge",
        defaults={"func": FUNC, "schedule_type": "D", "repeats": -1},
    )


def remove_schedule(apps, schema_editor):  # type: ignore[no-untyped-def]
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name="core-once-keys-purge").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_h3_idempotency_key"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
