from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking the sightings against new reports (a million rows: a few seconds).
    atomic = False

    dependencies = [
        ("species", "0001_species_sightings"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="sighting",
            index=models.Index(fields=["status", "updated_at"], name="sighting_status_updated"),
        ),
    ]
