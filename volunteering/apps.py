from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "volunteering"
    verbose_name = _("Volunteering")

    def ready(self):
        from groups import scoping

        from . import emails  # noqa: F401  (email kinds)
        from .models import Event, EventMessage, HoursLog, Signup, WorkRecord, WorkRecordPhoto
        from .personal_data import erase_volunteering  # noqa: F401  (export and erasure receivers)

        # A national event (no group) belongs to no group: only NNSS staff see it.
        scoping.register(Event, "group")
        scoping.register(Signup, "event__group")
        scoping.register(WorkRecord, "event__group")
        scoping.register(WorkRecordPhoto, "work_record__event__group")
        scoping.register(HoursLog, "group")
        scoping.register(EventMessage, "event__group")
