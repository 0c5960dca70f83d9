"""The outward-code table now belongs to lagportal.lib (lib.0002_places renamed it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0005_membership_answers"),
        ("lib", "0002_places"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Outcode")]),
    ]
