"""People who follow a species or a place, and the emails they get when a record is verified.

A subscription names a species (or every alert-list species, `species=None`) and an area: a
group's coverage, or a radius around a postcode. When a record becomes accepted,
`tell_followers` finds in one query everyone with an active subscription that matches it and
queues one email per person. Coordinators get a default subscription to the alert-list species in
their groups' areas when they become coordinator (`give_default_subscription`, connected to the
groups' role rows in `species.apps`); switching it off keeps the row, so it is never made again.
"""

from django.contrib.auth import get_user_model
from django.contrib.gis.db.models import GeometryField, PointField
from django.contrib.gis.db.models.functions import Transform
from django.core import signing
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import Func
from django.utils.translation import gettext as _

from groups.models import MembershipRole
from lagportal.lib import mail
from lagportal.lib.models import Message

from . import emails, gridref
from .models import Sighting, Species, Subscription, binomial_of, folded
from .open_data import SENSITIVE_SQUARE_M, GridSquareCentre, public_square_size

MAX_SUBSCRIPTIONS = 25
RADIUS_KM_MIN, RADIUS_KM_MAX = 1, 50
STOP_SALT = "species.stop-following"
BRITISH_NATIONAL_GRID = 27700


class FollowingError(Exception):
    """A subscription that cannot be made; the message is for the person who asked."""


class _Geography(Func):
    template = "(%(expressions)s)::geography"
    output_field = GeometryField(geography=True)


class _WithinMetres(Func):
    """ST_DWithin on geography: true when the two points are at most `metres` apart on the globe."""

    function = "ST_DWithin"
    output_field = models.BooleanField()


# --- Who follows a record -----------------------------------------------------------------------


def matching_subscriptions(sighting_id):
    """The active subscriptions that a verified record matches: its species, or every alert-list
    species when it is on the list; an area containing its point. None for an unverified record.

    A distance around a postcode is measured to the point the public map gives: for a species
    marked sensitive, the centre of its 10 km square. Measured to the exact point, a follower of a
    sensitive species within 1 km of a postcode (or of several postcodes) would learn from the email
    arriving at all what the public map blurs to 10 km. A group's area, drawn by its coordinators
    (who see the records in it anyway), holds the exact point.

    One query: the sighting is read inside it, so a record no longer accepted matches nothing.
    """
    sighting = Sighting.objects.verified().filter(pk=sighting_id, species__isnull=False).order_by()
    point = Subquery(sighting.values("location")[:1])
    public_point = Subquery(sighting.annotate(public_point=_public_point()).values("public_point")[:1])
    species_id = Subquery(sighting.values("species_id")[:1])
    on_alert_list = Exists(sighting.filter(species__on_alert_list=True))
    in_radius = _WithinMetres(_Geography("centre"), _Geography(public_point), models.F("radius_km") * 1000)
    return Subscription.objects.filter(is_active=True).filter(
        Q(species_id=species_id) | Q(species__isnull=True) & Q(on_alert_list),
        Q(group__coverage__intersects=point) | Q(group__isnull=True) & Q(in_radius),
    )


def _public_point():
    """A sighting's point as the public map gives it for a sensitive species (the 10 km square's
    centre), or its exact point."""
    return Case(
        When(species__is_sensitive=True, then=GridSquareCentre("location", Value(SENSITIVE_SQUARE_M))),
        default=F("location"),
        output_field=PointField(srid=4326),
    )


def followers_of(sighting_id):
    """The people to tell of a verified record (each once), leaving out those already told of it."""
    told = Message.objects.filter(
        kind=emails.FOLLOWED_SIGHTING,
        about_type__app_label="species",
        about_type__model="sighting",
        about_id=sighting_id,
        recipient=OuterRef("pk"),
    ).exclude(status=Message.Status.CANCELLED)
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=matching_subscriptions(sighting_id).values("user_id"))
        .exclude(Exists(told))
        .only("pk", "email")
        .order_by("pk")
    )


