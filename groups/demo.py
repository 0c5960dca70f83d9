"""Demo groups for `manage.py load_demo`: the 20 groups of data/demo_lags.csv, each covering the
union of its named districts. The areas are illustrative and the site says so."""

import csv

from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User

from . import importers, services
from .models import (
    Country,
    CoverageSnapshot,
    District,
    JoiningMethod,
    LocalActionGroup,
    Membership,
    MembershipRole,
    Role,
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


def _member(user, group, *, status=Membership.Status.ACTIVE, roles=()):
    now = timezone.now()
    membership, created = Membership.objects.get_or_create(
        user=user,
        group=group,
        defaults={
            "status": status,
            "joined_at": now if status == Membership.Status.ACTIVE else None,
            "contact_consent": True,
            "contact_consent_text": CONSENT_TEXT,
            "contact_consent_at": now,
        },
    )
    if created:
        for role in roles:
            MembershipRole.objects.create(membership=membership, role=role)
    return membership


def load_members(groups, coordinator, volunteer):
    """Give some groups a coordinator, officers and members (once)."""
    by_name = {group.name.split(" (")[0]: group for group in groups}
    cfinns = by_name["Cumbria Freshwater Invasive Non-Native Species Initiative"]
    tweed = by_name["Tweed Invasives Project"]
    for group in (cfinns, tweed):
        _member(coordinator, group, roles=[Role.COORDINATOR])
    _member(volunteer, cfinns)
    on_request = next(group for group in groups if group.joining_method == JoiningMethod.ON_REQUEST)
    _member(volunteer, on_request, status=Membership.Status.PENDING)

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
