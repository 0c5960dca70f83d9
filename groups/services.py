"""Workflows of groups: joining and leaving, members and roles, meetings, updates, national coverage.

Locks are always taken in one order, so no two workflows wait on each other: the group, then the
membership, then the person (`select_for_update(of=("self",))`, so a join never locks what it
reads alongside, and never loads a group's areas to write an email).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as PermissionGroup
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import COORDINATORS, NATIONAL_COORDINATORS, NNSS_STAFF
from lagportal.lib import mail

from . import emails
from .models import (
    NATIONAL_COORDINATOR,
    CoverageSnapshot,
    LandArea,
    LocalActionGroup,
    Meeting,
    Membership,
    MembershipRole,
    Role,
    Update,
    national_coordinators,
)

CONTACT_CONSENT_TEXT = gettext_lazy(
    "The group's coordinators may contact me about its work and its events, by email or by phone."
)


class MembershipError(Exception):
    """A join or leave that cannot happen; the message is for the person who asked."""


class PublishingError(Exception):
    """An agenda, minutes or update that cannot be published yet; the message says why."""


def _lock_group(group_id):
    return LocalActionGroup.objects.select_for_update(of=("self",)).without_geometry().get(pk=group_id)


def _lock_membership(membership_id):
    return Membership.objects.select_for_update(of=("self",)).get(pk=membership_id)


def _lock_person(user_id):
    return get_user_model().objects.select_for_update(of=("self",)).get(pk=user_id)


# --- Joining and leaving ------------------------------------------------------------------------


@transaction.atomic
def join_group(group, user, *, contact_consent):
    """Make `user` a member of `group` (or ask to be one); joining twice returns the same membership.

    Raises MembershipError when the group takes no members, or when a declined person asks again
    within Membership.ASK_AGAIN_AFTER of asking again before.
    """
    # Locking the group serialises joins to it, so two clicks cannot make two memberships.
    group = _lock_group(group.pk)
    if not group.is_active:
        raise MembershipError(_("This group is not taking new members."))
    membership = Membership.objects.filter(user=user, group=group).first()
    if membership is not None and membership.is_current:
        return membership
    membership = membership or Membership(user=user, group=group)

    now = timezone.now()
    if membership.status == Membership.Status.DECLINED:
        if membership.asked_again_at and now < membership.asked_again_at + Membership.ASK_AGAIN_AFTER:
            raise MembershipError(
                _("%(group)s declined your request to join. You can ask again from %(date)s.")
                % {
                    "group": group.name,
                    "date": formats.date_format(
                        timezone.localtime(membership.asked_again_at + Membership.ASK_AGAIN_AFTER)
                    ),
                }
            )
        membership.asked_again_at = now
    membership.status = Membership.Status.ACTIVE if group.is_open else Membership.Status.PENDING
    membership.requested_at = now
    membership.joined_at = now if group.is_open else None
    membership.answered_at = None
    membership.left_at = None
    membership.contact_consent = contact_consent
    membership.contact_consent_text = str(CONTACT_CONSENT_TEXT)
    membership.contact_consent_at = now

    membership.coordinators_reminded_at = None
    membership.national_reminded_at = None

    # Joining and leaving again and again tells the coordinators once a period, not each time.
    # A request to a group with no coordinator goes to the national LAG Coordinator, who can answer
    # it; the group's public address is not told (its owner has no account and could not act).
    tell = membership.coordinators_told_at is None or (
        now >= membership.coordinators_told_at + Membership.ASK_AGAIN_AFTER
    )
    coordinators = list(group.coordinators())
    national = [] if coordinators or group.is_open else list(national_coordinators())
    if tell and (coordinators or national):
        membership.coordinators_told_at = now
    membership.save()

    mail.queue(emails.JOIN_CONFIRMATION, to=user, about=membership)
    if tell and coordinators:
        mail.queue(emails.NEW_MEMBER, to=coordinators, about=membership, person=user)
    elif tell and national:
        mail.queue(emails.REQUEST_TO_NATIONAL, to=national, about=membership, person=user)
    return membership


@transaction.atomic
def leave_group(membership):
    """End a membership (or withdraw a request) and any roles held in it."""
    membership = _lock_membership(membership.pk)
    if not membership.is_current:
        return membership
    membership.status = Membership.Status.LEFT
    membership.left_at = timezone.now()
    membership.save(update_fields=["status", "left_at"])
    for role in membership.roles.filter(ended_on__isnull=True):
        end_role(role)
    return membership


def approve_membership(membership):
    """Accept a pending request to join; the person is emailed. Returns whether it changed."""
    return _answer_request(membership, Membership.Status.ACTIVE, emails.MEMBERSHIP_APPROVED)


def decline_membership(membership):
    """Turn down a pending request to join; the person is emailed. Returns whether it changed."""
    return _answer_request(membership, Membership.Status.DECLINED, emails.MEMBERSHIP_DECLINED)


@transaction.atomic
def _answer_request(membership, status, email):
    # The group first, as join_group locks it: a join and an answer never wait on each other.
    _lock_group(membership.group_id)
    membership = _lock_membership(membership.pk)
    if membership.status != Membership.Status.PENDING:
        return False
    now = timezone.now()
    membership.status = status
    membership.answered_at = now
    if status == Membership.Status.ACTIVE:
        membership.joined_at = now
    membership.save(update_fields=["status", "joined_at", "answered_at"])
    mail.queue(email, to=membership.user, about=membership)
    return True


# --- Roles --------------------------------------------------------------------------------------


def _lock_membership_and_person(membership_id):
    """Lock a membership, then its person: every role change takes them in this order, so two
    changes to one person's roles (in two groups) run one after the other."""
    membership = _lock_membership(membership_id)
    membership.user = _lock_person(membership.user_id)
    return membership


