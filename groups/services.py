"""Workflows of groups: joining and leaving, members and roles, meetings, updates, national coverage."""

from django.conf import settings
from django.contrib.auth.models import Group as PermissionGroup
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.emails import send_templated_email, send_templated_email_to_each
from accounts.roles import COORDINATORS, NNSS_STAFF

from .models import (
    CoverageSnapshot,
    LandArea,
    LocalActionGroup,
    Meeting,
    Membership,
    MembershipRole,
    Role,
    Update,
)

CONTACT_CONSENT_TEXT = (
    "The group's coordinators may contact me about its work and its events, by email or by phone."
)


class MembershipError(Exception):
    """A join or leave that cannot happen; the message is for the person who asked."""


class PublishingError(Exception):
    """An agenda, minutes or update that cannot be published yet; the message says why."""


def _site_context(**context):
    return {"site_url": settings.SITE_URL, **context}


# --- Joining and leaving ------------------------------------------------------------------------


@transaction.atomic
def join_group(group, user, *, contact_consent):
    """Make `user` a member of `group` (or ask to be one); joining twice returns the same membership."""
    # Locking the group serialises joins to it, so two clicks cannot make two memberships.
    group = LocalActionGroup.objects.select_for_update().without_geometry().get(pk=group.pk)
    if not group.is_active:
        raise MembershipError("This group is not taking new members.")
    membership = Membership.objects.filter(user=user, group=group).first()
    if membership is not None and membership.is_current:
        return membership
    membership = membership or Membership(user=user, group=group)

    now = timezone.now()
    membership.status = Membership.Status.ACTIVE if group.is_open else Membership.Status.PENDING
    membership.requested_at = now
    membership.joined_at = now if group.is_open else None
    membership.left_at = None
    membership.contact_consent = contact_consent
    membership.contact_consent_text = CONTACT_CONSENT_TEXT
    membership.contact_consent_at = now
    membership.save()

    context = _site_context(group=group, member=user, membership=membership)
    send_templated_email("groups/emails/join_confirmation", context, user.email)
    coordinators = [person.email for person in group.coordinators()] or (
        [group.contact_email] if group.contact_email else []
    )
    if coordinators:
        context["admin_url"] = settings.SITE_URL + reverse("admin:groups_membership_changelist")
        send_templated_email_to_each("groups/emails/new_member", context, coordinators)
    return membership


@transaction.atomic
def leave_group(membership):
    """End a membership (or withdraw a request) and any roles held in it."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
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
    return _answer_request(membership, Membership.Status.ACTIVE, "groups/emails/membership_approved")


def decline_membership(membership):
    """Turn down a pending request to join; the person is emailed. Returns whether it changed."""
    return _answer_request(membership, Membership.Status.DECLINED, "groups/emails/membership_declined")


@transaction.atomic
def _answer_request(membership, status, email_template):
    membership = Membership.objects.select_for_update().select_related("group", "user").get(pk=membership.pk)
    if membership.status != Membership.Status.PENDING:
        return False
    membership.status = status
    if status == Membership.Status.ACTIVE:
        membership.joined_at = timezone.now()
    membership.save(update_fields=["status", "joined_at"])
    send_templated_email(
        email_template, _site_context(group=membership.group, member=membership.user), membership.user.email
    )
    return True


# --- Roles --------------------------------------------------------------------------------------


def sync_coordinator_access(user):
    """Coordinators use the admin: give or take away staff status and the Coordinators permissions."""
    coordinates = MembershipRole.objects.filter(
        membership__user=user,
        membership__status=Membership.Status.ACTIVE,
        role=Role.COORDINATOR,
        ended_on__isnull=True,
    ).exists()
    coordinators = PermissionGroup.objects.get(name=COORDINATORS)
    if coordinates:
        user.groups.add(coordinators)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    else:
        user.groups.remove(coordinators)
        is_nnss_staff = user.groups.filter(name=NNSS_STAFF).exists()
        if user.is_staff and not (is_nnss_staff or user.is_superuser):
            user.is_staff = False
            user.save(update_fields=["is_staff"])


@transaction.atomic
def give_role(membership, role):
    """Give an active member a role (coordinator, chair…); giving it twice returns the open one."""
    if membership.status != Membership.Status.ACTIVE:
        raise MembershipError("Only active members can hold a role: approve the request first.")
    held, _ = MembershipRole.objects.get_or_create(membership=membership, role=role, ended_on__isnull=True)
    if role == Role.COORDINATOR:
        sync_coordinator_access(membership.user)
    return held


@transaction.atomic
def end_role(membership_role):
    """End a role today; a person who coordinates nothing any more loses admin access."""
    if membership_role.ended_on is None:
        membership_role.ended_on = max(timezone.localdate(), membership_role.started_on)
        membership_role.save(update_fields=["ended_on"])
    if membership_role.role == Role.COORDINATOR:
        sync_coordinator_access(membership_role.membership.user)
    return membership_role


# --- Meetings -----------------------------------------------------------------------------------


def _member_addresses(group):
    return list(
        Membership.objects.active()
        .filter(group=group)
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )


@transaction.atomic
def publish_agenda(meeting):
    """Circulate the agenda to the group's members before the meeting, with the open actions
    carried forward from the action plan. Publishing twice sends nothing more."""
    meeting = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    if meeting.agenda_published_at:
        return meeting
    if meeting.has_started:
        raise PublishingError(f"“{meeting}” has already started: publish its minutes instead.")
    if not meeting.agenda.strip():
        raise PublishingError(f"“{meeting}” has no agenda yet: write it first.")
    carried_forward = list(meeting.group.actions.open().select_related("lead_member__user"))
    meeting.actions_reviewed.add(*carried_forward)
    meeting.agenda_published_at = timezone.now()
    meeting.save(update_fields=["agenda_published_at"])
    send_templated_email_to_each(
        "groups/emails/agenda",
        _site_context(group=meeting.group, meeting=meeting, actions=carried_forward),
        _member_addresses(meeting.group),
    )
    return meeting


@transaction.atomic
def publish_minutes(meeting):
    """Send the minutes to the group's members once the meeting has happened. Publishing twice
    sends nothing more."""
    meeting = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    if meeting.minutes_published_at:
        return meeting
    if not meeting.has_started:
        raise PublishingError(f"“{meeting}” has not happened yet: its minutes can wait.")
    if not meeting.minutes.strip():
        raise PublishingError(f"“{meeting}” has no minutes yet: write them first.")
    meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["minutes_published_at"])
    send_templated_email_to_each(
        "groups/emails/minutes",
        _site_context(group=meeting.group, meeting=meeting),
        _member_addresses(meeting.group),
    )
    return meeting


# --- Updates ------------------------------------------------------------------------------------


@transaction.atomic
def publish_update(update):
    """Publish an update on the group's page and feed, and email it to the members who agreed to
    be contacted when asked to. Publishing twice sends nothing more."""
    update = Update.objects.select_for_update().select_related("group").get(pk=update.pk)
    if update.published_at is None:
        update.published_at = timezone.now()
    if update.email_members and update.emailed_at is None:
        recipients = Membership.objects.active().filter(group=update.group, contact_consent=True)
        send_templated_email_to_each(
            "groups/emails/update",
            _site_context(group=update.group, update=update),
            recipients.values_list("user__email", flat=True).order_by("user__email"),
        )
        update.emailed_at = timezone.now()
    update.save(update_fields=["published_at", "emailed_at", "updated_at"])
    return update


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
