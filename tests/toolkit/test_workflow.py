"""The resources' workflow: draft → in review → published → archived (and back to draft), each step
through `change_status`, recorded, and publishing only for those with `toolkit.publish_resource`
whichever way they try (button, list action, or a crafted POST of the status)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from toolkit import services
from toolkit.models import Resource, Status, StatusChange

from .factories_admin import (
    CHANGELIST,
    ResourceFactory,
    change_url,
    editor,
    form_data,
    preview_url,
    status_url,
)

pytestmark = pytest.mark.django_db

DRAFT, IN_REVIEW, PUBLISHED, ARCHIVED = Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.ARCHIVED


@pytest.fixture
def writer(db):
    return editor(email="wyn@example.org", full_name="Wyn Writer")


@pytest.fixture
def publisher(nnss_staff):
    return nnss_staff


def history(resource):
    return list(
        StatusChange.objects.filter(resource=resource)
        .order_by("pk")
        .values_list("from_status", "to_status", "changed_by__email")
    )


def reloaded(resource):
    return Resource.objects.get(pk=resource.pk)


# --- The service ----------------------------------------------------------------------------------


def test_each_step_is_recorded_and_the_first_publication_dates_the_resource(publisher):
    resource = ResourceFactory()
    for step in [IN_REVIEW, PUBLISHED]:
        services.change_status(resource, step, by=publisher)
    assert reloaded(resource).published_on == timezone.localdate()

    # Republished later, it keeps the date it was first published.
    Resource.objects.filter(pk=resource.pk).update(published_on=datetime.date(2024, 5, 1))
    resource.refresh_from_db()
    for step in [ARCHIVED, DRAFT, IN_REVIEW, PUBLISHED]:
        services.change_status(resource, step, by=publisher)

    resource = reloaded(resource)
    assert resource.status == PUBLISHED
    assert resource.published_on == datetime.date(2024, 5, 1)
    assert history(resource) == [
        (DRAFT, IN_REVIEW, publisher.email),
        (IN_REVIEW, PUBLISHED, publisher.email),
        (PUBLISHED, ARCHIVED, publisher.email),
        (ARCHIVED, DRAFT, publisher.email),
        (DRAFT, IN_REVIEW, publisher.email),
        (IN_REVIEW, PUBLISHED, publisher.email),
    ]


@pytest.mark.parametrize(
    "start, to_status",
    [
        (DRAFT, PUBLISHED),
        (DRAFT, ARCHIVED),
        (DRAFT, DRAFT),
        (IN_REVIEW, ARCHIVED),
        (PUBLISHED, DRAFT),
        (PUBLISHED, IN_REVIEW),
        (ARCHIVED, PUBLISHED),
    ],
)
def test_a_step_the_workflow_does_not_have_is_refused_and_changes_nothing(publisher, start, to_status):
    resource = ResourceFactory(status=start)
    with pytest.raises(services.WorkflowError, match="cannot be moved"):
        services.change_status(resource, to_status, by=publisher)
    assert reloaded(resource).status == start
    assert reloaded(resource).published_on is None
    assert history(resource) == []


def test_staff_without_the_publish_permission_write_and_send_for_review_but_never_publish(writer):
    resource = ResourceFactory()
    services.change_status(resource, IN_REVIEW, by=writer)
    services.change_status(resource, DRAFT, by=writer)
    services.change_status(resource, IN_REVIEW, by=writer)
    with pytest.raises(PermissionDenied):
        services.change_status(resource, PUBLISHED, by=writer)
    assert reloaded(resource).status == IN_REVIEW
    assert reloaded(resource).published_on is None
    assert len(history(resource)) == 3


@pytest.mark.parametrize("start, to_status", [(PUBLISHED, ARCHIVED), (ARCHIVED, DRAFT)])
def test_taking_a_resource_off_the_library_needs_the_publish_permission(writer, start, to_status):
    resource = ResourceFactory(status=start)
    with pytest.raises(PermissionDenied):
        services.change_status(resource, to_status, by=writer)
    assert reloaded(resource).status == start
    assert history(resource) == []


def test_volunteers_coordinators_and_inactive_publishers_change_no_status(
    volunteer, group_coordinator, publisher
):
    resource = ResourceFactory()
    publisher.is_active = False
    publisher.save()
    for person in [volunteer, group_coordinator, publisher]:
        with pytest.raises(PermissionDenied):
            services.change_status(resource, IN_REVIEW, by=person)
    assert reloaded(resource).status == DRAFT


def test_the_steps_offered_depend_on_the_status_and_the_person(writer, publisher):
    assert services.allowed_transitions(ResourceFactory(status=DRAFT), writer) == [IN_REVIEW]
    assert services.allowed_transitions(ResourceFactory(status=IN_REVIEW), writer) == [DRAFT]
    assert services.allowed_transitions(ResourceFactory(status=IN_REVIEW), publisher) == [DRAFT, PUBLISHED]
    assert services.allowed_transitions(ResourceFactory(status=PUBLISHED), writer) == []
    assert services.allowed_transitions(ResourceFactory(status=PUBLISHED), publisher) == [ARCHIVED]
    assert services.allowed_transitions(ResourceFactory(status=ARCHIVED), publisher) == [DRAFT]


# --- Buttons on the resource's page -------------------------------------------------------------


def test_the_page_shows_the_status_and_only_the_buttons_the_person_may_use(client, writer, publisher):
    resource = ResourceFactory(status=IN_REVIEW)
    client.force_login(writer)
    page = client.get(change_url(resource)).content.decode()
    assert "In review: waiting for a publisher" in page
    assert status_url(resource, DRAFT) in page
    assert status_url(resource, PUBLISHED) not in page
    assert "The next step needs the permission to publish" in page

    client.force_login(publisher)
    page = client.get(change_url(resource)).content.decode()
    assert status_url(resource, PUBLISHED) in page
    assert status_url(resource, DRAFT) in page
    assert 'name="status"' not in page  # never a field of the form


def test_the_publish_button_publishes_for_a_publisher(client, publisher):
    resource = ResourceFactory(status=IN_REVIEW)
    client.force_login(publisher)
    response = client.post(status_url(resource, PUBLISHED), follow=True)
    assert response.redirect_chain[-1][0] == change_url(resource)
    assert f"“{resource.title}” is now published." in response.content.decode()
    assert reloaded(resource).status == PUBLISHED
    assert history(resource) == [(IN_REVIEW, PUBLISHED, publisher.email)]


def test_staff_without_the_permission_posting_to_the_publish_button_get_403(client, writer):
    resource = ResourceFactory(status=IN_REVIEW)
    client.force_login(writer)
    assert client.post(status_url(resource, PUBLISHED)).status_code == 403
    assert client.post(status_url(ResourceFactory(status=PUBLISHED), ARCHIVED)).status_code == 403
    assert reloaded(resource).status == IN_REVIEW
    assert StatusChange.objects.count() == 0


def test_a_step_from_the_wrong_status_says_why_and_changes_nothing(client, publisher):
    resource = ResourceFactory(status=DRAFT)
    client.force_login(publisher)
    response = client.post(status_url(resource, PUBLISHED), follow=True)
    assert "is draft: it cannot be moved to published from there." in response.content.decode()
    assert reloaded(resource).status == DRAFT


def test_the_buttons_are_post_only_and_unknown_statuses_or_resources_are_404(client, publisher):
    resource = ResourceFactory(status=IN_REVIEW)
    client.force_login(publisher)
    assert client.get(status_url(resource, PUBLISHED)).status_code == 405
    assert client.post(f"/admin/toolkit/resource/{resource.pk}/status/live/").status_code == 404
    assert client.post(f"/admin/toolkit/resource/{resource.pk + 1000}/status/published/").status_code == 404
    assert reloaded(resource).status == IN_REVIEW


# --- The status is not a field: a crafted POST changes nothing ------------------------------------


@pytest.mark.parametrize("who", ["writer", "publisher"])
def test_posting_a_status_with_the_form_is_ignored(client, request, who):
    person = request.getfixturevalue(who)
    resource = ResourceFactory(status=DRAFT)
    client.force_login(person)
    page = client.get(change_url(resource))
    data = form_data(page, title="Balsam bashing, revised", status=PUBLISHED, published_on="2020-01-01")
    response = client.post(change_url(resource), data)
    assert response.status_code == 302
    resource = reloaded(resource)
    assert resource.title == "Balsam bashing, revised"
    assert resource.status == DRAFT
    assert resource.published_on is None
    assert StatusChange.objects.count() == 0


def test_a_new_resource_is_a_draft_whatever_status_is_posted(client, writer):
    client.force_login(writer)
    page = client.get("/admin/toolkit/resource/add/")
    category = ResourceFactory().category
    data = form_data(
        page,
        title="Running a work party",
        slug="running-a-work-party",
        category=category.pk,
        summary="Safety, tools and tea.",
        body="Bring gloves.",
        status=PUBLISHED,
    )
    assert client.post("/admin/toolkit/resource/add/", data).status_code == 302
    assert Resource.objects.get(slug="running-a-work-party").status == DRAFT


# --- List actions ---------------------------------------------------------------------------------


def test_the_publish_action_is_not_offered_to_staff_without_the_permission(client, writer):
    resource = ResourceFactory(status=IN_REVIEW)
    client.force_login(writer)
    page = client.get(CHANGELIST).content.decode()
    assert 'value="publish"' not in page
    assert 'value="archive"' not in page
    assert 'value="delete_selected"' not in page
    response = client.post(CHANGELIST, {"action": "publish", "_selected_action": [resource.pk]}, follow=True)
    assert response.status_code == 200
    assert reloaded(resource).status == IN_REVIEW
    assert StatusChange.objects.count() == 0


def test_the_publish_action_publishes_what_is_in_review_and_says_what_it_left(client, publisher):
    in_review = ResourceFactory(status=IN_REVIEW)
    draft = ResourceFactory(status=DRAFT)
    client.force_login(publisher)
    response = client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [in_review.pk, draft.pk]}, follow=True
    )
    page = response.content.decode()
    assert "1 resource is now published." in page
    assert "1 resource was left as it was" in page
    assert reloaded(in_review).status == PUBLISHED
    assert reloaded(draft).status == DRAFT


def test_the_back_to_draft_action_leaves_archived_resources_to_publishers(client, writer):
    in_review = ResourceFactory(status=IN_REVIEW)
    archived = ResourceFactory(status=ARCHIVED)
    client.force_login(writer)
    response = client.post(
        CHANGELIST, {"action": "move_to_draft", "_selected_action": [in_review.pk, archived.pk]}, follow=True
    )
    assert "1 resource is now draft." in response.content.decode()
    assert reloaded(in_review).status == DRAFT
    assert reloaded(archived).status == ARCHIVED


# --- What staff without the permission may edit ---------------------------------------------------


@pytest.mark.parametrize("status", [IN_REVIEW, PUBLISHED, ARCHIVED])
def test_staff_without_the_permission_see_but_cannot_edit_what_is_past_draft(client, writer, status):
    resource = ResourceFactory(status=status, title="Biosecurity checklist")
    client.force_login(writer)
    page = client.get(change_url(resource))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert 'name="upload"' not in page.content.decode()
    response = client.post(change_url(resource), {"title": "Changed", "summary": "x"})
    assert response.status_code == 403
    assert reloaded(resource).title == "Biosecurity checklist"


def test_staff_without_the_permission_may_delete_drafts_only(client, writer):
    draft, published = ResourceFactory(status=DRAFT), ResourceFactory(status=PUBLISHED)
    client.force_login(writer)
    delete = "/admin/toolkit/resource/{}/delete/"
    assert client.post(delete.format(published.pk), {"post": "yes"}).status_code == 403
    assert client.post(delete.format(draft.pk), {"post": "yes"}).status_code == 302
    assert list(Resource.objects.values_list("pk", flat=True)) == [published.pk]


# --- Who may open any of it -----------------------------------------------------------------------


def test_coordinators_have_no_toolkit_admin(client, group_coordinator):
    resource = ResourceFactory(status=IN_REVIEW)
    client.force_login(group_coordinator)
    assert "/admin/toolkit/" not in client.get("/admin/").content.decode()
    for url in [CHANGELIST, change_url(resource), preview_url(resource), "/admin/toolkit/category/"]:
        assert client.get(url).status_code == 403, url
    assert client.post(status_url(resource, DRAFT)).status_code == 403
    assert reloaded(resource).status == IN_REVIEW


@pytest.mark.parametrize("who", ["anonymous", "volunteer"])
def test_people_who_are_not_staff_are_sent_to_sign_in(client, request, who):
    if who == "volunteer":
        client.force_login(request.getfixturevalue("volunteer"))
    resource = ResourceFactory(status=IN_REVIEW)
    for url in [CHANGELIST, change_url(resource), preview_url(resource)]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url, url
    response = client.post(status_url(resource, DRAFT))
    assert response.status_code == 302 and "login" in response.url
    assert reloaded(resource).status == IN_REVIEW


# --- The preview ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["writer", "publisher"])
def test_staff_preview_a_draft_as_it_will_look(client, request, who):
    resource = ResourceFactory(
        title="Setting up a LAG", body="Find a **chair**.", external_url="https://www.nonnativespecies.org/"
    )
    client.force_login(request.getfixturevalue(who))
    response = client.get(preview_url(resource))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in page and "Setting up a LAG" in page
    assert "Preview for staff." in page and "A draft: only staff see it" in page
    assert "<strong>chair</strong>" in page
    assert '<meta name="robots" content="noindex">' in page
    assert "(on another website)" in page
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_only_public_resources_link_to_the_site_drafts_to_the_preview(client, publisher):
    client.force_login(publisher)
    draft, published = ResourceFactory(status=DRAFT), ResourceFactory(status=PUBLISHED)
    page = client.get(change_url(draft)).content.decode()
    assert "/admin/r/" not in page and preview_url(draft) in page
    assert "/admin/r/" in client.get(change_url(published)).content.decode()