def _sync_coordinator_access(user):
    """Coordinators use the admin: give or take away staff status and the Coordinators permissions.

    The caller holds the lock on `user`, so the roles read here include every committed change.
    """
    coordinates = MembershipRole.objects.filter(
        membership__user=user,
        membership__status=Membership.Status.ACTIVE,
        role=Role.COORDINATOR,
        ended_on__isnull=True,
    ).exists()
    coordinators = PermissionGroup.objects.get(name=COORDINATORS)
    if coordinates:
        user.groups.add(coordinators)
    else:
        user.groups.remove(coordinators)
    _sync_staff_status(user, needs_admin=coordinates)


def _sync_staff_status(user, *, needs_admin):
    """Let `user` into the admin when a role needs it; otherwise keep them out, unless they are NNSS
    staff, a superuser or a national LAG Coordinator. The caller holds the lock on `user`."""
    if needs_admin and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    elif not needs_admin and user.is_staff:
        keeps_admin = (
            user.is_superuser
            or user.groups.filter(name__in=[NNSS_STAFF, NATIONAL_COORDINATORS]).exists()
            or national_coordinators().filter(pk=user.pk).exists()
        )
        if not keeps_admin:
            user.is_staff = False
            user.save(update_fields=["is_staff"])


@transaction.atomic
def give_role(membership, role, *, started_on=None):
    """Give an active member a role (coordinator, chair…) from `started_on` (today by default);
    giving it twice returns the open one. Raises MembershipError for anyone not an active member."""
    membership = _lock_membership_and_person(membership.pk)
    if membership.status != Membership.Status.ACTIVE:
        raise MembershipError(_("Only active members can hold a role: approve the request first."))
    held = membership.roles.filter(role=role, ended_on__isnull=True).first()
    if held is None:
        held = MembershipRole.objects.create(
            membership=membership, role=role, started_on=started_on or timezone.localdate()
        )
    if role == Role.COORDINATOR:
        _sync_coordinator_access(membership.user)
    return held


@transaction.atomic
def end_role(membership_role, *, on=None):
    """End a role on `on` (today by default, never before it started); a person who coordinates
    nothing any more loses admin access. Ending an ended role changes nothing."""
    membership = _lock_membership_and_person(membership_role.membership_id)
    held = MembershipRole.objects.select_for_update(of=("self",)).get(pk=membership_role.pk)
    if held.ended_on is None:
        held.ended_on = max(on or timezone.localdate(), held.started_on)
        held.save(update_fields=["ended_on"])
    if held.role == Role.COORDINATOR:
        _sync_coordinator_access(membership.user)
    return held


@transaction.atomic
def appoint_coordinator(membership):
    """Make a member (or someone asking to join, whose request is then accepted) the coordinator of
    a group that has none: the national LAG Coordinator's way to get a group going. The person is
    emailed what it means, with a link to the admin. Raises MembershipError when the group has a
    coordinator already (its coordinators give roles) or the membership has ended."""
    group = _lock_group(membership.group_id)  # two appointments to one group run one at a time
    membership = _lock_membership_and_person(membership.pk)
    if group.has_coordinator():
        raise MembershipError(
            _("%(group)s already has a coordinator: its coordinators give roles in the members admin.")
            % {"group": group.name}
        )
    if not membership.is_current:
        raise MembershipError(
            _("%(person)s is no longer a member of %(group)s or asking to join it.")
            % {"person": membership.user.get_full_name(), "group": group.name}
        )
    if membership.status == Membership.Status.PENDING:
        now = timezone.now()
        membership.status = Membership.Status.ACTIVE
        membership.answered_at = membership.joined_at = now
        membership.save(update_fields=["status", "joined_at", "answered_at"])
    held = give_role(membership, Role.COORDINATOR)
    mail.queue(emails.COORDINATOR_APPOINTED, to=membership.user, about=membership)
    return held


