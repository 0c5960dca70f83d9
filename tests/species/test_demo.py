"""The species part of the demo, on the real demo groups (loaded once for this module)."""

import pytest
from django.core.management import call_command
from django.db.models import Exists, OuterRef

from accounts.models import User
from groups import demo as groups_demo
from groups import importers
from groups.models import CoverageSnapshot, District, LandArea, LocalActionGroup
from lagportal.lib.models import Message, Outcode
from species import demo
from species.models import (
    Decision,
    Sighting,
    Species,
    Subscription,
    Treatment,
    VerificationStatus,
    binomial_of,
)


@pytest.fixture(scope="module")
def demo_groups(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        importers.load_districts()
        importers.load_outcodes()
        groups_demo.load_groups()
        yield
        LocalActionGroup.objects.all().delete()
        for model in (District, Outcode, LandArea, CoverageSnapshot):
            model.objects.all().delete()


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_groups")]


def load_demo():
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))


def snapshot():
    """Every row the species demo makes or changes, as comparable values."""
    return {
        "species": list(Species.objects.order_by("pk").values_list("pk", "updated_at", "on_alert_list")),
        "sightings": list(
            Sighting.objects.order_by("pk").values_list("pk", "status", "treatment", "updated_at")
        ),
        "decisions": list(Decision.objects.order_by("pk").values_list("pk", "sighting", "status")),
        "subscriptions": list(
            Subscription.objects.order_by("pk").values_list("pk", "user", "species", "group", "is_active")
        ),
        "targets": list(
            Species.targeted_by.through.objects.order_by("pk").values_list("species", "localactiongroup")
        ),
        "emails": Message.objects.count(),
    }


def test_loading_the_demo_twice_changes_nothing():
    load_demo()
    first = snapshot()
    load_demo()
    assert snapshot() == first


def test_the_demo_has_curated_species_an_alert_list_and_targets():
    load_demo()

    # The import brings the shipped lists; every species the demo writes about is among them.
    demo_binomials = [binomial_of(names[0]) for names in demo.DEMO_SPECIES.values()]
    assert Species.objects.filter(binomial__in=demo_binomials).count() == len(demo.DEMO_SPECIES)
    balsam = Species.objects.get(binomial="impatiens glandulifera")
    assert balsam.common_name == "Himalayan balsam"
    for field in ("identification", "similar_species", "impacts", "management", "biosecurity", "legislation"):
        assert getattr(balsam, field), field
    assert Species.objects.get(binomial="fallopia japonica").common_name == "Japanese knotweed"

    alert_list = Species.objects.on_alert_list()
    assert sorted(alert_list.values_list("binomial", flat=True)) == [
        "dikerogammarus villosus",
        "ludwigia grandiflora",
        "vespa velutina",
    ]
    assert all(species.alert_reason for species in alert_list)

    assert not LocalActionGroup.objects.filter(target_species__isnull=True).exists()
    cfinns = LocalActionGroup.objects.get(name__startswith="Cumbria Freshwater")
    assert {"Himalayan balsam", "Signal crayfish", "American skunk cabbage"} <= set(
        cfinns.target_species.values_list("common_name", flat=True)
    )


def test_the_demo_sightings_are_in_the_groups_areas_some_verified_by_staff_some_waiting_two_treated():
    load_demo()
    staff = User.objects.get(email="staff@demo.lagportal.localhost")

    # The volunteering demo's work parties add records of what they treated (tested there).
    sightings = Sighting.objects.exclude(submitted_through="work_party")
    assert sightings.count() == len(demo.DEMO_SIGHTINGS) >= 30
    covered = LocalActionGroup.objects.filter(coverage__intersects=OuterRef("location"))
    assert not sightings.exclude(Exists(covered)).exists(), "every sighting lies in a demo group's area"

    verified = sightings.verified()
    assert verified.count() >= 15
    assert not verified.exclude(decisions__verifier=staff).exists()
    assert sightings.filter(status=VerificationStatus.NOT_REVIEWED).count() >= 8
    assert not sightings.filter(status=VerificationStatus.NOT_REVIEWED, decisions__isnull=False).exists()
    assert sightings.filter(treatment=Treatment.TREATED).count() == 2
    assert sightings.filter(species__on_alert_list=True).exists()


def test_demo_people_follow_something_and_the_coordinator_has_default_alerts():
    load_demo()
    volunteer = User.objects.get(email="volunteer@demo.lagportal.localhost")
    coordinator = User.objects.get(email="coordinator@demo.lagportal.localhost")

    mine = Subscription.objects.filter(user=volunteer)
    assert mine.filter(species__binomial="impatiens glandulifera", group__name__startswith="Cumbria").exists()
    assert mine.filter(species__isnull=True, postcode="CA11", radius_km=25).exists()
    defaults = Subscription.objects.filter(user=coordinator, is_default=True, species__isnull=True)
    assert sorted(defaults.values_list("group__name", flat=True)) == [
        "Cumbria Freshwater Invasive Non-Native Species Initiative (CFINNS)",
        "Tweed Invasives Project",
    ]


def test_the_demo_keeps_what_the_species_import_or_staff_wrote():
    imported = Species.objects.create(
        scientific_name="Impatiens glandulifera Royle",
        slug="impatiens-glandulifera-royle",
        common_name="Himalayan Balsam",
        portal_url="https://www.nonnativespecies.org/non-native-species/information-portal/view/1",
        identification="Written by NNSS staff.",
    )

    load_demo()

    imported.refresh_from_db()
    assert Species.objects.filter(binomial=binomial_of("Impatiens glandulifera")).count() == 1
    assert imported.common_name == "Himalayan Balsam"
    assert imported.slug == "impatiens-glandulifera-royle"
    assert imported.identification == "Written by NNSS staff."
    assert imported.impacts == demo.CURATED["balsam"]["impacts"]
    assert imported.sightings.exists()
