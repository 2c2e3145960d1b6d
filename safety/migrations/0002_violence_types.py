from django.db import migrations

# Frozen copy: migrations must not import from models.
VIOLENCE_TYPES = [
    ("physical", "Bạo lực thể chất", "Physical"),
    ("sexual", "Bạo lực tình dục", "Sexual"),
    ("economic", "Bạo lực kinh tế", "Economic"),
    ("emotional", "Bạo lực tinh thần", "Emotional"),
    ("papers", "Giữ, tịch thu giấy tờ", "Confiscation of papers"),
    ("threats", "Đe dọa", "Threats"),
]


def add_types(apps, schema_editor):
    ViolenceType = apps.get_model("safety", "ViolenceType")
    for order, (code, vi, en) in enumerate(VIOLENCE_TYPES, start=1):
        ViolenceType.objects.update_or_create(
            code=code, defaults={"name_vi": vi, "name_en": en, "order": order}
        )


def remove_types(apps, schema_editor):
    apps.get_model("safety", "ViolenceType").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]
    operations = [migrations.RunPython(add_types, remove_types)]
