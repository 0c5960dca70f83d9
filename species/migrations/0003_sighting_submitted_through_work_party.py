# A work party's record of the species it treated (volunteering.records) says where it came from.
# Only the choices change: no database change.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("species", "0002_bench_sighting_status_updated"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sighting",
            name="submitted_through",
            field=models.CharField(
                choices=[
                    ("form", "the website's form"),
                    ("api", "the API"),
                    ("work_party", "a work party's record"),
                ],
                default="form",
                max_length=10,
                verbose_name="submitted through",
            ),
        ),
    ]
