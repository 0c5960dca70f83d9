"""The toolkit's workflows, called by its views, its admin and its commands."""

from django.db.models import F

from .models import Resource


def count_download(resource):
    """Add one to the resource's download count, in one UPDATE (concurrent downloads all count)."""
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)
