"""Create the hourly schedule that deletes expired background exports, once."""

from django.db import migrations

FUNC = "submissions.jobs.exports_cleanup"


def create_schedule(apps, schema_editor):  # type: ignore[no-untyped-def]
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="exports-cleanup",
        defaults={"func": FUNC, "schedule_type": "H", "repeats": -1},
    )


def remove_schedule(apps, schema_editor):  # type: ignore[no-untyped-def]
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name="exports-cleanup").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0001_h8_submissions_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
