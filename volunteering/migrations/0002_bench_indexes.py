from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking the events and sign-ups against new sign-ups.
    atomic = False

    dependencies = [
        ("volunteering", "0001_initial"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="event",
            index=models.Index(fields=["status", "starts_at", "id"], name="event_status_starts"),
        ),
        AddIndexConcurrently(
            model_name="event",
            index=models.Index(fields=["group", "status", "starts_at"], name="event_group_status_starts"),
        ),
        AddIndexConcurrently(
            model_name="event",
            index=models.Index(fields=["starts_at", "id"], name="event_starts"),
        ),
        AddIndexConcurrently(
            model_name="hourslog",
            index=models.Index(fields=["group", "status", "worked_on"], name="hourslog_group_status_worked"),
        ),
    ]
