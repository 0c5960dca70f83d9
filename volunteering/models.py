"""Events (work parties, surveys, training days), the people signed up to them, and what was done.

The number of places taken is kept on the event (`places_taken`) and changed only by
`volunteering.services`, inside the transaction that changes a sign-up and with the event's row
locked; a check constraint makes PostgreSQL refuse any write that would take more places than the
event has, whatever the code above it does.
"""

import secrets
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Case, Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups.models.base import GroupRowQuerySet


class EventKind(models.TextChoices):
    WORK_PARTY = "work_party", _("Work party")
    SURVEY = "survey", _("Survey")
    TRAINING = "training", _("Training")
    MEETING = "meeting", _("Meeting")
    AWARENESS = "awareness", _("Awareness event")


# The years an event may be in.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


class EventQuerySet(GroupRowQuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def public(self):
        """Events anyone may see: published, or cancelled after being published (their page says so)."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def upcoming(self):
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")

    def past(self):
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-pk")

    def touch(self):
        """Mark these events changed (`updated_at`): what their pages, feeds and their group's totals
        show depends on their sign-ups and work records too, and cached pages follow `updated_at`."""
        return self.update(updated_at=timezone.now())

    def national(self):
        """Events NNSS organises (the annual LAG workshop, training days): no group."""
        return self.filter(group__isnull=True)

    def for_lists(self):
        """Each with its group, and without the long texts that only the event's own page shows."""
        return self.with_group().defer("description", "what_to_bring", "access_notes", "safety_notes")

    def with_target_species(self):
        """Prefetch the target species (their names and address only), by scientific name."""
        species = Event._meta.get_field("target_species").related_model
        return self.prefetch_related(
            Prefetch(
                "target_species",
                queryset=species.objects.only("slug", "scientific_name", "common_name").order_by(
                    "scientific_name"
                ),
            )
        )

    def near(self, point, km):
        """Events whose meeting point is within `km` of `point`, nearest first, with their `distance`."""
        return (
            self.filter(meeting_point__distance_lte=(point, D(km=km)))
            .annotate(distance=Distance("meeting_point", point))
            .order_by("distance", "starts_at", "pk")
        )


class Event(models.Model):
    """A work party, survey, training day, meeting or awareness event of a group, or a national one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    group = models.ForeignKey(
        "groups.LocalActionGroup",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="events",
        null=True,
        blank=True,
        help_text=_("Leave blank for a national event organised by NNSS (NNSS staff only)."),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices, default=EventKind.WORK_PARTY)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    meeting_point = models.PointField(_("meeting point"), srid=4326)
    meeting_point_note = models.CharField(
        _("how to find the meeting point"),
        max_length=300,
        blank=True,
        help_text=_("What to look for, e.g. 'Car park by the bridge; look for the orange flag'."),
    )
    places = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
        help_text=_("How many people can come. Leave blank for no limit."),
    )
    places_taken = models.PositiveIntegerField(
        _("places taken"),
        default=0,
        editable=False,
        help_text=_("Confirmed, attended or offered sign-ups. Kept by the portal."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: **bold**, lists, links. No images or HTML.")
    )
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    access_notes = models.TextField(
        _("access and accessibility"),
        blank=True,
        help_text=_("Terrain, distance from parking, toilets, step-free access…"),
    )
    safety_notes = models.TextField(
        _("safety notes"),
        blank=True,
        help_text=_(
            "What everyone must read and agree to before signing up (e.g. wear gloves, near deep water)."
        ),
    )
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    target_species = models.ManyToManyField(
        "species.Species", verbose_name=_("target species"), blank=True, related_name="events"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    planned_from = models.ForeignKey(
        "volunteering.WorkRecord",
        verbose_name=_("follow-up of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up_events",
        help_text=_("The treated site this event revisits."),
    )
    # RFC 5545: the same UID for the life of the event, SEQUENCE bumped on every change people see.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["status", "ends_at"], name="event_status_ends"),
            # Past events newest first, and a group's totals per year (see docs/benchmarks.md).
            models.Index(fields=["status", "starts_at", "id"], name="event_status_starts"),
            models.Index(fields=["group", "status", "starts_at"], name="event_group_status_starts"),
            # The admin's list, oldest first by default.
            models.Index(fields=["starts_at", "id"], name="event_starts"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            # The capacity rule, in the database: no write may take more places than there are.
            models.CheckConstraint(
                condition=Q(places__isnull=True) | Q(places_taken__lte=F("places")),
                name="event_places_taken_within_places",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("volunteering:event_detail", args=[self.pk])

    def clean(self):
        # Beyond these years a date is a typing mistake (and year 1 leaves no room for an offer's
        # deadline before the start).
        wrong = {
            name: _("Choose a date between %(first)d and %(last)d.")
            % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
            for name in ("starts_at", "ends_at")
            if getattr(self, name) and not EARLIEST_YEAR <= getattr(self, name).year <= LATEST_YEAR
        }
        if wrong:
            raise ValidationError(wrong)
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The event must end after it starts.")})
        if self.places is not None and self.pk and self.places < self.places_taken:
            raise ValidationError(
                {
                    "places": _(
                        "%(taken)d places are already taken: cancel sign-ups first, or keep at least that many."
                    )
                    % {"taken": self.places_taken}
                }
            )

    @property
    def is_national(self):
        return self.group_id is None

    @property
    def organiser_name(self):
        """The name of the group running the event, or NNSS's for a national event."""
        return self.group.name if self.group_id else gettext("GB Non-native Species Secretariat")

    @property
    def is_unlimited(self):
        return self.places is None

    @property
    def places_left(self):
        """Places not yet taken, or None when there is no limit."""
        return None if self.places is None else max(self.places - self.places_taken, 0)

    @property
    def is_full(self):
        return self.places is not None and self.places_taken >= self.places

    @property
    def is_past(self):
        return self.ends_at < timezone.now()

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_open_for_signup(self):
        return self.status == self.Status.PUBLISHED and self.starts_at > timezone.now()

    @property
    def length_hours(self):
        """The event's length in hours (two decimals): the default hours of someone who came."""
        seconds = (self.ends_at - self.starts_at).total_seconds()
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))


