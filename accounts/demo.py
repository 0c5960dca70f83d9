"""Demo people for `manage.py load_demo`: fixed, published logins for a local site only."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from .models import User
from .roles import COORDINATORS, NATIONAL_COORDINATORS, NNSS_STAFF

DEMO_PASSWORD = "lag-demo-2026"

DEMO_PEOPLE = [
    {
        "email": "staff@demo.lagportal.localhost",
        "full_name": "Nia Staff (NNSS)",
        "role": NNSS_STAFF,
        "what": "NNSS staff: everything in the admin",
    },
    {
        "email": "coordinator@demo.lagportal.localhost",
        "full_name": "Callum Coordinator",
        "role": COORDINATORS,
        "what": "a group coordinator: the admin, scoped to their groups",
    },
    {
        "email": "lag.coordinator@demo.lagportal.localhost",
        "full_name": "Lowri Jones (APHA)",
        "role": NATIONAL_COORDINATORS,
        "what": "the national LAG Coordinator (APHA): requests to groups with no coordinator",
    },
    {
        "email": "volunteer@demo.lagportal.localhost",
        "full_name": "Vera Volunteer",
        "role": None,
        "what": "a volunteer: the public site and My account",
    },
]


def load():
    """Create the demo people once (a re-run changes nothing) and return their logins."""
    logins = []
    for person in DEMO_PEOPLE:
        user, created = User.objects.get_or_create(
            email=person["email"],
            defaults={"full_name": person["full_name"], "is_staff": person["role"] is not None},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if person["role"]:
                user.groups.add(Group.objects.get(name=person["role"]))
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        logins.append((person["email"], DEMO_PASSWORD, person["what"]))
    return logins


def demo_users(*handles):
    """The demo users whose address starts with each handle, e.g. demo_users("volunteer")."""
    return [User.objects.get(email=f"{handle}@demo.lagportal.localhost") for handle in handles]
