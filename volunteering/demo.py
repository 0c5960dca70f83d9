"""The volunteering part of `manage.py load_demo`: work parties, a survey, a training day and the
national LAG workshop for the coordinated demo groups (CFINNS and the Tweed Invasives Project) —
one full with a waiting list, a follow-up planned from a treated site, past events with attendance,
hours and work records (balsam, knotweed) whose species records reach the species maps.

Safe to run twice: each event has a fixed UID, and an event found again is left as it is (with its
sign-ups and work records); the solo hours are found again by their person, group and date. The
rows are written directly, not through the services: no email goes to the demo people, and past
events cannot be signed up to. `places_taken` is set to the places the demo's sign-ups hold.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone

from accounts.models import User
from groups.models import LocalActionGroup

from . import services
from .models import Event, EventKind, HoursLog, Method, Signup, WorkRecord

UID_NAMESPACE = uuid.UUID("5f0c2a8e-7d1b-4f6a-9c3e-2b8d4e6f1a70")
CFINNS = "Cumbria Freshwater"
TWEED = "Tweed Invasives Project"
A = Signup.State.ATTENDED
C = Signup.State.CONFIRMED
W = Signup.State.WAITLISTED
NO = Signup.State.NO_SHOW
# Ofcom's numbers for drama: never anyone's real phone.
DEMO_PHONES = [f"07700 900{n:03d}" for n in range(100, 200, 7)]


@dataclass
class DemoRecord:
    species: str | None
    method: str
    area_m2: int | None = None
    bags: int | None = None
    stems: int | None = None
    notes: str = ""
    follow_up: bool = False
    follow_up_note: str = ""
    drawn: bool = False  # a small area drawn around the meeting point


@dataclass
class DemoEvent:
    key: str
    group: str | None  # CFINNS, TWEED, or None for a national event
    title: str
    kind: str
    days: int  # from today: negative in the past
    start: time
    hours: int
    place: tuple  # (latitude, longitude)
    meeting_point_note: str
    places: int | None
    description: str
    signups: list = field(default_factory=list)  # (person handle, state, hours or None)
    records: list = field(default_factory=list)
    status: str = Event.Status.PUBLISHED
    targets: tuple = ()
    follow_up_of: str | None = None  # the key of the event whose first work record it revisits
    contacts_erased: bool = False


SAFETY = (
    "Wear gloves and long sleeves. Stay back from the water's edge; the banks are steep and slippery. "
    "Tell the leader if you have to leave early."
)
BRING = "Gloves, sturdy boots or wellies, water and a packed lunch. Tools and bags are provided."

DEMO_EVENTS = [
    DemoEvent(
        "rickerby-2025",
        CFINNS,
        "Balsam bash at Rickerby Park",
        EventKind.WORK_PARTY,
        -400,
        time(10),
        3,
        (54.9000, -2.9150),
        "Car park by the Memorial Bridge; look for the orange flag",
        12,
        "Last year's **balsam bash** along the River Eden, before the plants set seed.",
        signups=[("aled", A, None), ("bethany", A, None), ("connor", A, Decimal("2"))],
        records=[DemoRecord("balsam", Method.HAND_PULLED, area_m2=400, bags=11)],
        targets=("balsam",),
        contacts_erased=True,
    ),
    DemoEvent(
        "petteril-survey",
        CFINNS,
        "Knotweed survey on the River Petteril",
        EventKind.SURVEY,
        -60,
        time(10),
        3,
        (54.8830, -2.9100),
        "Botcherby Bridge, on the footpath side",
        8,
        "Walking the Petteril through Carlisle to **map every knotweed stand** before treatment.",
        signups=[("volunteer", A, None), ("bethany", A, None), ("deepa", NO, None)],
        records=[
            DemoRecord(
                "knotweed",
                Method.SURVEY,
                area_m2=120,
                stems=35,
                notes="Two stands on the east bank, one spreading under the footbridge.",
                follow_up=True,
                follow_up_note="Treat with the contractor's stem injection in late summer.",
            )
        ],
        targets=("knotweed",),
    ),
    DemoEvent(
        "rickerby",
        CFINNS,
        "Balsam bash at Rickerby Park",
        EventKind.WORK_PARTY,
        -40,
        time(10),
        3,
        (54.9000, -2.9150),
        "Car park by the Memorial Bridge; look for the orange flag",
        12,
        "Pulling **Himalayan balsam** along the River Eden before it sets seed. No experience needed.",
        signups=[
            ("volunteer", A, None),
            ("aled", A, None),
            ("bethany", A, Decimal("2.5")),
            ("connor", A, None),
            ("deepa", NO, None),
        ],
        records=[
            DemoRecord(
                "balsam",
                Method.HAND_PULLED,
                area_m2=650,
                bags=18,
                notes="Dense stand below the bridge cleared; upstream patch half done.",
                follow_up=True,
                follow_up_note="Seedlings will come up from the seed bank: check again next June.",
                drawn=True,
            ),
            DemoRecord(None, Method.OTHER, bags=2, notes="Litter picked from the bank."),
        ],
        targets=("balsam",),
    ),
    DemoEvent(
        "lazonby",
        CFINNS,
        "Balsam bash at Lazonby",
        EventKind.WORK_PARTY,
        5,
        time(10),
        3,
        (54.7520, -2.7040),
        "Lazonby station car park",
        4,
        "A small party for a **narrow stretch of bank**: four places only, with a waiting list.",
        signups=[
            ("volunteer", C, None),
            ("aled", C, None),
            ("bethany", C, None),
            ("connor", C, None),
            ("deepa", W, None),
            ("eilidh", W, None),
        ],
        targets=("balsam",),
    ),
    DemoEvent(
        "keswick-training",
        CFINNS,
        "Identifying invasive plants: training day",
        EventKind.TRAINING,
        14,
        time(9, 30),
        6,
        (54.6040, -3.1380),
        "Keswick Museum, the meeting room upstairs",
        15,
        "A morning indoors on **telling balsam, knotweed and hogweed from their look-alikes**, and an "
        "afternoon on the River Greta putting it into practice.",
        signups=[("bethany", C, None), ("fergus", C, None)],
        targets=("balsam", "knotweed", "hogweed"),
    ),
    DemoEvent(
        "rickerby-follow-up",
        CFINNS,
        "Follow-up visit: balsam seedlings at Rickerby Park",
        EventKind.WORK_PARTY,
        30,
        time(10),
        2,
        (54.9000, -2.9150),
        "Car park by the Memorial Bridge",
        10,
        "Back to the site we cleared this summer to **pull the seedlings** before they flower.",
        signups=[("volunteer", C, None)],
        targets=("balsam",),
        follow_up_of="rickerby",
    ),
    DemoEvent(
        "autumn-knotweed",
        CFINNS,
        "Knotweed treatment with our contractor",
        EventKind.WORK_PARTY,
        50,
        time(10),
        4,
        (54.8830, -2.9100),
        "Botcherby Bridge",
        6,
        "Draft: waiting for the landowner's permission.",
        status=Event.Status.DRAFT,
        targets=("knotweed",),
    ),
    DemoEvent(
        "peebles",
        TWEED,
        "Balsam pull at Peebles",
        EventKind.WORK_PARTY,
        -25,
        time(10),
        3,
        (55.6500, -3.1900),
        "Kingsmeadows car park, by the footbridge",
        None,
        "Clearing **Himalayan balsam** from the Tweed's banks below the old bridge.",
        signups=[("eilidh", A, None), ("fergus", A, None), ("connor", A, Decimal("1.5"))],
        records=[DemoRecord("balsam", Method.HAND_PULLED, area_m2=300, bags=9)],
        targets=("balsam",),
    ),
    DemoEvent(
        "kelso-survey",
        TWEED,
        "River Tweed survey at Kelso",
        EventKind.SURVEY,
        10,
        time(13),
        3,
        (55.5980, -2.4330),
        "The square in Kelso, by the fountain",
        None,
        "Walking both banks from Kelso bridge to **record every invasive plant** we find.",
        signups=[("eilidh", C, None)],
        targets=("balsam", "knotweed"),
    ),
    DemoEvent(
        "national-workshop",
        None,
        "National LAG workshop",
        EventKind.MEETING,
        45,
        time(10),
        7,
        (53.9590, -1.0815),
        "The conference centre's main entrance",
        80,
        "The **annual workshop** for Local Action Groups, run by the GB Non-native Species Secretariat: "
        "news, funding, biosecurity and what worked this year.",
        signups=[("coordinator", C, None)],
    ),
]

# Hours the volunteer logged for work on their own: (handle, group, days ago, hours, what, approved)
DEMO_SOLO_HOURS = [
    ("volunteer", CFINNS, 20, Decimal("2"), "Checked the Caldew at Dalston for balsam seedlings.", True),
    ("volunteer", CFINNS, 3, Decimal("1.5"), "Surveyed the beck behind the school.", None),
]


def _person(handle):
    return User.objects.get(email=f"{handle}@demo.lagportal.localhost")


def _group(groups, name):
    return next((group for group in groups if group.name.startswith(name)), None) if name else None


def _drawn_area(latitude, longitude):
    """About 60 m by 40 m of bank around the point."""
    dx, dy = 0.0005, 0.0002
    ring = (
        (longitude - dx, latitude - dy),
        (longitude + dx, latitude - dy),
        (longitude + dx, latitude + dy),
        (longitude - dx, latitude + dy),
        (longitude - dx, latitude - dy),
    )
    return MultiPolygon(Polygon(ring), srid=4326)


def load_event(spec, group, *, species, coordinator, staff, made):
    """Make one demo event with its sign-ups and work records, unless it exists already."""
    uid = uuid.uuid5(UID_NAMESPACE, spec.key)
    existing = Event.objects.filter(uid=uid).first()
    if existing is not None:
        return existing
    day = timezone.localdate() + timedelta(days=spec.days)
    starts_at = timezone.make_aware(datetime.combine(day, spec.start))
    latitude, longitude = spec.place
    holding = [state for _handle, state, _hours in spec.signups if state in Signup.HOLDING_PLACE]
    event = Event.objects.create(
        uid=uid,
        group=group,
        title=spec.title,
        kind=spec.kind,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=spec.hours),
        meeting_point=Point(longitude, latitude, srid=4326),
        meeting_point_note=spec.meeting_point_note,
        places=spec.places,
        places_taken=len(holding),
        description=spec.description,
        what_to_bring=BRING,
        access_notes="Rough riverside paths; no step-free route to the water. Toilets at the car park.",
        safety_notes=SAFETY,
        minimum_age=16 if spec.kind == EventKind.WORK_PARTY else None,
        status=spec.status,
        planned_from=made[spec.follow_up_of] if spec.follow_up_of else None,
        created_by=coordinator if group is not None else staff,
    )
    event.target_species.add(*(species[key] for key in spec.targets if key in species))
    for index, (handle, state, hours) in enumerate(spec.signups):
        person = _person(handle)
        signed_up_at = min(starts_at, timezone.now()) - timedelta(days=20 - index)
        Signup.objects.create(
            event=event,
            user=person,
            state=state,
            signed_up_at=signed_up_at,
            queued_at=signed_up_at if state == W else None,
            confirmed_at=signed_up_at if state in Signup.HOLDING_PLACE else None,
            safety_acknowledged_at=signed_up_at,
            phone="" if spec.contacts_erased else (person.phone or DEMO_PHONES[index % len(DEMO_PHONES)]),
            emergency_contact_name="" if spec.contacts_erased else "Sam Contact",
            emergency_contact_phone="" if spec.contacts_erased else "01632 960000",
            contacts_erased_at=timezone.now() if spec.contacts_erased else None,
            hours=(hours or event.length_hours) if state == A else None,
        )
    for record_spec in spec.records:
        record = WorkRecord(
            event=event,
            species=species.get(record_spec.species) if record_spec.species else None,
            method=record_spec.method,
            area_m2=record_spec.area_m2,
            area=_drawn_area(latitude, longitude) if record_spec.drawn else None,
            bags=record_spec.bags,
            stems=record_spec.stems,
            notes=record_spec.notes,
            follow_up=record_spec.follow_up,
            follow_up_note=record_spec.follow_up_note,
        )
        # Through the service: the species treated become accepted species records.
        services.save_work_record(record, by=coordinator)
        made.setdefault(spec.key, record)
    return event


def load_solo_hours(groups, coordinator):
    """The demo volunteer's hours of work on their own: one approved, one waiting (once each)."""
    today = timezone.localdate()
    for handle, group_name, days_ago, hours, description, approved in DEMO_SOLO_HOURS:
        group = _group(groups, group_name)
        if group is None:
            continue
        log, created = HoursLog.objects.get_or_create(
            user=_person(handle),
            group=group,
            event=None,
            description=description,
            defaults={"worked_on": today - timedelta(days=days_ago), "hours": hours},
        )
        if created and approved is not None:
            services.decide_hours(log, approve=approved, by=coordinator, note="Thank you!")


def load(groups, *, species, coordinator, staff):
    """The whole volunteering demo (see the module's docstring); returns the events made or found."""
    groups = list(LocalActionGroup.objects.filter(pk__in=[group.pk for group in groups]).without_geometry())
    made = {}
    for spec in DEMO_EVENTS:
        if spec.follow_up_of and spec.follow_up_of not in made:
            first = Event.objects.filter(uid=uuid.uuid5(UID_NAMESPACE, spec.follow_up_of)).first()
            if first is not None and (record := first.work_records.order_by("pk").first()) is not None:
                made[spec.follow_up_of] = record
        group = _group(groups, spec.group)
        if spec.group and group is None:
            continue  # the demo groups were not loaded
        load_event(spec, group, species=species, coordinator=coordinator, staff=staff, made=made)
    load_solo_hours(groups, coordinator)
    return Event.objects.filter(uid__in=[uuid.uuid5(UID_NAMESPACE, spec.key) for spec in DEMO_EVENTS])
