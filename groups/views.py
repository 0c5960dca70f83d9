import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Value
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lagportal.lib.http import Version, cached_public_page, conditional_document, version_tag

from . import finder, scoping, services
from .forms import DirectoryFilterForm, FinderForm, JoinForm
from .maps import map_settings
from .models import CoverageSnapshot, LandArea, LocalActionGroup, Meeting, Membership

GROUPS_PER_PAGE = 20
UPDATES_PER_PAGE = 10
UPDATES_ON_GROUP_PAGE = 3
MINUTES_ON_GROUP_PAGE = 5
MINUTES_ON_MY_GROUPS = 5
GEOJSON_PRECISION = 4  # decimal places: about 10 m, finer than the map copy (simplified at about 500 m)


def _public_groups():
    return LocalActionGroup.objects.active().without_geometry()


# --- Versions of what public pages show (lagportal.lib.http.cached_public_page) -------------------


def page_version_of_groups(request, *args, **kwargs):
    """The directory, the map and the finder change when an active group does."""
    return coverage_version(request)


def page_version_of_group(request, slug, *args, **kwargs):
    """A group's pages change when the group, or one of its meetings, action rows or updates, does
    (added, changed or removed). None (the view answers 404) for no such active group."""
    state = LocalActionGroup.objects.page_state(slug)
    return Version(version_tag(slug, *state)) if state else None


@cached_public_page(page_version_of_groups, params=("q", "country", "habitat", "page"))
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    groups = _public_groups()
    if form.is_valid():
        groups = (
            groups.in_country(form.cleaned_data["country"])
            .with_habitat(form.cleaned_data["habitat"])
            .search(form.cleaned_data["q"])
        )
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "groups/group_list.html",
        {
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            "has_illustrative": LocalActionGroup.objects.filter(is_illustrative=True).exists(),
        },
    )


def _upcoming_and_minuted(meetings, minutes_limit):
    """Split `meetings` into (upcoming with a published agenda, latest past with published minutes),
    fetched in one query."""
    upcoming = meetings.with_published_agenda().upcoming().annotate(is_minuted=Value(False))
    minuted = meetings.with_published_minutes().past().annotate(is_minuted=Value(True))[:minutes_limit]
    rows = list(upcoming.union(minuted, all=True).order_by("starts_at"))
    return (
        [meeting for meeting in rows if not meeting.is_minuted],
        [meeting for meeting in reversed(rows) if meeting.is_minuted],
    )


@cached_public_page(page_version_of_group)
def group_detail(request, slug):
    group = get_object_or_404(_public_groups().with_membership_of(request.user), slug=slug)
    # Fetched through the group, so each meeting and update knows its group without a query.
    meetings = group.meetings.public().only("group", "title", "starts_at", "venue", "is_public")
    upcoming_meetings, minuted_meetings = _upcoming_and_minuted(meetings, MINUTES_ON_GROUP_PAGE)
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "upcoming_meetings": upcoming_meetings,
            "minuted_meetings": minuted_meetings,
            "latest_updates": group.updates.published()[:UPDATES_ON_GROUP_PAGE],
            # The species app's reverse relation: read by name, so groups imports nothing of species.
            "target_species": group.target_species.only("slug", "scientific_name", "common_name"),
            **map_settings(),
        },
    )


@cached_public_page(page_version_of_group)
def meeting_detail(request, slug, pk):
    group = get_object_or_404(_public_groups().with_membership_of(request.user), slug=slug)
    # A meeting with nothing published yet, or a members-only meeting seen by someone outside the
    # group, is a 404: the page does not say that it exists.
    published = group.meetings.with_published_agenda() | group.meetings.with_published_minutes()
    meeting = get_object_or_404(published, pk=pk)
    is_insider = group.is_member or scoping.may_manage(request.user, meeting)
    if not (meeting.is_public or is_insider):
        raise Http404(_("No such meeting."))
    actions = []
    if meeting.agenda_published_at:
        actions = meeting.actions_reviewed.select_related("lead_member__user")
    return render(
        request,
        "groups/meeting_detail.html",
        {"group": group, "meeting": meeting, "actions": actions, "can_see_member_names": is_insider},
    )


@cached_public_page(page_version_of_group, params=("page",))
def update_list(request, slug):
    group = get_object_or_404(_public_groups(), slug=slug)
    page = Paginator(group.updates.published(), UPDATES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "groups/update_list.html", {"group": group, "page": page})


