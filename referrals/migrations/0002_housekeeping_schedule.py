"""Create the hourly referral housekeeping schedule (reminders and expiry) once."""

from django.db import migrations

FUNC = "referrals.tasks.referrals_housekeeping"


def create_schedule(apps, schema_editor):  # type: ignore[no-untyped-def]
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="referrals-housekeeping",
        defaults={"func": FUNC, "schedule_type": "H", "repeats": -1},
    )


def remove_schedule(apps, schema_editor):  # type: ignore[no-untyped-def]
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name="referrals-housekeeping").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