class SignupQuerySet(GroupRowQuerySet):
    def holding_places(self):
        return self.filter(state__in=Signup.HOLDING_PLACE)

    def waiting(self):
        """The waiting list, in the order people joined it."""
        return self.filter(state=Signup.State.WAITLISTED).order_by("queued_at", "pk")

    def going(self):
        return self.filter(state__in=[Signup.State.CONFIRMED, Signup.State.OFFERED])

    def of(self, user):
        return self.filter(user=user)

    def ahead_of(self, event_id, queued_at, pk):
        """The sign-ups waiting before the place (`queued_at`, `pk`) in `event_id`'s waiting list;
        each may be an OuterRef."""
        return self.filter(event_id=event_id, state=Signup.State.WAITLISTED).filter(
            Q(queued_at__lt=queued_at) | Q(queued_at=queued_at, pk__lt=pk)
        )

    def with_waiting_position(self):
        """Annotate `waiting_position` (1 = next in line; None when not waiting): one correlated
        count in the same query, however many rows."""
        ahead = (
            Signup.objects.ahead_of(OuterRef("event_id"), OuterRef("queued_at"), OuterRef("pk"))
            .order_by()
            .values("event_id")
            .annotate(ahead=Count("pk"))
            .values("ahead")
        )
        return self.annotate(
            waiting_position=Case(
                When(state=Signup.State.WAITLISTED, then=Coalesce(Subquery(ahead), Value(0)) + 1),
                default=None,
                output_field=IntegerField(),
            )
        )


class Signup(models.Model):
    """A person's place at an event, or their place in its waiting list."""

    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        OFFERED = "offered", _("Offered a place")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    # An offered place is held for the person it was offered to until they answer or it expires.
    HOLDING_PLACE = (State.CONFIRMED, State.OFFERED, State.ATTENDED, State.NO_SHOW)

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="signups"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("volunteer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signups",
        help_text=_("Blank once the person deleted their account: the attendance stays, anonymised."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, db_index=True)
    queued_at = models.DateTimeField(
        _("joined the waiting list"), null=True, blank=True, help_text=_("The waiting list's order.")
    )
    signed_up_at = models.DateTimeField(_("signed up"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    safety_acknowledged_at = models.DateTimeField(_("safety notes acknowledged"), null=True, blank=True)
    # The register: copied from the profile at sign-up, for the coordinator only, erased a set
    # number of months after the event (VOLUNTEERING_CONTACT_RETENTION_MONTHS).
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    emergency_contact_name = models.CharField(_("emergency contact name"), max_length=150, blank=True)
    emergency_contact_phone = models.CharField(_("emergency contact phone"), max_length=20, blank=True)
    contacts_erased_at = models.DateTimeField(_("contacts erased"), null=True, blank=True, editable=False)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("24"))],
        help_text=_("Hours given. Defaults to the event's length when marked attended."),
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SignupQuerySet.as_manager()

    class Meta:
        ordering = ["event", "signed_up_at", "pk"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="signup_one_per_person_per_event"),
            models.CheckConstraint(
                condition=~Q(state="waitlisted") | Q(queued_at__isnull=False),
                name="signup_waitlisted_has_queue_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="offered") | Q(offer_expires_at__isnull=False),
                name="signup_offer_has_expiry",
            ),
        ]
        indexes = [models.Index(fields=["event", "state", "queued_at"], name="signup_event_state_queue")]

    def __str__(self):
        return f"{self.user or _('Former volunteer')} — {self.event}"

    @property
    def holds_place(self):
        return self.state in self.HOLDING_PLACE

    def waiting_position(self):
        """1 for the first person on the waiting list; None when not waiting."""
        if self.state != self.State.WAITLISTED:
            return None
        return Signup.objects.ahead_of(self.event_id, self.queued_at, self.pk).count() + 1


class Method(models.TextChoices):
    HAND_PULLED = "hand_pulled", _("Hand-pulled")
    CUT = "cut", _("Cut")
    DUG = "dug", _("Dug out")
    SPRAYED = "sprayed", _("Sprayed")
    INJECTED = "injected", _("Stem-injected")
    TRAPPED = "trapped", _("Trapped")
    SURVEY = "survey", _("Survey only")
    OTHER = "other", _("Other")