@cached_public_page(page_version_of_group)
def update_feed_help(request, slug):
    """What a feed is and how to follow this group's, for someone who clicked "Follow"."""
    group = get_object_or_404(_public_groups(), slug=slug)
    feed_url = request.build_absolute_uri(reverse("groups:update_feed", args=[group.slug]))
    return render(request, "groups/update_feed_help.html", {"group": group, "feed_url": feed_url})


@cached_public_page(page_version_of_group)
def update_detail(request, slug, pk):
    group = get_object_or_404(_public_groups(), slug=slug)
    update = get_object_or_404(group.updates.published(), pk=pk)
    return render(request, "groups/update_detail.html", {"group": group, "update": update})


def _page_version_of_map(request):
    """The map page also shows the latest national coverage figures: one query for both."""
    count, changed, snapshot = LocalActionGroup.objects.active_state(with_snapshot=True)
    return Version(version_tag(count, changed, snapshot))


@cached_public_page(_page_version_of_map)
def coverage_map(request):
    return render(
        request,
        "groups/coverage_map.html",
        {
            "groups": _public_groups().only("name", "slug", "summary"),
            "snapshot": CoverageSnapshot.objects.first(),
            "finder_form": FinderForm(),
            "has_illustrative": LocalActionGroup.objects.filter(is_illustrative=True).exists(),
            **map_settings(),
        },
    )


def coverage_version(request=None):
    """How many active groups there are and when one last changed: one small query decides
    whether the directory, the map and the coverage document must be built again."""
    count, changed = LocalActionGroup.objects.active_state()
    return Version(version_tag(count, changed), changed)


@conditional_document(coverage_version, content_type="application/geo+json")
def coverage_geojson(request):
    """Every active group's simplified coverage as one GeoJSON FeatureCollection."""
    rows = (
        LocalActionGroup.objects.active()
        .annotate(geojson=AsGeoJSON("coverage_map", precision=GEOJSON_PRECISION))
        .values_list("name", "slug", "summary", "geojson")
    )
    features = [
        {
            "type": "Feature",
            "properties": {
                "name": name,
                "url": reverse("groups:group_detail", args=[slug]),
                "summary": summary,
            },
            "geometry": json.loads(geojson),
        }
        for name, slug, summary, geojson in rows
        if geojson
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


def _group_coverage_version(request, slug):
    changed = LocalActionGroup.objects.active().filter(slug=slug).values_list("updated_at", flat=True).first()
    return Version(version_tag(slug, changed), changed) if changed else None


@conditional_document(_group_coverage_version, content_type="application/geo+json")
def group_coverage_geojson(request, slug):
    """One group's simplified coverage, for the small map on its page."""
    row = get_object_or_404(
        LocalActionGroup.objects.active()
        .annotate(geojson=AsGeoJSON("coverage_map", precision=GEOJSON_PRECISION))
        .values("name", "geojson"),
        slug=slug,
    )
    if not row["geojson"]:
        raise Http404("This group has no area to draw yet.")
    feature = {"type": "Feature", "properties": {"name": row["name"]}, "geometry": json.loads(row["geojson"])}
    return json.dumps(feature, separators=(",", ":"))


def _land_version(request):
    land = LandArea.objects.filter(name=LandArea.GREAT_BRITAIN).values_list("pk", "area_km2").first()
    return Version(version_tag(*land)) if land else None


@conditional_document(
    _land_version, content_type="application/geo+json", cache_control="public, max-age=86400"
)
def land_geojson(request):
    """Great Britain's outline, light enough to draw under the groups when there are no map tiles:
    islands under about 30 km² are left out and the coast is simplified to about a kilometre."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(ST_Collect(part.geom), 0.01), 3)
            FROM groups_landarea, ST_Dump(boundary) AS part
            WHERE name = %s AND ST_Area(part.geom) > 0.003
            """,
            [LandArea.GREAT_BRITAIN],
        )
        geometry = cursor.fetchone()[0]
    if geometry is None:
        raise Http404("Boundaries are not loaded.")
    return json.dumps(
        {"type": "Feature", "properties": {"name": LandArea.GREAT_BRITAIN}, "geometry": json.loads(geometry)}
    )


@cached_public_page(page_version_of_groups, params=("postcode", "lat", "lon"))
def find_group(request):
    form = FinderForm(request.GET or None)
    finding = None
    if not form.is_empty() and form.is_valid():
        finding = finder.find_groups(form.cleaned_data["place"])
    return render(
        request,
        "groups/finder.html",
        {"form": form, "finding": finding, **_start_a_group(), **map_settings()},
    )