def tell_followers(sighting):
    """Queue one email to each person following `sighting`'s species in an area containing it, once
    it is verified (an unverified record tells nobody). Returns the messages queued."""
    people = list(followers_of(sighting.pk))
    if not people:
        return []
    return mail.queue(emails.FOLLOWED_SIGHTING, to=people, about=sighting)


def sighting_for_email(sighting_id):
    """The verified record an email is about, with its point in British National Grid metres and
    the side of the square the public map blurs it to (`square_m`: 10 km for a sensitive species)."""
    return (
        Sighting.objects.verified()
        .filter(pk=sighting_id, species__isnull=False)
        .select_related("species")
        .annotate(location_bng=Transform("location", BRITISH_NATIONAL_GRID), square_m=public_square_size())
        .first()
    )


def grid_square(point_bng, size=1000):
    """The Ordnance Survey grid reference of the `size`-metre square holding a British National Grid
    point, e.g. "NY 39 55" (1 km) or "NY 35" (10 km): where a record is, without its exact spot
    ("" off the grid)."""
    try:
        return gridref.from_grid(point_bng.x, point_bng.y, size=size).spaced
    except gridref.GridReferenceError:
        return ""


# --- The one-click stop link --------------------------------------------------------------------


def stop_token(user_id, subscription_ids):
    """The token of the "stop these emails" link: signed, so it names only the recipient's own
    subscriptions and cannot be guessed or turned into someone else's."""
    return signing.dumps([user_id, sorted(subscription_ids)], salt=STOP_SALT, compress=True)


