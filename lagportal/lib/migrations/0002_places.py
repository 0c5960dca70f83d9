"""Where postcodes are, for every app: the outward-code table moves here from groups (renamed, its
rows kept), and full postcodes get their table."""

import django.contrib.gis.db.models.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lib", "0001_initial"),
        ("groups", "0005_membership_answers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE groups_outcode RENAME TO lib_outcode",
                    "ALTER TABLE lib_outcode RENAME TO groups_outcode",
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="Outcode",
                    fields=[
                        ("code", models.CharField(max_length=4, primary_key=True, serialize=False)),
                        ("location", django.contrib.gis.db.models.fields.PointField(srid=4326)),
                        ("town", models.CharField(blank=True, max_length=100)),
                        ("region", models.CharField(blank=True, max_length=100)),
                        ("country", models.CharField(blank=True, max_length=30)),
                    ],
                    options={"ordering": ["code"]},
                ),
            ],
        ),
    ]