def _start_a_group():
    """Where the "start one" offer leads: the toolkit's "Start a Local Action Group" guide once the
    toolkit has it, until then the contact form to the national LAG Coordinator."""
    try:
        return {"start_a_group_url": reverse("toolkit:start_a_group"), "start_a_group_is_guide": True}
    except NoReverseMatch:
        url = reverse("pages:contact_form") + "?topic=start-a-group"
        return {"start_a_group_url": url, "start_a_group_is_guide": False}


def join_group(request, slug):
    group = get_object_or_404(_public_groups().with_membership_of(request.user), slug=slug)
    if not request.user.is_authenticated:
        # Sign in, or create an account, and come back here: `next` survives sign-up and the
        # email confirmation (accounts.adapter, accounts.views.ConfirmEmailView).
        if request.method == "POST":
            return redirect_to_login(request.path)
        come_back = urlencode({"next": request.path})
        return render(
            request,
            "groups/group_join.html",
            {
                "group": group,
                "signup_url": f"{reverse('account_signup')}?{come_back}",
                "login_url": f"{reverse('account_login')}?{come_back}",
            },
        )
    form = JoinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.join_group(
                group, request.user, contact_consent=form.cleaned_data["contact_consent"]
            )
        except services.MembershipError as error:
            form.add_error(None, str(error))
        else:
            if membership.status == Membership.Status.ACTIVE:
                message = _("You are now a member of %(group)s.")
            else:
                message = _("Your request to join %(group)s has been sent to its coordinators.")
            messages.success(request, message % {"group": group.name})
            return redirect(group)
    return render(request, "groups/group_join.html", {"group": group, "form": form})


@login_required
def leave_group(request, slug):
    """Asks first (GET), then leaves the group or withdraws the request to join it (POST)."""
    membership = get_object_or_404(
        Membership.objects.current().with_group(), group__slug=slug, user=request.user
    )
    is_request = membership.status == Membership.Status.PENDING
    if request.method == "POST":
        services.leave_group(membership)
        if is_request:
            message = _("You have withdrawn your request to join %(group)s.")
        else:
            message = _("You have left %(group)s.")
        messages.success(request, message % {"group": membership.group.name})
        return redirect("groups:my_groups")
    return render(request, "groups/group_leave.html", {"membership": membership, "is_request": is_request})


@csrf_exempt  # One-click unsubscribe (RFC 8058) is a POST from the mail program: the signed token is the proof.
def stop_update_emails(request, token):
    """The link in every update email: a page to confirm (GET), then no more of that group's updates (POST)."""
    membership = Membership.objects.for_stop_token(token)
    if membership is None:
        raise Http404(_("This link is not one of ours, or it was copied incompletely."))
    group = LocalActionGroup.objects.without_geometry().get(pk=membership.group_id)
    stopped = request.method == "POST"
    if stopped:
        services.set_update_emails(membership, False)
    response = render(
        request,
        "groups/stop_update_emails.html",
        {"group": group, "token": token, "stopped": stopped or not membership.update_emails},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def set_update_emails(request, slug):
    """My groups: turn a group's update emails on or off."""
    membership = get_object_or_404(
        Membership.objects.active().with_group(), group__slug=slug, user=request.user
    )
    wanted = request.POST.get("update_emails") == "on"
    services.set_update_emails(membership, wanted)
    if wanted:
        messages.success(
            request, _("You will get %(group)s's updates by email.") % {"group": membership.group.name}
        )
    else:
        messages.success(
            request,
            _("You will no longer get %(group)s's updates by email. You are still a member.")
            % {"group": membership.group.name},
        )
    return redirect("groups:my_groups")


@login_required
def my_groups(request):
    memberships = (
        Membership.objects.filter(user=request.user).current().with_group().prefetch_related("roles")
    )
    meetings = (
        Meeting.objects.visible_to_member(request.user)
        .filter(group__is_active=True)
        .select_related("group")
        .only("title", "starts_at", "venue", "is_public", "group", "group__name", "group__slug")
    )
    upcoming_meetings, minuted_meetings = _upcoming_and_minuted(meetings, MINUTES_ON_MY_GROUPS)
    return render(
        request,
        "groups/my_groups.html",
        {
            "memberships": memberships,
            "upcoming_meetings": upcoming_meetings,
            "minuted_meetings": minuted_meetings,
        },
    )
