"""What the volunteering browser tests share: a group covering Carlisle with its coordinator, the
postcode tables (Carlisle's outward codes and one full postcode), and events in every state a
volunteer or a coordinator meets — open, full with a waiting list, cancelled, past with what was
achieved, one with a place offered — made through the services, as the pages make them."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.files.base import ContentFile
from django.utils import timezone

from groups.importers import load_outcodes
from lagportal.lib.models import Postcode
from volunteering import messaging, services
from volunteering.models import Event, EventKind, HoursLog, Method, Signup, WorkRecord, WorkRecordPhoto

from ..groups.factories import CARLISLE, NORWICH, GroupFactory, make_member, square
from ..volunteering.factories import EventFactory, VolunteerFactory
from .species_world import eden_group, great_britain, himalayan_balsam, jpeg_bytes

State = Signup.State
# A full postcode in Carlisle (CA3), a little north of the city centre, and the events near it.
POSTCODE = "CA3 9AA"
POSTCODE_POINT = (54.9050, -2.9350)  # (latitude, longitude)
SAFETY = "Stay back from the water's edge: the banks are steep. Wear gloves."


def the_postcodes():
    """Great Britain's outward codes, as `manage.py load_outcodes` loads them, and one full postcode
    (the full table has 1.7 million rows: a test needs only the one it asks about)."""
    load_outcodes()
    latitude, longitude = POSTCODE_POINT
    Postcode.objects.create(
        code=POSTCODE, location=Point(longitude, latitude, srid=4326), source=Postcode.Source.CODE_POINT_OPEN
    )


def days_from_now(days, hour=10):
    """A time `days` from today at `hour` o'clock, so that events sort the same whenever tests run."""
    day = timezone.localtime() + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def event(group, title, *, days, hours=3, near=(0.0, 0.0), at=CARLISLE, **fields):
    """A published event of `group` (None: a national one), `days` from today, its meeting point `near`
    (degrees north, east) `at` (latitude, longitude: Carlisle unless said)."""
    starts = days_from_now(days)
    fields.setdefault("safety_notes", SAFETY)
    return EventFactory(
        group=group,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        meeting_point=Point(at[1] + near[1], at[0] + near[0], srid=4326),
        **fields,
    )


def signed_up(event, user):
    """`user` signs up as the sign-up page does (the safety notes acknowledged)."""
    return services.sign_up(event, user, acknowledged_safety=True)


def volunteers(*names):
    """People who may sign up (verified email, a phone number), named `names`."""
    return [
        VolunteerFactory(full_name=name, email=f"{name.split()[0].lower()}@example.org") for name in names
    ]


def drawn_area(latitude, longitude):
    """About 70 m by 45 m of riverbank around the point, as a coordinator draws it on the map."""
    dx, dy = 0.0005, 0.0002
    ring = [
        (longitude + x, latitude + y) for x, y in ((-dx, -dy), (dx, -dy), (dx, dy), (-dx, dy), (-dx, -dy))
    ]
    return MultiPolygon(Polygon(ring), srid=4326)


def volunteering_world(volunteer, coordinator):
    """Everything the accessibility tests look at, with `volunteer` (Vera) in every list of My
    volunteering: a place coming up, a place on a waiting list, a place offered, an event she came to
    with her hours, hours she logged; and `coordinator` running the group."""
    great_britain()
    the_postcodes()
    balsam = himalayan_balsam()
    eden = eden_group(coordinator)
    GroupFactory(name="Norfolk Invasives", coverage=square(*NORWICH))
    volunteer.phone = "07700 900123"
    volunteer.save(update_fields=["phone"])
    make_member(volunteer, eden)
    ann, bob, cat, dan = volunteers("Ann Able", "Bob Baker", "Cat Cole", "Dan Dale")

    open_event = event(
        eden,
        "Balsam bash at Low Bridge",
        days=7,
        near=(0.01, 0.0),
        places=12,
        access_notes="A level path from the car park; no toilets.",
        minimum_age=12,
    )
    open_event.target_species.add(balsam)
    signed_up(open_event, volunteer)
    signed_up(open_event, ann)

    full = event(
        eden, "Knotweed survey on the Petteril", days=10, near=(-0.02, 0.02), places=2, kind=EventKind.SURVEY
    )
    for person in (ann, bob, volunteer, cat):
        signed_up(full, person)

    offered = event(
        eden, "Identifying invasive plants: a training day", days=14, kind=EventKind.TRAINING, places=1
    )
    holder = signed_up(offered, dan)
    signed_up(offered, volunteer)
    services.cancel_signup(holder, by=dan)
    offer = Signup.objects.get(event=offered, user=volunteer)
    assert offer.state == State.OFFERED

    cancelled = event(eden, "Riverbank clean-up at Rickerby", days=12, near=(0.005, 0.01), places=8)
    signed_up(cancelled, volunteer)
    services.cancel_event(cancelled, by=coordinator)

    past = event(eden, "Balsam pull at Rickerby Park", days=-30, hours=4, near=(0.005, 0.01), places=10)
    for person in (volunteer, ann, bob):
        Signup.objects.create(
            event=past, user=person, state=State.CONFIRMED, confirmed_at=past.starts_at - timedelta(days=3)
        )
    Event.objects.filter(pk=past.pk).update(places_taken=3)
    for signup in past.signups.select_related("user"):
        services.mark_attendance(signup, attended=signup.user != bob, by=coordinator)
    record = services.save_work_record(
        WorkRecord(
            event=past,
            species=balsam,
            method=Method.HAND_PULLED,
            area_m2=450,
            area=drawn_area(CARLISLE[0] + 0.005, CARLISLE[1] + 0.01),
            bags=14,
            notes="Both banks below the footbridge.",
            follow_up=True,
            follow_up_note="Seedlings will come back under the alders.",
        ),
        by=coordinator,
    )
    WorkRecordPhoto.objects.create(
        work_record=record,
        image=ContentFile(jpeg_bytes(), name="pulled-balsam.jpg"),
        caption="Fourteen bags of pulled balsam",
    )
    message = messaging.send_event_message(
        past, "attended", "Thank you!", "We pulled **fourteen bags** of balsam.", by=coordinator
    )

    pending = HoursLog.objects.create(
        user=volunteer,
        group=eden,
        worked_on=timezone.localdate() - timedelta(days=5),
        hours=Decimal("2.5"),
        description="Pulled balsam along the Caldew on my own.",
    )
    approved = HoursLog.objects.create(
        user=volunteer,
        group=eden,
        worked_on=timezone.localdate() - timedelta(days=20),
        hours=Decimal("1.5"),
        description="Surveyed the mill race for knotweed.",
    )
    services.decide_hours(approved, approve=True, by=coordinator, note="Thank you, Vera.")
    national = EventFactory(
        group=None,
        title="National LAG workshop",
        kind=EventKind.TRAINING,
        starts_at=days_from_now(40),
        ends_at=days_from_now(40, hour=16),
        places=None,
        safety_notes="",
    )
    return {
        "balsam": balsam,
        "eden": eden,
        "open": open_event,
        "full": full,
        "offered": offered,
        "offer": offer,
        "cancelled": cancelled,
        "past": past,
        "record": record,
        "message": message,
        "pending_hours": pending,
        "national": national,
    }
