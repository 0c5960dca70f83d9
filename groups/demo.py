"""Demo groups for `manage.py load_demo`: the 20 groups of data/demo_lags.csv, each covering the
union of its named districts. The areas are illustrative and the site says so."""

import csv
from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User

from . import importers, services
from .models import (
    ActionItem,
    Country,
    CoverageSnapshot,
    District,
    JoiningMethod,
    LocalActionGroup,
    Meeting,
    Membership,
    Role,
    Update,
)

DEMO_FILE = importers.DATA_DIR / "demo_lags.csv"

HABITAT_WORK = {
    "freshwater": [
        "Himalayan balsam pulls along riverbanks from June to August",
        "mapping and treating Japanese knotweed and giant hogweed stands",
        "surveying for signal crayfish and promoting Check, Clean, Dry to anglers and paddlers",
    ],
    "terrestrial": [
        "clearing rhododendron and cherry laurel from woodland",
        "recording invasive plants with landowners and community groups",
    ],
    "marine": [
        "biosecurity talks and Check, Clean, Dry stations at harbours and slipways",
        "surveys for Pacific oyster, wireweed and carpet sea squirt",
    ],
}

CONSENT_TEXT = "The group's coordinators may contact me about its work by email or phone."

DEMO_MEMBERS = [
    ("Aled Pritchard", "aled"),
    ("Bethany Clarke", "bethany"),
    ("Connor Reid", "connor"),
    ("Deepa Shah", "deepa"),
    ("Eilidh Fraser", "eilidh"),
    ("Fergus Hall", "fergus"),
]


def _summary(habitats, districts):
    if len(districts) <= 3:
        places = ", ".join(districts)
    else:
        places = f"{', '.join(districts[:2])} and {len(districts) - 2} more districts"
    kinds = " and ".join(habitats)
    return (
        f"Volunteers and partners tackling invasive non-native species in {kinds} habitats across {places}."
    )


def _description(name, habitats, districts, protected_sites):
    work = [item for habitat in habitats for item in HABITAT_WORK.get(habitat, [])]
    lines = [
        f"{name} brings together volunteers, landowners and local organisations to stop the spread of "
        "invasive non-native species and to restore the places they have taken over.",
        "",
        "## What we do",
        "",
        *[f"- {item[0].upper()}{item[1:]}" for item in work],
        "",
        "## Where we work",
        "",
        ", ".join(districts) + ".",
    ]
    if protected_sites:
        lines += [
            "",
            "Some of our work is in protected sites, always with the consent of the site's managers.",
        ]
    lines += ["", "*Demo data: this description and the group's area are illustrative.*"]
    return "\n".join(lines)


def load_groups():
    """Create each demo group once from its districts; return the groups."""
    if not District.objects.exists():
        importers.load_districts()
    groups = []
    with open(DEMO_FILE, newline="", encoding="utf-8") as handle:
        for index, row in enumerate(csv.DictReader(handle)):
            existing = LocalActionGroup.objects.filter(name=row["name"]).first()
            if existing:
                groups.append(existing)
                continue
            districts = row["districts"].split(";")
            habitats = row["habitats"].split(";")
            coverage = District.objects.filter(name__in=districts).outline()
            slug = slugify(row["name"])
            group = LocalActionGroup(
                name=row["name"],
                slug=slug,
                summary=_summary(habitats, districts),
                description=_description(row["name"], habitats, districts, row["protected_sites"] == "yes"),
                country=Country(row["country"].lower()),
                habitats=habitats,
                works_in_protected_sites=row["protected_sites"] == "yes",
                joining_method=JoiningMethod.ON_REQUEST if index % 3 == 2 else JoiningMethod.OPEN,
                contact_name="Group coordinator",
                contact_email=f"hello@{slug}.example.org",
                is_illustrative=True,
                coverage=coverage,
            )
            group.save()
            groups.append(group)
    return groups


def _member(user, group, *, status=Membership.Status.ACTIVE, roles=(), requested_at=None):
    now = timezone.now()
    membership, created = Membership.objects.get_or_create(
        user=user,
        group=group,
        defaults={
            "status": status,
            "requested_at": requested_at or now,
            "joined_at": now if status == Membership.Status.ACTIVE else None,
            "contact_consent": True,
            "contact_consent_text": CONSENT_TEXT,
            "contact_consent_at": now,
        },
    )
    if created:
        for role in roles:
            # Through the service, as in the admin: a coordinator is let into the admin with it.
            services.give_role(membership, role)
    return membership


