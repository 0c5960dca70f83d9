"""Running a group: meetings with an agenda and minutes, the action plan, updates to the community."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .base import GroupRowQuerySet


class MeetingQuerySet(GroupRowQuerySet):
    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at")

    def past(self):
        return self.filter(starts_at__lt=timezone.now()).order_by("-starts_at")

    def public(self):
        return self.filter(is_public=True)

    def with_published_agenda(self):
        return self.filter(agenda_published_at__isnull=False)

    def with_published_minutes(self):
        return self.filter(minutes_published_at__isnull=False)

    def visible_to_member(self, user):
        """Meetings of the groups `user` is an active member of, public or members-only."""
        return self.filter(group__memberships__user=user, group__memberships__status="active")


class Meeting(models.Model):
    """A meeting of the group: agenda circulated beforehand, minutes afterwards."""

    group = models.ForeignKey(
        "groups.LocalActionGroup", verbose_name=_("group"), on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200, default="Group meeting")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    venue = models.CharField(
        _("venue"),
        max_length=300,
        help_text=_("Where people should go, e.g. 'Village hall, Main Street, Appleby' or 'Online'."),
    )
    location = models.PointField(
        _("location"), srid=4326, null=True, blank=True, help_text=_("Optional: the venue on the map.")
    )
    is_public = models.BooleanField(
        _("open meeting"),
        default=False,
        help_text=_(
            "Open meetings, and their minutes, are shown on the group's public page. Others are for members only."
        ),
    )
    agenda = models.TextField(
        _("agenda"),
        blank=True,
        help_text=_("Markdown. Open actions from the action plan are added when the agenda is published."),
    )
    agenda_published_at = models.DateTimeField(
        _("agenda published at"), null=True, blank=True, editable=False
    )
    minutes = models.TextField(
        _("minutes"), blank=True, help_text=_("Markdown. Who said what, what was decided.")
    )
    minutes_published_at = models.DateTimeField(
        _("minutes published at"), null=True, blank=True, editable=False
    )
    attendees = models.ManyToManyField(
        "groups.Membership",
        verbose_name=_("attendees"),
        blank=True,
        related_name="meetings_attended",
        help_text=_("Members who came."),
    )
    other_attendees = models.TextField(
        _("other attendees"),
        blank=True,
        help_text=_("Partners and visitors who came, one per line (names and organisations)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return f"{self.title}, {formats.date_format(timezone.localtime(self.starts_at), 'd M Y')}"

    def get_absolute_url(self):
        return reverse("groups:meeting_detail", args=[self.group.slug, self.pk])

    @property
    def has_started(self):
        return self.starts_at <= timezone.now()


class ActionItemQuerySet(GroupRowQuerySet):
    def open(self):
        return self.filter(status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS])

    def closed(self):
        return self.exclude(status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS])

    def overdue(self):
        return self.open().filter(due_on__lt=timezone.localdate())


class ActionItem(models.Model):
    """A row of the action plan: the issue, the action, who leads, by when, and whether it worked."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    group = models.ForeignKey(
        "groups.LocalActionGroup", verbose_name=_("group"), on_delete=models.CASCADE, related_name="actions"
    )
    issue = models.TextField(
        _("issue"), help_text=_("The problem, e.g. 'Himalayan balsam spreading below the weir'.")
    )
    action = models.TextField(_("action"), help_text=_("What will be done about it."))
    lead_member = models.ForeignKey(
        "groups.Membership",
        verbose_name=_("lead member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_led",
        help_text=_("The member who leads it…"),
    )
    lead_partner = models.CharField(
        _("lead partner"),
        max_length=200,
        blank=True,
        help_text=_("…or a named partner, e.g. 'Environment Agency (Sam Reid)'."),
    )
    due_on = models.DateField(_("completion date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    evaluation = models.TextField(
        _("evaluation"), blank=True, help_text=_("Did it work? What would you do differently?")
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    raised_at = models.ForeignKey(
        Meeting,
        verbose_name=_("raised at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_raised",
        help_text=_("The meeting where it was agreed."),
    )
    reviewed_at = models.ManyToManyField(
        Meeting,
        verbose_name=_("reviewed at"),
        blank=True,
        related_name="actions_reviewed",
        help_text=_("Meetings where it was reviewed: open actions join each agenda when it is published."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action plan row")
        verbose_name_plural = _("action plan rows")

    def __str__(self):
        return self.action[:80]

    def clean(self):
        errors = {}
        if not self.lead_member_id and not self.lead_partner.strip():
            errors["lead_partner"] = _("Say who leads this: a member, or a named partner.")
        if self.lead_member_id and self.group_id and self.lead_member.group_id != self.group_id:
            errors["lead_member"] = _("The lead must be a member of this group.")
        if self.raised_at_id and self.group_id and self.raised_at.group_id != self.group_id:
            errors["raised_at"] = _("Choose one of this group's meetings.")
        if self.status in (self.Status.DONE, self.Status.DROPPED) and not self.evaluation.strip():
            errors["evaluation"] = _("Before closing a row, say whether it worked.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.status == self.Status.DONE and not self.completed_on:
            self.completed_on = timezone.localdate()
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)

    @property
    def is_overdue(self):
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def lead(self):
        if self.lead_member_id:
            return self.lead_member.user.get_full_name()
        return self.lead_partner


class UpdateQuerySet(GroupRowQuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now()).order_by(
            "-published_at"
        )


class Update(models.Model):
    """News from the group to its community: on the group's page, in its feed, optionally by email."""

    group = models.ForeignKey(
        "groups.LocalActionGroup", verbose_name=_("group"), on_delete=models.CASCADE, related_name="updates"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Markdown: **bold**, lists, links."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    email_members = models.BooleanField(
        _("email it to members"),
        default=False,
        help_text=_("When published, email it to the members who agreed to be contacted."),
    )
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("update")
        verbose_name_plural = _("updates")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("groups:update_detail", args=[self.group.slug, self.pk])

    @property
    def is_published(self):
        return self.published_at is not None
