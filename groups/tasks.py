from django_tasks import task

from . import services


@task()
def refresh_national_coverage():
    """Measure national coverage again (after a group changed); safe to run any number of times."""
    snapshot = services.measure_national_coverage()
    return snapshot.pk if snapshot else None
