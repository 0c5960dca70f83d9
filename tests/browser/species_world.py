"""What the species browser tests share: Great Britain's outline, Himalayan balsam with curated text,
a group covering Carlisle with its coordinator, NNSS staff, a small JPEG, and signing in by cookie."""

import io
from pathlib import Path

from django.conf import settings
from django.test import Client
from PIL import Image

from groups.models import LandArea

from ..groups.factories import CARLISLE, GroupFactory, make_coordinator, square
from ..species.factories import SpeciesFactory

GROUP_NAME = "Eden Balsam Bashers"
# A square standing in for Great Britain's outline (the report map draws it under the clicks): the
# browser finds a latitude and longitude on the map from where its corners are drawn.
LAND_CENTRE, LAND_HALF_SIDE = (54.5, -3.0), 4.0


def great_britain():
    return LandArea.objects.create(
        name=LandArea.GREAT_BRITAIN, boundary=square(*LAND_CENTRE, LAND_HALF_SIDE), area_km2=209_331
    )


def himalayan_balsam(**fields):
    return SpeciesFactory(
        scientific_name="Impatiens glandulifera",
        slug="impatiens-glandulifera",
        common_name="Himalayan balsam",
        environments=["terrestrial", "freshwater"],
        native_range="Western Himalayas",
        first_record_as_given="1839",
        first_record_year=1839,
        identification="A tall annual with **pink to purple** flowers shaped like a policeman's helmet.",
        similar_species="Few: its size and flowers set it apart.",
        management="Pull it up before it flowers, every year, working **downstream**.",
        in_nnsip=True,
        portal_url="https://www.nonnativespecies.org/non-native-species/information-portal/view/1876",
        **fields,
    )


def eden_group(coordinator):
    """A group covering Carlisle, coordinated by `coordinator`, that targets no species yet."""
    group = GroupFactory(name=GROUP_NAME, coverage=square(*CARLISLE, half_side=0.3))
    make_coordinator(coordinator, group)
    return group


def jpeg_file(folder, name="balsam.jpg"):
    """A small JPEG on disk, as a person would pick one to upload."""
    path = Path(folder) / name
    Image.new("RGB", (120, 90), (200, 80, 160)).save(path, format="JPEG")
    return path


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (200, 80, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()


def sign_in_as(context, live_server, user):
    """Sign `user` in by giving the browser context a session made on the server (the sign-in form
    itself is tested in test_coordinator_journey)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.clear_cookies()
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
    )
