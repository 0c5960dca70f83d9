"""The species admin: NNSS staff only; names, the alert list, images (checked, resized, without EXIF);
and coordinators choosing their own group's target species on the group's page."""

import datetime
from io import BytesIO

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from species.models import Species, SpeciesImage

from ..factories import UserFactory
from ..groups.factories import GroupFactory, make_coordinator
from ..groups.test_coverage_editing import inline_rows, untouched_form_data
from .factories import SpeciesFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:species_species_changelist")
ADD = reverse("admin:species_species_add")


def change_url(species):
    return reverse("admin:species_species_change", args=[species.pk])


def group_change_url(group):
    return reverse("admin:groups_localactiongroup_change", args=[group.pk])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def balsam(db):
    return SpeciesFactory(
        scientific_name="Impatiens glandulifera",
        slug="impatiens-glandulifera",
        common_name="Himalayan balsam",
        environments=["terrestrial", "freshwater"],
        listed_on=datetime.date(2017, 8, 2),
        in_checklist=True,
    )


@pytest.fixture
def staff_made(db):
    return SpeciesFactory(
        scientific_name="Crassula helmsii", slug="crassula-helmsii", common_name="New Zealand pigmyweed"
    )


@pytest.fixture
def group_a(db):
    return GroupFactory(name="Eden Balsam Bashers")


@pytest.fixture
def group_b(db):
    return GroupFactory(name="Tweed Invasives")


@pytest.fixture
def coordinator_of_a(coordinator, group_a):
    make_coordinator(coordinator, group_a)
    return coordinator


@pytest.fixture
def coordinator_of_b(db, group_b):
    user = UserFactory(email="olive@example.org")
    make_coordinator(user, group_b)
    return user


@pytest.fixture
def plain_staff(db):
    return UserFactory(email="stan@example.org", is_staff=True)


def species_form_data(response):
    """What a browser posts back from the species' change (or add) page, untouched."""
    form = response.context["adminform"].form
    data = {"_save": "Save"}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(each) for each in value]
        elif value is not None:
            data[name] = value
    return {**data, **inline_rows(response)}


