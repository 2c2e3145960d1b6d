"""Indexes for the field pages (issue 16, item 3): a client's latest contacts and a peer's
last contact are found in a few index entries, whatever the national volume."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("outreach", "0003_h3_idempotency_keys")]

    operations = [
        migrations.AddIndex(
            model_name="outreachcontact",
            index=models.Index(
                fields=["client", "contact_date", "id"], name="outreach_ou_client__cd92d2_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="outreachcontact",
            index=models.Index(
                fields=["peer_educator", "contact_date", "id"],
                name="outreach_ou_peer_ed_4d7649_idx",
            ),
        ),
    ]
