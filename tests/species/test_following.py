"""Following a species or a place: My account's pages, coordinators' default alerts, and who is
emailed when a record is verified."""

import pytest
from django.contrib.gis.geos import Point
from django.core import mail as outbox
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from groups import services as group_services
from groups.models import Membership, Role
from lagportal.lib.models import Message, Outcode
from species import following, services
from species.emails import FOLLOWED_SIGHTING
from species.models import Subscription, VerificationStatus

from ..factories import UserFactory
from ..groups.factories import CARLISLE, NORWICH, GroupFactory, make_coordinator, make_member, square
from .factories import SightingFactory, SpeciesFactory

pytestmark = pytest.mark.django_db

FOLLOWING = "/species/following/"
ADD = "/species/following/add/"


def another_species():
    """A species with a binomial of its own (the factory's names differ only in digits, which the
    binomial leaves out)."""
    epithet = "".join(chr(ord("a") + int(digit)) for digit in str(another_species.count))
    another_species.count += 1
    return SpeciesFactory(scientific_name=f"Othergenus {epithet}ica", slug=f"othergenus-{epithet}ica")


another_species.count = 0


def point(latitude, longitude):
    return Point(longitude, latitude, srid=4326)


# 10.6 km north of Carlisle's centre (0.095° of latitude), still inside the test group's square.
NORTH_OF_CARLISLE = (CARLISLE[0] + 0.095, CARLISLE[1])


@pytest.fixture
def balsam():
    return SpeciesFactory(
        scientific_name="Impatiens glandulifera Royle",
        slug="impatiens-glandulifera",
        common_name="Himalayan balsam",
    )


@pytest.fixture
def hornet():
    return SpeciesFactory(
        scientific_name="Vespa velutina nigrithorax",
        slug="vespa-velutina",
        common_name="Asian hornet",
        on_alert_list=True,
        alert_reason="Not established in Great Britain: every sighting matters.",
    )


@pytest.fixture
def eden():
    return GroupFactory(name="Eden Balsam Bashers")


@pytest.fixture
def carlisle_postcodes():
    Outcode.objects.create(code="CA1", location=point(*CARLISLE), town="Carlisle")
    Outcode.objects.create(code="NR1", location=point(*NORWICH), town="Norwich")


def verified(species, at=CARLISLE, **fields):
    return SightingFactory(species=species, location=point(*at), status=VerificationStatus.CORRECT, **fields)


def emails_to(person):
    return [email for email in outbox.outbox if email.to == [person.email]]