def jpeg_with_exif(size=(2400, 1800)):
    image = Image.new("RGB", size, "green")
    exif = Image.Exif()
    exif[0x010F] = "Phone Maker"  # Make
    exif[0x0132] = "2024:06:01 10:00:00"  # DateTime
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    assert Image.open(BytesIO(buffer.getvalue())).getexif()  # the test's file does carry EXIF
    return SimpleUploadedFile("balsam photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def image_row(upload, **fields):
    return {
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-0-image": upload,
        "images-0-caption": fields.get("caption", "Flowers in July"),
        "images-0-credit": fields.get("credit", "Jo Botanist"),
        "images-0-licence": fields.get("licence", "cc-by"),
        "images-0-alt_text": fields.get("alt_text", "Pink hooded flowers on a tall red stem"),
        "images-0-position": "0",
    }


def target_species_prefix(group_page):
    """The form prefix of the target species inline on a group's admin page."""
    [prefix] = [
        inline.formset.prefix
        for inline in group_page.context["inline_admin_formsets"]
        if inline.formset.model is Species.targeted_by.through
    ]
    return prefix


# --- Who may do what ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, balsam):
    for url in (CHANGELIST, ADD, change_url(balsam)):
        response = client.get(url)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_volunteers_are_sent_to_sign_in(client, volunteer, balsam):
    client.force_login(volunteer)
    for url in (CHANGELIST, change_url(balsam)):
        response = client.get(url)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_staff_without_the_species_permissions_cannot_see_or_change_species(client, plain_staff, balsam):
    client.force_login(plain_staff)
    for url in (CHANGELIST, ADD, change_url(balsam)):
        assert client.get(url).status_code == 403
    assert client.post(change_url(balsam), {"common_name": "Changed"}).status_code == 403
    balsam.refresh_from_db()
    assert balsam.common_name == "Himalayan balsam"


def test_a_coordinator_may_look_but_not_change_add_or_delete_a_species(client, coordinator_of_a, balsam):
    client.force_login(coordinator_of_a)
    assert client.get(CHANGELIST).status_code == 200
    page = client.get(change_url(balsam))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(ADD).status_code == 403
    assert client.post(change_url(balsam), {"common_name": "Changed", "_save": "Save"}).status_code == 403
    assert (
        client.post(reverse("admin:species_species_delete", args=[balsam.pk]), {"post": "yes"}).status_code
        == 403
    )
    balsam.refresh_from_db()
    assert balsam.common_name == "Himalayan balsam"


# --- NNSS staff ---------------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["Himalayan", "glandulifera", "Policeman"])
def test_staff_find_species_by_scientific_common_and_other_names(
    client, nnss_staff, balsam, staff_made, term
):
    balsam.other_names.create(name="Policeman's helmet")
    client.force_login(nnss_staff)
    found = client.get(CHANGELIST, {"q": term}).context["cl"].result_list
    assert [species.pk for species in found] == [balsam.pk]


@pytest.mark.parametrize(
    "filters",
    [
        {"environment": "freshwater"},
        {"listed": "yes"},
        {"source": "checklist"},
        {"on_alert_list__exact": "1"},
        {"kingdom": "Plantae", "is_sensitive__exact": "1"},
    ],
)
def test_staff_filter_the_species(client, nnss_staff, balsam, staff_made, filters):
    Species.objects.filter(pk=balsam.pk).update(on_alert_list=True, alert_reason="New.", is_sensitive=True)
    client.force_login(nnss_staff)
    found = client.get(CHANGELIST, filters).context["cl"].result_list
    assert [species.pk for species in found] == [balsam.pk]


def test_staff_filter_the_species_they_added_themselves(client, nnss_staff, balsam, staff_made):
    client.force_login(nnss_staff)
    found = client.get(CHANGELIST, {"source": "staff"}).context["cl"].result_list
    assert [species.pk for species in found] == [staff_made.pk]


def test_other_names_added_by_staff_are_found_by_the_public_search(client, nnss_staff, staff_made):
    client.force_login(nnss_staff)
    page = client.get(change_url(staff_made))
    data = {
        **species_form_data(page),
        "other_names-TOTAL_FORMS": "1",
        "other_names-0-name": "Australian swamp stonecrop",
    }

    response = client.post(change_url(staff_made), data)

    assert response.status_code == 302
    assert list(Species.objects.search("australian swamp stonecrop")) == [staff_made]


def test_the_alert_list_needs_a_reason(client, nnss_staff, staff_made):
    client.force_login(nnss_staff)
    data = {
        **species_form_data(client.get(change_url(staff_made))),
        "on_alert_list": "on",
        "alert_reason": " ",
    }

    response = client.post(change_url(staff_made), data)

    assert response.status_code == 200
    assert "Say why NNSS wants this species reported at once" in response.content.decode()
    staff_made.refresh_from_db()
    assert not staff_made.on_alert_list


def test_staff_put_a_species_on_the_alert_list_and_the_public_sees_it(client, nnss_staff, staff_made):
    client.force_login(nnss_staff)
    data = {
        **species_form_data(client.get(change_url(staff_made))),
        "on_alert_list": "on",
        "alert_reason": "Smothers ponds.",
        "identification": "Small fleshy leaves in **pairs**.",
    }
    assert client.post(change_url(staff_made), data).status_code == 302
    client.logout()
    page = client.get(staff_made.get_absolute_url()).content.decode()
    assert "Smothers ponds." in page and "Small fleshy leaves in <strong>pairs</strong>." in page
    assert "Smothers ponds." in client.get(reverse("species:alert_list")).content.decode()


def test_the_curated_sections_say_they_are_markdown(client, nnss_staff, staff_made):
    client.force_login(nnss_staff)
    page = client.get(change_url(staff_made)).content.decode()
    assert page.count("Markdown: **bold**, lists and links.") == 6


def test_a_slug_taken_by_a_page_is_refused(client, nnss_staff):
    client.force_login(nnss_staff)
    data = {**species_form_data(client.get(ADD)), "scientific_name": "Alertus listus", "slug": "alert-list"}

    response = client.post(ADD, data)

    assert response.status_code == 200
    assert "is the address of another page" in response.content.decode()
    assert not Species.objects.filter(slug="alert-list").exists()


def test_what_the_import_sets_is_shown_but_not_edited_and_the_slug_never_changes(client, nnss_staff, balsam):
    client.force_login(nnss_staff)
    form = client.get(change_url(balsam)).context["adminform"].form
    assert "scientific_name" not in form.fields and "listed_on" not in form.fields
    assert "slug" not in form.fields
    assert "common_name" in form.fields and "identification" in form.fields


# --- Images -------------------------------------------------------------------------------------


def test_a_stored_species_image_is_resized_with_a_thumbnail_and_has_no_exif(client, nnss_staff, staff_made):
    client.force_login(nnss_staff)
    data = {**species_form_data(client.get(change_url(staff_made))), **image_row(jpeg_with_exif())}

    response = client.post(change_url(staff_made), data)

    assert response.status_code == 302
    stored = SpeciesImage.objects.get(species=staff_made)
    with Image.open(stored.image.path) as image:
        assert image.size == (1600, 1200)
        assert not image.getexif()
        assert "exif" not in image.info
    with Image.open(stored.thumbnail.path) as thumbnail:
        assert thumbnail.size == (400, 300)
        assert not thumbnail.getexif()
    assert (stored.width, stored.height) == (1600, 1200)
    assert stored.credit == "Jo Botanist" and stored.licence == "cc-by"


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(client, nnss_staff, staff_made, _media):
    client.force_login(nnss_staff)
    not_an_image = SimpleUploadedFile("balsam.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    data = {**species_form_data(client.get(change_url(staff_made))), **image_row(not_an_image)}

    response = client.post(change_url(staff_made), data)

    assert response.status_code == 200
    assert "This file is not an image we can read (JPEG, PNG or WebP)." in response.content.decode()
    assert not SpeciesImage.objects.exists()
    assert not _media.exists() or not any(path.is_file() for path in _media.rglob("*"))


@pytest.mark.parametrize("missing", ["caption", "credit", "licence", "alt_text"])
def test_an_image_needs_its_caption_credit_licence_and_alt_text(client, nnss_staff, staff_made, missing):
    client.force_login(nnss_staff)
    data = {
        **species_form_data(client.get(change_url(staff_made))),
        **image_row(jpeg_with_exif((200, 150)), **{missing: ""}),
    }

    response = client.post(change_url(staff_made), data)

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not SpeciesImage.objects.exists()


# --- Target species on a group's page -----------------------------------------------------------


def test_a_coordinator_chooses_their_groups_target_species(client, coordinator_of_a, group_a, balsam):
    client.force_login(coordinator_of_a)
    page = client.get(group_change_url(group_a))
    assert "Target species" in page.content.decode()
    data = untouched_form_data(page)
    prefix = target_species_prefix(page)
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-species": str(balsam.pk)})

    response = client.post(group_change_url(group_a), data)

    assert response.status_code == 302
    assert list(group_a.target_species.all()) == [balsam]
    assert group_a.name in client.get(balsam.get_absolute_url()).content.decode()


def test_another_groups_coordinator_cannot_change_its_target_species(
    client, coordinator_of_a, coordinator_of_b, group_a, balsam
):
    client.force_login(coordinator_of_a)
    page = client.get(group_change_url(group_a))
    data, prefix = untouched_form_data(page), target_species_prefix(page)
    client.force_login(coordinator_of_b)
    data.update(
        {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-0-species": str(balsam.pk)}
    )

    assert client.get(group_change_url(group_a)).status_code == 404
    assert client.post(group_change_url(group_a), data).status_code == 404
    assert not group_a.target_species.exists()


def test_the_target_species_picker_searches_species_for_coordinators_only(
    client, coordinator_of_a, volunteer, balsam
):
    url = reverse("admin:autocomplete")
    query = {
        "app_label": "species",
        "model_name": "species_targeted_by",
        "field_name": "species",
        "term": "balsam",
    }
    client.force_login(coordinator_of_a)
    found = client.get(url, query).json()["results"]
    assert [row["id"] for row in found] == [str(balsam.pk)]
    client.force_login(volunteer)
    assert client.get(url, query).status_code == 302


def test_staff_choose_the_groups_targeting_a_species_with_a_picker(client, nnss_staff, staff_made, group_a):
    client.force_login(nnss_staff)
    page = client.get(change_url(staff_made))
    assert 'class="admin-autocomplete' in page.content.decode()
    assert 'data-field-name="targeted_by"' in page.content.decode()
    data = {**species_form_data(page), "targeted_by": [str(group_a.pk)]}
    assert client.post(change_url(staff_made), data).status_code == 302
    assert list(staff_made.targeted_by.all()) == [group_a]
