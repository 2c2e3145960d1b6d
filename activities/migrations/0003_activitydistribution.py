import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0002_healthdaydelivery_hotlinecallreferral'),
        ('outreach', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='ActivityDistribution',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='distributions', to='activities.activity')),
                ('distribution', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='activity_link', to='outreach.distribution')),
            ],
        ),
    ]
