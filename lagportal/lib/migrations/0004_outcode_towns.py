"""Correct the towns of outward codes loaded before the corrections (lagportal/lib/outcode_towns.py):
"S1 (Norton)" becomes "S1 (Sheffield)". Safe to run again; nothing to undo."""

from django.db import migrations


def correct_towns(apps, schema_editor):
    from lagportal.lib.outcode_towns import corrected_town

    Outcode = apps.get_model("lib", "Outcode")
    changed = []
    for outcode in Outcode.objects.only("code", "town", "region"):
        town = corrected_town(outcode.code, outcode.town, outcode.region)
        if town != outcode.town:
            outcode.town = town
            changed.append(outcode)
    Outcode.objects.bulk_update(changed, ["town"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("lib", "0003_postcodes")]

    operations = [migrations.RunPython(correct_towns, migrations.RunPython.noop)]
