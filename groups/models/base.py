"""What every model that belongs to a group shares, in any app."""

from django.db import models

# A group's columns that lists never show: its areas (megabytes for a large group) and its search
# document. Deferred whenever a group is loaded, or joined, for its name and address.
HEAVY_GROUP_FIELDS = ("coverage", "coverage_bng", "coverage_map", "search_document")


class GroupRowQuerySet(models.QuerySet):
    """The QuerySet of a model with a foreign key to its group (meetings, events, sightings…)."""

    def with_group(self, path="group"):
        """Join the group reached by `path` for its name and address, leaving its heavy columns in
        the database: an event or sighting list never drags polygons along."""
        return self.select_related(path).defer(*(f"{path}__{field}" for field in HEAVY_GROUP_FIELDS))
