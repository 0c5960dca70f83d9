from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .base import GroupRowQuerySet


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    CHAIR = "chair", _("Chair")
    NOTE_TAKER = "note_taker", _("Note taker")
    TREASURER = "treasurer", _("Treasurer")


NATIONAL_COORDINATOR = "groups.coordinate_nationally"
STOP_UPDATES_SALT = "groups.stop-update-emails"


def national_coordinators():
    """The people who hold the national LAG Coordinator's permission (NNSS staff hold every portal
    permission; the coordinator at the Animal & Plant Health Agency is given it), active only."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    app_label, codename = NATIONAL_COORDINATOR.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(user_permissions__in=permission) | Q(groups__permissions__in=permission))
        .distinct()
    )


class MembershipQuerySet(GroupRowQuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def pending(self):
        return self.filter(status=Membership.Status.PENDING)

    def current(self):
        """Memberships that are active or waiting for approval."""
        return self.filter(status__in=[Membership.Status.ACTIVE, Membership.Status.PENDING])

    def for_stop_token(self, token):
        """The membership a "stop update emails" link names, or None for a token that isn't one."""
        try:
            pk = signing.loads(token, salt=STOP_UPDATES_SALT)
        except signing.BadSignature:
            return None
        return self.filter(pk=pk).first() if isinstance(pk, int) else None


class Membership(models.Model):
    """A person's membership of a group. Being a member is the base role; other roles sit on top."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Member")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(
        "groups.LocalActionGroup",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    joined_at = models.DateTimeField(
        _("joined at"), null=True, blank=True, help_text=_("When the membership became active.")
    )
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    contact_consent = models.BooleanField(
        _("agreed to be contacted"),
        default=False,
        help_text=_("Whether the person agreed the group may contact them."),
    )
    contact_consent_text = models.TextField(
        _("contact consent text"), blank=True, help_text=_("The wording the person was shown.")
    )
    contact_consent_at = models.DateTimeField(_("contact consent at"), null=True, blank=True)
    update_emails = models.BooleanField(
        _("email me the group's updates"),
        default=True,
        help_text=_("Whether the member gets the group's updates by email (with consent to be contacted)."),
    )
    update_emails_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the member last turned update emails on or off."),
    )
    answered_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When a coordinator approved or declined the request.")
    )
    asked_again_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the person last asked again after a decline."),
    )
    coordinators_told_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the coordinators were last emailed about it."),
    )
    coordinators_reminded_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the group's coordinators were reminded of this request, still unanswered."),
    )
    national_reminded_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the national LAG Coordinator was reminded of this request, still unanswered."),
    )

    objects = MembershipQuerySet.as_manager()

    # A declined person may ask again once in this time, and the coordinators hear of someone
    # joining (or asking) at most once in it, however often they leave and join again.
    ASK_AGAIN_AFTER = timedelta(days=30)
    # A request unanswered this long reminds the group's coordinators once; unanswered this long
    # again, the national LAG Coordinator once (at once for a group with no coordinator).
    REMIND_AFTER = timedelta(days=7)

    class Meta:
        ordering = ["group__name", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="one_membership_per_person_and_group"),
        ]

    def __str__(self):
        return gettext("%(person)s in %(group)s") % {"person": self.user, "group": self.group}

    @property
    def is_current(self):
        return self.status in (self.Status.ACTIVE, self.Status.PENDING)

    def stop_updates_token(self):
        """The token of the one-click "stop these emails" link in the group's update emails: signed,
        so it can be neither guessed nor turned into another member's."""
        return signing.dumps(self.pk, salt=STOP_UPDATES_SALT, compress=True)

    def current_roles(self):
        return [role for role in self.roles.all() if role.ended_on is None]


class MembershipRoleQuerySet(models.QuerySet):
    def coordinating(self):
        """Open coordinator roles of active members: who coordinates a group now."""
        return self.filter(
            membership__status=Membership.Status.ACTIVE, role=Role.COORDINATOR, ended_on__isnull=True
        )


class MembershipRole(models.Model):
    """A role held by a member from `started_on` until `ended_on` (open while it is empty)."""

    membership = models.ForeignKey(
        Membership, verbose_name=_("membership"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = MembershipRoleQuerySet.as_manager()

    class Meta:
        ordering = ["role", "-started_on"]
        verbose_name = _("membership role")
        verbose_name_plural = _("membership roles")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "role"],
                condition=Q(ended_on__isnull=True),
                name="one_open_role_of_each_kind_per_membership",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="role_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.get_role_display()