def load_members(groups, coordinator, volunteer):
    """Give some groups a coordinator, officers and members (once)."""
    by_name = {group.name.split(" (")[0]: group for group in groups}
    cfinns = by_name["Cumbria Freshwater Invasive Non-Native Species Initiative"]
    tweed = by_name["Tweed Invasives Project"]
    for group in (cfinns, tweed):
        _member(coordinator, group, roles=[Role.COORDINATOR])
    _member(volunteer, cfinns)
    # Requests to groups with no coordinator: the national LAG Coordinator answers them, and one
    # has waited long enough for `remind_waiting_requests` to remind them of it.
    leaderless = [
        group
        for group in groups
        if group.joining_method == JoiningMethod.ON_REQUEST and group not in (cfinns, tweed)
    ]
    _member(volunteer, leaderless[0], status=Membership.Status.PENDING)
    waiting, created = User.objects.get_or_create(
        email="gwen@demo.lagportal.localhost", defaults={"full_name": "Gwen Morgan"}
    )
    if created:
        waiting.set_unusable_password()
        waiting.save(update_fields=["password"])
    _member(
        waiting,
        leaderless[1],
        status=Membership.Status.PENDING,
        requested_at=timezone.now() - Membership.REMIND_AFTER - timedelta(days=2),
    )

    officer_roles = [[Role.CHAIR], [Role.NOTE_TAKER], [Role.TREASURER], [], [], []]
    for (full_name, handle), roles, group in zip(
        DEMO_MEMBERS, officer_roles, [cfinns, cfinns, cfinns, tweed, tweed, groups[1]], strict=True
    ):
        user, created = User.objects.get_or_create(
            email=f"{handle}@demo.lagportal.localhost", defaults={"full_name": full_name}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        _member(user, group, roles=roles)


def measure_coverage_if_stale():
    """Measure national coverage unless a measurement is newer than the last change to a group."""
    last_change = (
        LocalActionGroup.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    )
    if last_change and not CoverageSnapshot.objects.filter(measured_at__gte=last_change).exists():
        services.measure_national_coverage()


DEMO_MEETINGS = [
    # (days from today, title, public, agenda, minutes)
    (
        -60,
        "Spring planning meeting",
        True,
        "1. Welcome and apologies\n2. Last season's balsam pulls\n3. Plans for this season\n4. Any other business",
        "Twelve people came. We agreed to start balsam pulls in June on the three worst stretches, "
        "and to ask the Rivers Trust for help with the knotweed by the bridge.\n\n"
        "- Balsam pulls: first Saturday of each month, June to August\n- Knotweed: Rivers Trust to survey",
    ),
    (
        -14,
        "Committee meeting",
        False,
        "1. Accounts\n2. Insurance for work parties\n3. Action plan review",
        "The treasurer reported £420 in the bank. Insurance renewed with the county network. "
        "Three actions reviewed, one closed.",
    ),
    (
        21,
        "Autumn open meeting",
        True,
        "1. The season in numbers\n2. Signal crayfish: what the survey found\n3. Volunteers' ideas for next year",
        "",
    ),
]

DEMO_ACTIONS = [
    # (issue, action, due in days, status, evaluation)
    (
        "Himalayan balsam spreading below the weir",
        "Monthly pulls from June to August on the three worst stretches",
        -20,
        "done",
        "Worked: the stretch below the weir is clear; the upstream stretch needs another year.",
    ),
    (
        "Knotweed stand by the road bridge",
        "Ask the Rivers Trust to survey and treat it",
        -5,
        "in_progress",
        "",
    ),
    ("Few anglers know about Check, Clean, Dry", "Put up signs at the four car parks", 30, "open", ""),
    ("Too few volunteers on weekdays", "Talk to the college about a student work party", 45, "open", ""),
]

DEMO_UPDATES = [
    (
        -40,
        "Balsam season starts",
        "Our first **balsam pull** is on Saturday. Bring gloves; we bring tea and cake.",
    ),
    (
        -10,
        "Thank you, volunteers",
        "This summer 64 volunteers gave 410 hours and cleared **3.2 km** of riverbank.",
    ),
]


def load_running(groups):
    """Meetings with agendas and minutes, action plan rows and updates for the coordinated groups (once)."""
    now = timezone.now()
    for group in groups:
        if not group.coordinators().exists() or group.meetings.exists():
            continue
        meetings = []
        for days, title, public, agenda, minutes in DEMO_MEETINGS:
            starts_at = (now + timedelta(days=days)).replace(hour=19, minute=0, second=0, microsecond=0)
            meeting = Meeting.objects.create(
                group=group,
                title=title,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                venue="Village hall, Main Street",
                is_public=public,
                agenda=agenda,
                agenda_published_at=starts_at - timedelta(days=7),
                minutes=minutes,
                minutes_published_at=starts_at + timedelta(days=3) if minutes else None,
            )
            meeting.attendees.set(group.memberships.active()[:4] if days < 0 else [])
            meetings.append(meeting)
        lead = group.memberships.active().first()
        for index, (issue, action, due_in, status, evaluation) in enumerate(DEMO_ACTIONS):
            row = ActionItem.objects.create(
                group=group,
                issue=issue,
                action=action,
                lead_member=lead if index % 2 == 0 else None,
                lead_partner="" if index % 2 == 0 else "Rivers Trust",
                due_on=timezone.localdate() + timedelta(days=due_in),
                status=status,
                evaluation=evaluation,
                raised_at=meetings[0],
            )
            row.reviewed_at.set(meetings[1:2])
        for days, title, body in DEMO_UPDATES:
            Update.objects.create(
                group=group, title=title, body=body, published_at=now + timedelta(days=days)
            )