# --- The national LAG Coordinator ---------------------------------------------------------------


@transaction.atomic
def make_national_coordinator(user):
    """Make `user` a national LAG Coordinator (the permission group), with admin access to answer
    requests to groups that have no coordinator. Doing it twice changes nothing."""
    user = _lock_person(user.pk)
    user.groups.add(PermissionGroup.objects.get(name=NATIONAL_COORDINATORS))
    _sync_staff_status(user, needs_admin=True)
    return user


@transaction.atomic
def end_national_coordinator(user):
    """Take the national LAG Coordinator's role from `user` (the permission group and the permission
    if given directly); they keep the admin only if another role needs it."""
    user = _lock_person(user.pk)
    user.groups.remove(PermissionGroup.objects.get(name=NATIONAL_COORDINATORS))
    app_label, codename = NATIONAL_COORDINATOR.split(".")
    user.user_permissions.remove(
        *user.user_permissions.filter(content_type__app_label=app_label, codename=codename)
    )
    _sync_coordinator_access(user)
    return user


# --- Reminders of requests waiting --------------------------------------------------------------


def remind_waiting_requests(*, now=None):
    """Remind people of requests to join left unanswered: after Membership.REMIND_AFTER the group's
    coordinators (once), and after as long again the national LAG Coordinator (once); a group with
    no coordinator has the national LAG Coordinator reminded after the first period. Safe to run
    any number of times, at once too. Returns (coordinators reminded of, national reminded of)."""
    now = now or timezone.now()
    due = now - Membership.REMIND_AFTER
    coordinated = MembershipRole.objects.coordinating().filter(membership__group=OuterRef("group_id"))
    waiting = Membership.objects.pending().annotate(has_coordinator=Exists(coordinated))
    for_coordinators = waiting.filter(
        has_coordinator=True, requested_at__lte=due, coordinators_reminded_at__isnull=True
    )
    for_national = waiting.filter(national_reminded_at__isnull=True).filter(
        Q(has_coordinator=False, requested_at__lte=due) | Q(coordinators_reminded_at__lte=due)
    )
    coordinators_reminded = sum(
        _remind(pk, "coordinators_reminded_at", now) for pk in for_coordinators.values_list("pk", flat=True)
    )
    national_reminded = sum(
        _remind(pk, "national_reminded_at", now) for pk in for_national.values_list("pk", flat=True)
    )
    return coordinators_reminded, national_reminded


def _coordinators_of(group_id):
    coordinating = MembershipRole.objects.coordinating().filter(membership__group_id=group_id)
    return get_user_model().objects.filter(pk__in=coordinating.values("membership__user_id"))


@transaction.atomic
def _remind(membership_id, field, now):
    """Send one reminder about one request, unless answered or reminded meanwhile (the lock makes
    a second run wait, then find it done)."""
    membership = _lock_membership(membership_id)
    if membership.status != Membership.Status.PENDING or getattr(membership, field) is not None:
        return False
    if field == "coordinators_reminded_at":
        to, kind = list(_coordinators_of(membership.group_id)), emails.REQUEST_WAITING
        if not to:  # the group lost its coordinators meanwhile: the national reminder is next
            return False
    else:
        to, kind = list(national_coordinators()), emails.REQUEST_WAITING_NATIONAL
    setattr(membership, field, now)
    membership.save(update_fields=[field])
    mail.queue(kind, to=to, about=membership, person=membership.user)
    return True


# --- Meetings -----------------------------------------------------------------------------------


def _members(group, **membership_lookups):
    """The group's active members, as people; `membership_lookups` narrow the membership itself
    (in the same filter, so a consent given to another group never counts here)."""
    lookups = {f"memberships__{name}": value for name, value in membership_lookups.items()}
    return (
        get_user_model()
        .objects.filter(memberships__group=group, memberships__status=Membership.Status.ACTIVE, **lookups)
        .order_by("email")
    )


