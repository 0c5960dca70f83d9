"""A recorder's sightings in "download my data", and what deleting the account keeps of them."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from PIL import Image

from accounts import services as account_services
from species.models import Decision, Sighting, SightingPhoto, Subscription, VerificationStatus

from ..groups.factories import GroupFactory
from .factories import SightingFactory, SpeciesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo_of(sighting):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "JPEG")
    upload = SimpleUploadedFile("balsam.jpg", buffer.getvalue(), content_type="image/jpeg")
    return SightingPhoto.objects.create(sighting=sighting, image=upload)


def export_of(user):
    return json.loads(json.dumps(account_services.export_personal_data(user), cls=DjangoJSONEncoder))


def test_the_export_holds_the_persons_sightings_with_place_status_and_decisions(volunteer):
    balsam = SpeciesFactory(scientific_name="Impatiens glandulifera", common_name="Himalayan balsam")
    sighting = SightingFactory(
        species=balsam, recorder=volunteer, grid_reference="NY 40 55", status=VerificationStatus.CORRECT
    )
    Decision.objects.create(
        sighting=sighting, status=VerificationStatus.CORRECT, comment="Lovely clear photo."
    )

    (exported,) = export_of(volunteer)["sightings_reported"]

    assert exported["species"] == "Impatiens glandulifera"
    assert exported["place"]["grid_reference"] == "NY 40 55"
    assert exported["place"]["latitude"] == pytest.approx(sighting.location.y)
    assert exported["status"] == "Accepted – correct"
    assert exported["decisions"][0]["comment"] == "Lovely clear photo."


def test_a_report_made_signed_out_with_the_persons_address_is_theirs_too(volunteer):
    SightingFactory(recorder=None, recorder_email="VERA@example.org", habitat_notes="By the weir")
    SightingFactory(recorder=None, recorder_email="someone@example.org", habitat_notes="Not hers")

    exported = export_of(volunteer)["sightings_reported"]

    assert [row["habitat_notes"] for row in exported] == ["By the weir"]


def test_the_export_holds_subscriptions_and_decisions_made_as_verifier(volunteer):
    group = GroupFactory(name="Eden Rivers Trust")
    Subscription.objects.create(user=volunteer, species=None, group=group)
    Decision.objects.create(
        sighting=SightingFactory(),
        status=VerificationStatus.PLAUSIBLE,
        verifier=volunteer,
        comment="Check again.",
    )

    data = export_of(volunteer)

    assert data["species_alert_subscriptions"][0]["group_area"] == "Eden Rivers Trust"
    assert data["species_alert_subscriptions"][0]["species"] == "Every species on the alert list"
    (decision,) = data["verification_decisions_made"]
    assert (
        decision["comment"] == "Check again."
        and "without your name" in decision["when_your_account_is_deleted"]
    )


def test_deleting_the_account_keeps_verified_records_without_the_person(volunteer):
    kept = SightingFactory(
        recorder=volunteer,
        recorder_name="Vera Volunteer",
        recorder_email=volunteer.email,
        name_may_be_shared=True,
        status=VerificationStatus.CONSIDERED_CORRECT,
    )
    photo = photo_of(kept)

    account_services.delete_account(volunteer)

    kept.refresh_from_db()
    assert (kept.recorder, kept.recorder_name, kept.recorder_email, kept.name_may_be_shared) == (
        None,
        "",
        "",
        False,
    )
    assert kept.status == VerificationStatus.CONSIDERED_CORRECT
    assert SightingPhoto.objects.filter(pk=photo.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_deleting_the_account_deletes_unverified_records_with_their_photos(volunteer):
    pending = SightingFactory(recorder=volunteer, status=VerificationStatus.NOT_REVIEWED)
    rejected = SightingFactory(
        recorder=None, recorder_email=volunteer.email, status=VerificationStatus.INCORRECT
    )
    Decision.objects.create(sighting=rejected, status=VerificationStatus.INCORRECT, comment="Native species.")
    photo = photo_of(pending)
    storage, name = photo.image.storage, photo.image.name
    assert storage.exists(name)
    someone_elses = SightingFactory(recorder_email="someone@example.org")

    account_services.delete_account(volunteer)

    assert not Sighting.objects.filter(pk__in=[pending.pk, rejected.pk]).exists()
    assert not Decision.objects.filter(sighting_id=rejected.pk).exists()
    assert not storage.exists(name)
    assert Sighting.objects.filter(pk=someone_elses.pk).exists()


def test_deleting_a_verifiers_account_keeps_their_decisions_and_removes_subscriptions(volunteer):
    sighting = SightingFactory(status=VerificationStatus.CORRECT)
    decision = Decision.objects.create(
        sighting=sighting, status=VerificationStatus.CORRECT, verifier=volunteer
    )
    Subscription.objects.create(user=volunteer, group=GroupFactory())

    account_services.delete_account(volunteer)

    decision.refresh_from_db()
    assert decision.verifier is None
    assert not Subscription.objects.exists()
    assert Sighting.objects.filter(pk=sighting.pk).exists()