class WorkRecordQuerySet(GroupRowQuerySet):
    def follow_ups_due(self):
        """Treated sites flagged for a follow-up visit that no event has been planned for yet."""
        return self.filter(follow_up=True, follow_up_events__isnull=True)


class WorkRecord(models.Model):
    """What a work party did: a species treated, how, over what area, with what result."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="work_records"
    )
    species = models.ForeignKey(
        "species.Species",
        verbose_name=_("species"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_records",
    )
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    area_m2 = models.PositiveIntegerField(
        _("area treated (m²)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100_000_000)],
        help_text=_("Typed in, or worked out from the area drawn on the map."),
    )
    area = models.MultiPolygonField(
        _("area on the map"), srid=4326, null=True, blank=True, help_text=_("Optional: draw the site.")
    )
    bags = models.PositiveIntegerField(
        _("bags"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    stems = models.PositiveIntegerField(
        _("stems or plants"), null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
    notes = models.TextField(_("notes"), blank=True)
    follow_up = models.BooleanField(
        _("needs a follow-up visit"),
        default=False,
        help_text=_("Balsam and knotweed come back: list this site among those due next season."),
    )
    follow_up_note = models.CharField(_("follow-up note"), max_length=300, blank=True)
    sighting = models.OneToOneField(
        "species.Sighting",
        verbose_name=_("species record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="work_record",
        help_text=_("The record of the species treated, kept for the species maps and open data."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = WorkRecordQuerySet.as_manager()

    class Meta:
        ordering = ["event", "pk"]
        verbose_name = _("work record")
        verbose_name_plural = _("work records")

    def __str__(self):
        what = self.species.scientific_name if self.species_id else self.get_method_display()
        return f"{what} — {self.event}"


class WorkRecordPhoto(models.Model):
    work_record = models.ForeignKey(
        WorkRecord, verbose_name=_("work record"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="work-records/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.caption or self.image.name


class HoursLogQuerySet(GroupRowQuerySet):
    def approved(self):
        return self.filter(status=HoursLog.Status.APPROVED)

    def pending(self):
        return self.filter(status=HoursLog.Status.PENDING)


class HoursLog(models.Model):
    """Hours a volunteer logged themselves (an event they attended, or solo work for the group).

    Only approved hours count. An approved log for an event sets the hours of the person's sign-up
    to it instead of adding to them, so nothing is counted twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("volunteer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hours_logs",
    )
    group = models.ForeignKey(
        "groups.LocalActionGroup",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="hours_logs",
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="hours_logs",
        help_text=_("Blank for work on your own for the group."),
    )
    worked_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    description = models.TextField(_("what was done"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decision_note = models.CharField(_("note to the volunteer"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    objects = HoursLogQuerySet.as_manager()

    class Meta:
        ordering = ["-worked_on", "-pk"]
        # A group's approved solo hours per year (its totals).
        indexes = [models.Index(fields=["group", "status", "worked_on"], name="hourslog_group_status_worked")]
        verbose_name = _("logged hours")
        verbose_name_plural = _("logged hours")

    def __str__(self):
        return _("%(hours)s h, %(date)s — %(person)s") % {
            "hours": self.hours,
            "date": f"{self.worked_on:%d/%m/%Y}",
            "person": self.user or _("Former volunteer"),
        }


class Audience(models.TextChoices):
    CONFIRMED = "confirmed", _("Everyone with a place")
    ATTENDED = "attended", _("Those who came")
    WAITLIST = "waitlist", _("The waiting list")


class EventMessage(models.Model):
    """A message a coordinator sent to the people of an event (each email is a lib Message)."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="messages"
    )
    audience = models.CharField(_("to"), max_length=10, choices=Audience.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=10000)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0, editable=False)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message to an event's people")
        verbose_name_plural = _("messages to events' people")

    def __str__(self):
        return self.subject


def _new_feed_token():
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a volunteer's personal calendar of the events they are going to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("personal calendar feed")
        verbose_name_plural = _("personal calendar feeds")

    def __str__(self):
        return str(self.user)

    def reset(self):
        self.token = _new_feed_token()
        self.created_at = timezone.now()
        self.save(update_fields=["token", "created_at"])

    def get_absolute_url(self):
        return reverse("volunteering:personal_feed", args=[self.token])


def offer_deadline(event, now=None):
    """When a place offered now must be accepted by: VOLUNTEERING_OFFER_HOURS from now, but no later
    than VOLUNTEERING_OFFER_CUTOFF_HOURS before the event starts."""
    now = now or timezone.now()
    return min(
        now + timedelta(hours=settings.VOLUNTEERING_OFFER_HOURS),
        event.starts_at - timedelta(hours=settings.VOLUNTEERING_OFFER_CUTOFF_HOURS),
    )


def touch_event(sender, instance, **kwargs):
    """Receiver (post_save, post_delete of a sign-up or a work record): its event changed too."""
    Event.objects.filter(pk=instance.event_id).touch()
