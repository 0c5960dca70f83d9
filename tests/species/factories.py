import datetime

import factory
from django.contrib.gis.geos import Point

from species.models import LocationSource, Sighting, Species

from ..groups.factories import CARLISLE


def letters(n):
    """`n` as letters (0 → "a", 26 → "ba"): species are matched on words, which have no digits."""
    word = ""
    while True:
        n, rest = divmod(n, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[rest] + word
        if not n:
            return word


class SpeciesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Species

    scientific_name = factory.Sequence(lambda n: f"Testgenus species{letters(n)}")
    slug = factory.Sequence(lambda n: f"testgenus-species{letters(n)}")
    common_name = factory.Sequence(lambda n: f"Test weed {n}")
    kingdom = "Plantae"
    environments = ["terrestrial"]
    status_england = "Non-Native"
    status_scotland = "Non-Native"
    status_wales = "Non-Native"


class SightingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sighting

    species = factory.SubFactory(SpeciesFactory)
    seen_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=2))
    location = factory.LazyFunction(lambda: Point(CARLISLE[1], CARLISLE[0], srid=4326))
    uncertainty_m = 10
    location_source = LocationSource.MAP
    country = "england"
    recorder_name = factory.Faker("name", locale="en_GB")
    recorder_email = factory.Sequence(lambda n: f"recorder{n}@example.org")
