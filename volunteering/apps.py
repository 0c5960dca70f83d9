from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "volunteering"
    verbose_name = _("Volunteering")
    # What the Coordinators permission group may do; `groups.scoping` limits it to their own groups
    # (national events: NNSS staff only). Sign-ups are read here; people sign themselves up. An
    # event is cancelled (its people are told), never deleted.
    coordinator_permissions = [
        "volunteering.view_event",
        "volunteering.add_event",
        "volunteering.change_event",
        *(
            f"volunteering.{verb}_{model}"
            for model in ("workrecord", "workrecordphoto")
            for verb in ("view", "add", "change", "delete")
        ),
        "volunteering.view_signup",
        "volunteering.view_hourslog",
        "volunteering.change_hourslog",
        "volunteering.view_eventmessage",
    ]

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

        # Cached pages and feeds follow an event's `updated_at`: a sign-up or a work record saved
        # or deleted, however (services, admin, a bulk delete), changes it.
        from django.db.models.signals import post_delete, post_save

        from .models import touch_event

        for model in (Signup, WorkRecord):
            for name, signal in (("saved", post_save), ("deleted", post_delete)):
                signal.connect(touch_event, sender=model, dispatch_uid=f"volunteering.{model.__name__}.{name}")