def _lock_meeting(meeting_id):
    return Meeting.objects.select_for_update(of=("self",)).with_group().get(pk=meeting_id)


def _published(row, *, now, emails=()):
    """Mark what a publishing call did on the row it returns: whether this call published it
    (`newly_published`) and how many emails it queued (`emails_queued`), for the message shown."""
    row.newly_published, row.emails_queued = now, len(emails)
    return row


@transaction.atomic
def publish_agenda(meeting):
    """Circulate the agenda to the group's members before the meeting, with the open actions
    carried forward from the action plan. Publishing twice sends nothing more.

    The meeting returned says whether this call published it and how many emails it queued."""
    meeting = _lock_meeting(meeting.pk)
    if meeting.agenda_published_at:
        return _published(meeting, now=False)
    if meeting.has_started:
        raise PublishingError(
            _("“%(meeting)s” has already started: publish its minutes instead.") % {"meeting": meeting}
        )
    if not meeting.agenda.strip():
        raise PublishingError(_("“%(meeting)s” has no agenda yet: write it first.") % {"meeting": meeting})
    meeting.actions_reviewed.add(*meeting.group.actions.open())
    meeting.agenda_published_at = timezone.now()
    meeting.save(update_fields=["agenda_published_at", "updated_at"])
    sent = mail.queue(emails.AGENDA, to=_members(meeting.group), about=meeting)
    return _published(meeting, now=True, emails=sent)


@transaction.atomic
def publish_minutes(meeting):
    """Send the minutes to the group's members once the meeting has happened. Publishing twice
    sends nothing more. The meeting returned says what this call did (see publish_agenda)."""
    meeting = _lock_meeting(meeting.pk)
    if meeting.minutes_published_at:
        return _published(meeting, now=False)
    if not meeting.has_started:
        raise PublishingError(
            _("“%(meeting)s” has not happened yet: its minutes can wait.") % {"meeting": meeting}
        )
    if not meeting.minutes.strip():
        raise PublishingError(_("“%(meeting)s” has no minutes yet: write them first.") % {"meeting": meeting})
    meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["minutes_published_at", "updated_at"])
    sent = mail.queue(emails.MINUTES, to=_members(meeting.group), about=meeting)
    return _published(meeting, now=True, emails=sent)


# --- Updates ------------------------------------------------------------------------------------


@transaction.atomic
def publish_update(update):
    """Publish an update on the group's page and feed, and email it to the members who agreed to
    be contacted when asked to. Publishing twice sends nothing more. The update returned says what
    this call did (see publish_agenda)."""
    update = Update.objects.select_for_update(of=("self",)).with_group().get(pk=update.pk)
    newly_published, sent = update.published_at is None, []
    if newly_published:
        update.published_at = timezone.now()
    if update.email_members and update.emailed_at is None:
        readers = _members(update.group, contact_consent=True, update_emails=True)
        sent = mail.queue(emails.UPDATE, to=readers, about=update)
        update.emailed_at = timezone.now()
    update.save(update_fields=["published_at", "emailed_at", "updated_at"])
    return _published(update, now=newly_published, emails=sent)


@transaction.atomic
def set_update_emails(membership, wanted):
    """Turn the group's update emails on or off for this member (staying a member either way),
    recording when. Returns the membership."""
    membership = _lock_membership(membership.pk)
    if membership.update_emails != wanted:
        membership.update_emails = wanted
        membership.update_emails_changed_at = timezone.now()
        membership.save(update_fields=["update_emails", "update_emails_changed_at"])
    return membership


# --- National coverage --------------------------------------------------------------------------


def measure_national_coverage():
    """Record how much of Great Britain's land the active groups cover; None before boundaries load.

    Uses the simplified map copies of the coverage (0.005°): the share differs from full detail
    by under 0.3% and takes about a second instead of eight for the 20 demo groups.
    """
    great_britain = LandArea.objects.filter(name=LandArea.GREAT_BRITAIN).first()
    if great_britain is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*), COALESCE(
                ST_Area(ST_Intersection(ST_Union(g.coverage_map), gb.boundary)::geography), 0) / 1e6
            FROM groups_localactiongroup g, groups_landarea gb
            WHERE g.is_active AND gb.id = %s
            GROUP BY gb.boundary
            """,
            [great_britain.pk],
        )
        active_groups, covered_km2 = cursor.fetchone() or (0, 0.0)
    return CoverageSnapshot.objects.create(
        active_groups=active_groups, covered_km2=covered_km2, great_britain_km2=great_britain.area_km2
    )
