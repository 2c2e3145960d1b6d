from django.db import migrations

GROUPS = [
    ("fsw", "Phụ nữ bán dâm", "Woman who sells sex", 1),
    ("msw", "Nam bán dâm", "Man who sells sex", 2),
    ("transgender", "Người chuyển giới", "Transgender person", 3),
    ("establishment_worker", "Làm việc tại cơ sở kinh doanh dịch vụ", "Works in an establishment", 4),
    ("pwud", "Người sử dụng ma túy", "Uses drugs", 5),
    ("plhiv", "Người sống chung với HIV", "Living with HIV", 6),
    ("msm", "Nam quan hệ tình dục với nam", "Man who has sex with men", 7),
    ("other_high_risk", "Nhóm nguy cơ cao khác", "Other high-risk group", 8),
]


def add_groups(apps, schema_editor):
    PopulationGroup = apps.get_model("clients", "PopulationGroup")
    for code, vi, en, order in GROUPS:
        PopulationGroup.objects.update_or_create(
            code=code, defaults={"name_vi": vi, "name_en": en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]
    operations = [migrations.RunPython(add_groups, migrations.RunPython.noop)]