def subscriptions_for_stop_token(token):
    """The subscriptions a stop link names (still the person's own), or None for a token that isn't one."""
    try:
        user_id, subscription_ids = signing.loads(token, salt=STOP_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or not all(isinstance(pk, int) for pk in subscription_ids):
        return None
    return Subscription.objects.filter(user_id=user_id, pk__in=subscription_ids)


# --- Subscribing --------------------------------------------------------------------------------


def _lock_person(user_id):
    """Every change to a person's subscriptions locks them first: two clicks make one subscription."""
    return get_user_model().objects.select_for_update(of=("self",)).get(pk=user_id)


def _same_subscription(user_id, *, species, group, postcode, radius_km):
    same = Subscription.objects.filter(user_id=user_id, species=species)
    if group is not None:
        return same.filter(group=group)
    return same.filter(group__isnull=True, postcode=postcode, radius_km=radius_km)


@transaction.atomic
def follow(user, *, species=None, group=None, postcode="", centre=None, radius_km=None):
    """Subscribe `user` to records of `species` (None: every alert-list species) verified in
    `group`'s area, or within `radius_km` of `centre` (the point of `postcode`). Returns the
    subscription; raises FollowingError for a duplicate or past the limit per person."""
    _lock_person(user.pk)
    if group is None and (centre is None or radius_km is None):
        raise FollowingError(_("Choose a group's area, or a postcode and a distance."))
    if group is None and not RADIUS_KM_MIN <= radius_km <= RADIUS_KM_MAX:
        raise FollowingError(
            _("Choose a distance from %(min)s to %(max)s km.") % {"min": RADIUS_KM_MIN, "max": RADIUS_KM_MAX}
        )
    existing = _same_subscription(
        user.pk, species=species, group=group, postcode=postcode, radius_km=radius_km
    ).first()
    if existing is not None:
        if existing.is_active:
            raise FollowingError(_("You already follow this: it is in your list below."))
        raise FollowingError(_("You already follow this, paused: resume it in your list below."))
    if Subscription.objects.filter(user=user).count() >= MAX_SUBSCRIPTIONS:
        raise FollowingError(
            _("You follow %(count)s species and places, the most one person can: delete one first.")
            % {"count": MAX_SUBSCRIPTIONS}
        )
    return Subscription.objects.create(
        user=user,
        species=species,
        group=group,
        postcode=postcode if group is None else "",
        centre=centre if group is None else None,
        radius_km=radius_km if group is None else None,
    )


@transaction.atomic
def set_following_active(subscription, active):
    """Pause (False) or resume (True) a subscription; a coordinator's default one paused is their
    opt-out, kept so that it is never made again. Returns the subscription."""
    _lock_person(subscription.user_id)
    Subscription.objects.filter(pk=subscription.pk).update(is_active=active)
    subscription.is_active = active
    return subscription


@transaction.atomic
def stop_following(subscription):
    """Delete a subscription. A coordinator's default one is paused instead (their opt-out), so that
    it is not made again; returns whether it was deleted."""
    _lock_person(subscription.user_id)
    if subscription.is_default:
        set_following_active(subscription, False)
        return False
    Subscription.objects.filter(pk=subscription.pk).delete()
    return True


@transaction.atomic
def pause_many(subscriptions):
    """Pause every subscription in `subscriptions` (the stop link's); returns how many were active."""
    return subscriptions.select_for_update(of=("self",)).filter(is_active=True).update(is_active=False)


# --- Coordinators' default subscriptions --------------------------------------------------------


@transaction.atomic
def give_default_subscription(user_id, group_id):
    """Subscribe a coordinator to the alert-list species in their group's area, unless they follow
    them there already or opted out (their paused default). Returns whether one was made."""
    _lock_person(user_id)
    if Subscription.objects.filter(user_id=user_id, group_id=group_id, species__isnull=True).exists():
        return False
    Subscription.objects.create(user_id=user_id, group_id=group_id, is_default=True)
    return True


def end_default_subscription(user_id, group_id):
    """Delete the active default subscription of someone who no longer coordinates the group; an
    opted-out one stays, so that it is never made again."""
    Subscription.objects.filter(user_id=user_id, group_id=group_id, is_default=True, is_active=True).delete()


def coordinator_role_saved(sender, instance, raw=False, **kwargs):
    """Receiver of the groups' role rows: a coordinator role opened or closed."""
    from groups.models import Membership, Role

    if raw or instance.role != Role.COORDINATOR:
        return
    membership = Membership.objects.only("user_id", "group_id", "status").get(pk=instance.membership_id)
    if instance.ended_on is None and membership.status == Membership.Status.ACTIVE:
        give_default_subscription(membership.user_id, membership.group_id)
    elif not MembershipRole.objects.coordinating().filter(membership=membership).exists():
        end_default_subscription(membership.user_id, membership.group_id)


def subscribe_coordinators():
    """Give every current coordinator their default subscription to each group they coordinate
    (safe to run any number of times). Returns how many were made."""
    pairs = (
        MembershipRole.objects.coordinating()
        .values_list("membership__user_id", "membership__group_id")
        .order_by("membership__user_id", "membership__group_id")
        .distinct()
    )
    return sum(give_default_subscription(user_id, group_id) for user_id, group_id in pairs)


def resolve_species(text):
    """The species a person typed, by `Species.objects.search`: an exact name, else the only match.
    Raises FollowingError naming the candidates when several match, or none."""
    wanted = folded(" ".join(text.split()))
    candidates = list(
        Species.objects.search(text).only("pk", "scientific_name", "binomial", "common_name", "search_names")[
            :6
        ]
    )
    if not candidates:
        raise FollowingError(
            _("No species matches “%(text)s”. Check the spelling, or try its scientific name.")
            % {"text": text}
        )
    for species in candidates:
        if wanted in species.search_names.split(" | ") or binomial_of(text) == species.binomial:
            return species
    if len(candidates) == 1:
        return candidates[0]
    names = ", ".join(str(species) for species in candidates[:5])
    raise FollowingError(
        _("Several species match “%(text)s”: %(names)s. Type the full name of the one you mean.")
        % {"text": text, "names": names}
    )
