from django.db import migrations, models

# What each pre-reform commune became: the one new commune and the one province, NULL
# where there are several (reports.dimensions uses it for the area breakdowns).
VIEW = """
CREATE VIEW reports_legacyarea AS
SELECT c.old_commune_id AS legacy_id,
       CASE WHEN COUNT(DISTINCT c.new_commune_id) = 1 THEN MIN(c.new_commune_id) END
           AS commune_id,
       CASE WHEN COUNT(DISTINCT n.province_id) = 1 THEN MIN(n.province_id) END
           AS province_id
FROM geo_communeconversion c
JOIN geo_commune n ON n.code = c.new_commune_id
GROUP BY c.old_commune_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0001_initial"),
        ("reports", "0001_s16agg_aggregates"),
    ]

    operations = [
        migrations.RunSQL(VIEW, "DROP VIEW IF EXISTS reports_legacyarea"),
        migrations.CreateModel(
            name="LegacyArea",
            fields=[
                (
                    "legacy",
                    models.OneToOneField(
                        db_column="legacy_id",
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="resolution",
                        serialize=False,
                        to="geo.legacycommune",
                    ),
                ),
                (
                    "commune",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="geo.commune",
                    ),
                ),
                (
                    "province",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="geo.province",
                    ),
                ),
            ],
            options={"managed": False, "db_table": "reports_legacyarea"},
        ),
    ]
