import datetime

import factory
from django.contrib.gis.geos import Point

from species.models import LocationSource, Sighting, Species

from ..groups.factories import CARLISLE


def letters(number):
    """`number` as lower-case letters (0 → "a", 26 → "ba"): species are matched on their binomial,
    which leaves digits out, so each test species needs an epithet of letters of its own."""
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word = chr(ord("a") + digit) + word
        if not number:
            return word


class SpeciesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Species

    scientific_name = factory.Sequence(lambda n: f"Testgenus species{letters(n)}")
    slug = factory.Sequence(lambda n: f"testgenus-species{n}")
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