# --- Who may see and change what ----------------------------------------------------------------


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", FOLLOWING),
        ("get", ADD),
        ("post", ADD),
        ("post", "/species/following/1/pause/"),
        ("post", "/species/following/1/resume/"),
        ("post", "/species/following/1/delete/"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("action", ["pause", "resume", "delete"])
def test_nobody_can_pause_resume_or_delete_another_persons_subscription(
    client, volunteer, other_volunteer, eden, action
):
    theirs = Subscription.objects.create(user=other_volunteer, group=eden)
    client.force_login(volunteer)

    assert client.post(f"/species/following/{theirs.pk}/{action}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_another_persons_subscriptions_are_not_listed(client, volunteer, other_volunteer, eden, balsam):
    Subscription.objects.create(user=other_volunteer, group=eden, species=balsam)
    client.force_login(volunteer)
    page = client.get(FOLLOWING).content.decode()
    assert "You do not follow any species or place yet." in page
    assert "Himalayan balsam" not in page


@pytest.mark.parametrize("action", ["pause", "resume", "delete"])
def test_changes_are_post_only(client, volunteer, eden, action):
    mine = Subscription.objects.create(user=volunteer, group=eden)
    client.force_login(volunteer)
    assert client.get(f"/species/following/{mine.pk}/{action}/").status_code == 405
    assert Subscription.objects.filter(pk=mine.pk, is_active=True).exists()


def test_the_account_menu_links_to_species_alerts(client, volunteer):
    client.force_login(volunteer)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{FOLLOWING}"' in page and "Species alerts" in page


# --- Following --------------------------------------------------------------------------------


def test_a_volunteer_follows_a_species_in_a_groups_area_by_a_misspelt_name(client, volunteer, eden, balsam):
    client.force_login(volunteer)
    response = client.post(
        ADD, {"what": "species", "species": "himalyan balsm", "area": "group", "group": eden.pk}, follow=True
    )

    page = response.content.decode()
    assert (
        escape(
            "You now follow: Himalayan balsam (Impatiens glandulifera Royle), in the area of Eden Balsam Bashers."
        )
        in page
    )
    subscription = Subscription.objects.get(user=volunteer)
    assert (subscription.species, subscription.group, subscription.is_active) == (balsam, eden, True)
    assert subscription.centre is None and not subscription.is_default


def test_a_volunteer_follows_the_alert_list_around_a_postcode(client, volunteer, carlisle_postcodes):
    client.force_login(volunteer)
    response = client.post(
        ADD,
        {
            "what": "alert_list",
            "species": "ignored",
            "area": "postcode",
            "postcode": "ca1",
            "radius_km": "15",
        },
    )

    assert response.status_code == 302
    subscription = Subscription.objects.get(user=volunteer)
    assert subscription.species is None and subscription.group is None
    assert (subscription.postcode, subscription.radius_km) == ("CA1", 15)
    assert subscription.centre.equals_exact(point(*CARLISLE), tolerance=1e-6)
    page = client.get(FOLLOWING).content.decode()
    assert "Every species on the alert list, within 15 km of CA1" in page


@pytest.mark.parametrize(
    "postcode, message",
    [
        ("BT1 1AA", "BT1 1AA is a postcode in Northern Ireland."),
        ("JE2 3AB", "JE2 3AB is a postcode in Jersey."),
        ("ZZ9", "We don't know the postcode area ZZ9."),
        ("hello", "“hello” is not a UK postcode."),
        ("", "Enter a postcode, for example CA1 1AA or CA1."),
    ],
)
def test_a_postcode_outside_great_britain_or_unknown_is_refused_next_to_the_field(
    client, volunteer, carlisle_postcodes, postcode, message
):
    client.force_login(volunteer)
    response = client.post(
        ADD, {"what": "alert_list", "area": "postcode", "postcode": postcode, "radius_km": "10"}
    )

    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert 'id="error_1_id_postcode"' in response.content.decode()
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("radius", ["0", "51", "ten", ""])
def test_a_distance_outside_1_to_50_km_is_refused(client, volunteer, carlisle_postcodes, radius):
    client.force_login(volunteer)
    response = client.post(
        ADD, {"what": "alert_list", "area": "postcode", "postcode": "CA1", "radius_km": radius}
    )
    assert response.status_code == 200
    assert 'id="error_1_id_radius_km"' in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_species_nobody_knows_or_several_match_is_refused_with_the_candidates(
    client, volunteer, eden, balsam
):
    SpeciesFactory(
        scientific_name="Impatiens parviflora", slug="impatiens-parviflora", common_name="Small balsam"
    )
    client.force_login(volunteer)

    unknown = client.post(ADD, {"what": "species", "species": "unicorn", "area": "group", "group": eden.pk})
    assert escape("No species matches “unicorn”.") in unknown.content.decode()

    several = client.post(ADD, {"what": "species", "species": "balsam", "area": "group", "group": eden.pk})
    page = several.content.decode()
    assert escape("Several species match “balsam”:") in page
    assert "Small balsam (Impatiens parviflora)" in page

    missing = client.post(ADD, {"what": "species", "species": " ", "area": "group", "group": eden.pk})
    assert "Type the name of the species to follow." in missing.content.decode()
    assert not Subscription.objects.exists()


def test_a_group_must_be_chosen_and_active(client, volunteer):
    closed = GroupFactory(name="Closed Group", is_active=False)
    client.force_login(volunteer)
    none = client.post(ADD, {"what": "alert_list", "area": "group"})
    assert "Choose the group whose area to follow." in none.content.decode()
    inactive = client.post(ADD, {"what": "alert_list", "area": "group", "group": closed.pk})
    assert 'id="error_1_id_group"' in inactive.content.decode()
    assert "Closed Group" not in client.get(ADD).content.decode()
    assert not Subscription.objects.exists()


def test_following_the_same_thing_twice_is_refused_with_a_message(client, volunteer, eden, balsam):
    client.force_login(volunteer)
    data = {"what": "species", "species": "Impatiens glandulifera", "area": "group", "group": eden.pk}
    client.post(ADD, data)
    again = client.post(ADD, data)

    assert escape("You already follow this: it is in your list below.") in again.content.decode()
    assert Subscription.objects.filter(user=volunteer).count() == 1

    services.set_following_active(Subscription.objects.get(), False)
    paused = client.post(ADD, data)
    assert "You already follow this, paused: resume it in your list below." in paused.content.decode()
    assert Subscription.objects.filter(user=volunteer).count() == 1


def test_a_person_follows_at_most_the_limit(client, volunteer, settings, monkeypatch):
    monkeypatch.setattr(following, "MAX_SUBSCRIPTIONS", 2)
    groups = [GroupFactory() for _ in range(3)]
    for group in groups[:2]:
        services.follow(volunteer, group=group)
    client.force_login(volunteer)

    response = client.post(ADD, {"what": "alert_list", "area": "group", "group": groups[2].pk})

    assert (
        "You follow 2 species and places, the most one person can: delete one first."
        in response.content.decode()
    )
    assert Subscription.objects.filter(user=volunteer).count() == 2


def test_pause_resume_and_delete_say_what_they_did(client, volunteer, eden, balsam):
    mine = services.follow(volunteer, species=balsam, group=eden)
    client.force_login(volunteer)
    what = "Himalayan balsam (Impatiens glandulifera Royle), in the area of Eden Balsam Bashers"

    paused = client.post(f"/species/following/{mine.pk}/pause/", follow=True).content.decode()
    assert escape(f"Paused: {what}.") in paused
    assert "Paused: you get no emails about it." in paused
    assert not Subscription.objects.get(pk=mine.pk).is_active

    resumed = client.post(f"/species/following/{mine.pk}/resume/", follow=True).content.decode()
    assert escape(f"Resumed: {what}.") in resumed
    assert Subscription.objects.get(pk=mine.pk).is_active

    deleted = client.post(f"/species/following/{mine.pk}/delete/", follow=True).content.decode()
    assert escape(f"Deleted: {what}.") in deleted
    assert not Subscription.objects.filter(pk=mine.pk).exists()


@pytest.mark.parametrize("rows", [2, 12])
def test_the_list_takes_the_same_queries_however_many_are_followed(
    client, volunteer, django_assert_max_num_queries, rows, carlisle_postcodes
):
    for index in range(rows):
        if index % 2:
            services.follow(volunteer, species=another_species(), group=GroupFactory())
        else:
            services.follow(volunteer, postcode="CA1", centre=point(*CARLISLE), radius_km=index + 1)
    client.force_login(volunteer)
    with django_assert_max_num_queries(6):
        page = client.get(FOLLOWING).content.decode()
    assert page.count('action="/species/following/') == 2 * rows


# --- Coordinators' default subscriptions ------------------------------------------------------


def test_a_new_coordinator_follows_the_alert_list_in_the_groups_area(coordinator, eden):
    make_coordinator(coordinator, eden)
    subscription = Subscription.objects.get(user=coordinator)
    assert (subscription.group, subscription.species, subscription.is_default, subscription.is_active) == (
        eden,
        None,
        True,
        True,
    )


def test_an_opted_out_default_is_never_made_again(client, coordinator, eden):
    membership = make_coordinator(coordinator, eden)
    default = Subscription.objects.get(user=coordinator)
    client.force_login(coordinator)
    page = client.get(FOLLOWING).content.decode()
    assert "You follow this because you coordinate the group." in page
    assert f"/species/following/{default.pk}/delete/" not in page

    # Deleting it is an opt-out too: kept, paused, so nothing makes it again.
    response = client.post(f"/species/following/{default.pk}/delete/", follow=True)
    assert "paused rather than deleted" in response.content.decode()

    group_services.end_role(membership.roles.get(role=Role.COORDINATOR))
    group_services.give_role(Membership.objects.get(pk=membership.pk), Role.COORDINATOR)
    call_command("subscribe_coordinators", stdout=open("/dev/null", "w"))

    assert list(Subscription.objects.filter(user=coordinator).values_list("is_active", flat=True)) == [False]


def test_a_coordinator_who_follows_the_alert_list_there_already_gets_no_second(coordinator, eden):
    make_member(coordinator, eden)
    services.follow(coordinator, group=eden)
    make_coordinator(coordinator, eden)
    assert Subscription.objects.filter(user=coordinator).count() == 1
    assert not Subscription.objects.get(user=coordinator).is_default


def test_the_default_goes_when_the_person_stops_coordinating_the_group(coordinator, eden):
    membership = make_coordinator(coordinator, eden)
    group_services.leave_group(membership)
    assert not Subscription.objects.filter(user=coordinator).exists()


def test_the_command_gives_existing_coordinators_their_default_once(coordinator, eden):
    make_coordinator(coordinator, eden)
    Subscription.objects.all().delete()  # coordinators from before following existed

    call_command("subscribe_coordinators", stdout=open("/dev/null", "w"))
    call_command("subscribe_coordinators", stdout=open("/dev/null", "w"))

    assert list(Subscription.objects.values_list("user", "group", "is_default")) == [
        (coordinator.pk, eden.pk, True)
    ]


# --- Who is told of a verified record ---------------------------------------------------------


@pytest.fixture
def followers(balsam, hornet, eden, carlisle_postcodes):
    """People following various things; the record will be Himalayan balsam, verified in Carlisle."""
    norwich = GroupFactory(name="Norfolk Group", coverage=square(*NORWICH))
    people = {
        name: UserFactory(email=f"{name}@example.org")
        for name in [
            "balsam_in_eden",
            "balsam_nearby",
            "balsam_far_radius",
            "balsam_in_norfolk",
            "other_species",
            "alert_list_in_eden",
            "paused",
            "two_ways",
        ]
    }
    services.follow(people["balsam_in_eden"], species=balsam, group=eden)
    services.follow(
        people["balsam_nearby"], species=balsam, postcode="CA1", centre=point(*CARLISLE), radius_km=5
    )
    # 30 km away, following 20 km around: the record is outside.
    services.follow(
        people["balsam_far_radius"],
        species=balsam,
        postcode="CA1",
        centre=point(CARLISLE[0] + 0.27, CARLISLE[1]),
        radius_km=20,
    )
    services.follow(people["balsam_in_norfolk"], species=balsam, group=norwich)
    services.follow(people["other_species"], species=another_species(), group=eden)
    services.follow(people["alert_list_in_eden"], group=eden)
    services.set_following_active(services.follow(people["paused"], species=balsam, group=eden), False)
    services.follow(people["two_ways"], species=balsam, group=eden)
    services.follow(people["two_ways"], species=balsam, postcode="CA1", centre=point(*CARLISLE), radius_km=10)
    return people


def test_a_verified_record_emails_those_following_its_species_in_an_area_containing_it_once_each(
    followers, balsam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.tell_followers(verified(balsam, at=CARLISLE))

    told = sorted(email.to[0].split("@")[0] for email in outbox.outbox)
    assert told == ["balsam_in_eden", "balsam_nearby", "two_ways"]
    [both] = emails_to(followers["two_ways"])
    assert "in the area of Eden Balsam Bashers" in both.body and "within 10 km of CA1" in both.body


def test_the_radius_is_measured_on_the_ground(followers, balsam, django_capture_on_commit_callbacks):
    # 10.6 km north: outside 5 and 10 km of Carlisle's centre, inside the group's square, and 19.5 km
    # from the far follower's centre, inside their 20 km.
    with django_capture_on_commit_callbacks(execute=True):
        services.tell_followers(verified(balsam, at=NORTH_OF_CARLISLE))
    told = sorted(email.to[0].split("@")[0] for email in outbox.outbox)
    assert told == ["balsam_far_radius", "balsam_in_eden", "two_ways"]


def test_an_alert_list_species_reaches_those_following_the_alert_list(
    followers, hornet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.tell_followers(verified(hornet))
    assert [email.to for email in outbox.outbox] == [[followers["alert_list_in_eden"].email]]


@pytest.mark.parametrize(
    "status", [VerificationStatus.NOT_REVIEWED, VerificationStatus.PLAUSIBLE, VerificationStatus.INCORRECT]
)
def test_an_unverified_record_emails_nobody(followers, balsam, status, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sighting = SightingFactory(species=balsam, location=point(*CARLISLE), status=status)
        assert services.tell_followers(sighting) == []
    assert outbox.outbox == []
    assert not Message.objects.filter(kind=FOLLOWED_SIGHTING).exists()


def test_a_record_no_longer_accepted_when_the_email_goes_is_not_sent(
    followers, balsam, django_capture_on_commit_callbacks
):
    sighting = verified(balsam)
    with django_capture_on_commit_callbacks() as queued:
        services.tell_followers(sighting)
    sighting.status = VerificationStatus.INCORRECT
    sighting.save()
    for send in queued:
        send()
    assert outbox.outbox == []
    assert set(Message.objects.filter(kind=FOLLOWED_SIGHTING).values_list("status", flat=True)) == {
        Message.Status.CANCELLED
    }


def test_telling_twice_emails_nobody_twice(followers, balsam, django_capture_on_commit_callbacks):
    sighting = verified(balsam)
    with django_capture_on_commit_callbacks(execute=True):
        services.tell_followers(sighting)
        services.tell_followers(sighting)
    assert len(outbox.outbox) == 3


@pytest.mark.parametrize("extra", [0, 15])
def test_finding_the_followers_takes_the_same_queries_however_many_subscriptions(
    balsam, eden, carlisle_postcodes, extra, django_assert_num_queries
):
    for _ in range(3 + extra):
        person = UserFactory()
        services.follow(person, species=balsam, group=eden)
        services.follow(person, species=balsam, postcode="CA1", centre=point(*CARLISLE), radius_km=5)
    sighting = verified(balsam)
    # One to find the people, one to record the messages (the content type is cached after the first).
    services.tell_followers(SightingFactory(species=balsam, status=VerificationStatus.CORRECT))
    with django_assert_num_queries(2):
        messages = services.tell_followers(sighting)
    assert len(messages) == 3 + extra


def test_the_email_says_what_when_and_the_1_km_square_never_who(
    followers, balsam, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://lagportal.example.org"
    sighting = verified(balsam, recorder_name="Rhona Recorder", recorder_email="rhona@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.tell_followers(sighting)

    [email] = emails_to(followers["balsam_in_eden"])
    assert "Himalayan balsam" in email.subject
    assert "Species: Himalayan balsam (Impatiens glandulifera Royle)" in email.body
    assert f"Seen on: {sighting.seen_on:%-d %B %Y}" in email.body
    assert "Where: the 1 km square NY 40 55" in email.body
    assert "Rhona" not in email.body and "rhona@" not in email.body
    assert "https://lagportal.example.org/species/following/" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_follower_who_pauses_before_the_email_goes_gets_nothing(
    followers, balsam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        services.tell_followers(verified(balsam))
    services.set_following_active(Subscription.objects.get(user=followers["balsam_in_eden"]), False)
    for send in queued:
        send()
    assert emails_to(followers["balsam_in_eden"]) == []
    assert emails_to(followers["balsam_nearby"])


# --- The stop link ----------------------------------------------------------------------------


def test_the_one_click_stop_pauses_what_the_email_came_from_and_nothing_else(
    client, followers, balsam, django_capture_on_commit_callbacks
):
    person = followers["two_ways"]
    also = services.follow(person, species=another_species(), group=GroupFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.tell_followers(verified(balsam))
    [email] = emails_to(person)
    stop_link = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert stop_link in email.body
    path = stop_link.split("://", 1)[1].split("/", 1)[1]

    asked = client.get(f"/{path}")
    assert "Stop these species alert emails?" in asked.content.decode()
    assert Subscription.objects.filter(user=person, is_active=True).count() == 3

    stopped = client.post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert "You will get no more of these emails" in stopped.content.decode()
    assert list(Subscription.objects.filter(user=person, is_active=True)) == [also]


@pytest.mark.parametrize("token", ["not-a-token", "1", "eyJ0eXAi.forged.sig"])
def test_a_made_up_stop_link_is_not_found_and_changes_nothing(client, volunteer, eden, token):
    Subscription.objects.create(user=volunteer, group=eden)
    assert client.post(f"/species/following/stop/{token}/").status_code == 404
    assert Subscription.objects.get().is_active


def test_a_stop_token_cannot_be_turned_into_someone_elses(client, volunteer, other_volunteer, eden):
    mine = Subscription.objects.create(user=volunteer, group=eden)
    theirs = Subscription.objects.create(user=other_volunteer, group=eden)
    token = following.stop_token(volunteer.pk, [mine.pk, theirs.pk])
    client.post(f"/species/following/stop/{token}/")
    assert Subscription.objects.get(pk=theirs.pk).is_active
    assert not Subscription.objects.get(pk=mine.pk).is_active


def test_the_1_km_square_of_known_points():
    from django.contrib.gis.geos import Point as GeosPoint

    # Ben Nevis summit (NN 16675 71270) and the Greenwich observatory area (TQ 38 77).
    assert following.grid_square(GeosPoint(216675, 771270, srid=27700)) == "NN 16 71"
    assert following.grid_square(GeosPoint(538870, 177370, srid=27700)) == "TQ 38 77"
    assert following.grid_square(GeosPoint(-5, 10, srid=27700)) == ""


def test_a_distance_left_over_from_the_postcode_choice_does_not_stop_following_a_group(
    client, volunteer, eden
):
    client.force_login(volunteer)
    response = client.post(ADD, {"what": "alert_list", "area": "group", "group": eden.pk, "radius_km": "99"})
    assert response.status_code == 302
    assert Subscription.objects.get(user=volunteer).radius_km is None


@pytest.mark.parametrize(
    "typed", ["Impatiens glandulifera", "impatiens  GLANDULIFERA royle", "Himalayan Balsam"]
)
def test_a_full_name_picks_its_species_even_when_others_match_too(client, volunteer, eden, balsam, typed):
    SpeciesFactory(
        scientific_name="Impatiens parviflora", slug="impatiens-parviflora", common_name="Small balsam"
    )
    client.force_login(volunteer)
    response = client.post(ADD, {"what": "species", "species": typed, "area": "group", "group": eden.pk})
    assert response.status_code == 302
    assert Subscription.objects.get(user=volunteer).species == balsam
