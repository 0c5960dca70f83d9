"""The species import on the real shipped files (data/): imported once for this module, removed after."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from species import importer
from species.models import CommonName, Species

from ..groups.factories import GroupFactory

# The distinct binomials: 298 in the NNSIP overview (302 rows: four are hybrids or subspecies of a
# species listed too), 3,831 in the RINSE checklist (3,906 rows), 66 in the list of species of
# special concern; together 3,901 (worked out with species.models.binomial_of over the three files).
DISTINCT_BINOMIALS = 3901
IN_NNSIP, IN_CHECKLIST, LISTED = 298, 3831, 66


def run_import():
    out = StringIO()
    call_command("import_species", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        output = run_import()
        yield output
        Species.objects.all().delete()


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("first_run")]


def everything():
    """Every imported value of every species and every other name: what a re-run must not change."""
    species = list(Species.objects.order_by("pk").values_list())
    names = list(CommonName.objects.order_by("pk").values_list())
    return species, names


def test_the_first_run_creates_one_species_per_distinct_binomial(first_run):
    assert Species.objects.count() == DISTINCT_BINOMIALS
    assert Species.objects.filter(in_nnsip=True).count() == IN_NNSIP
    assert Species.objects.filter(in_checklist=True).count() == IN_CHECKLIST
    assert Species.objects.listed().count() == LISTED
    assert f"Species created: {DISTINCT_BINOMIALS}\n" in first_run
    assert "Species updated: 0\n" in first_run


def test_the_first_run_reports_the_rows_read_and_what_matched_nothing(first_run):
    assert "Read 302 rows from the NNSIP overview." in first_run
    assert "Read 3906 rows from the RINSE checklist." in first_run
    assert "Read 66 rows from the species of special concern." in first_run
    # The short lists are printed name by name, the checklist's 3,541 counted.
    assert "Names in the NNSIP overview that match nothing in the other files (kept): 36\n" in first_run
    assert "\n  Aegypius monachus\n" in first_run
    assert (
        "Names in the species of special concern that match nothing in the other files (kept): 33\n"
        in first_run
    )
    assert "\n  Vespa velutina nigrithorax\n" in first_run
    assert "Names in the RINSE checklist that match nothing in the other files (kept): 3541\n" in first_run
    assert "\n  Paratrichodorus renifer\n" not in first_run
    assert "(run with --verbosity 2 to list them)" in first_run


def test_a_second_run_creates_nothing_and_changes_nothing(first_run):
    before = everything()

    output = run_import()

    assert "Species created: 0\n" in output
    assert "Species updated: 0\n" in output
    assert "Other common names added: 0\n" in output
    assert everything() == before


def test_himalayan_balsam_has_its_common_name_environment_and_listing():
    balsam = Species.objects.get(binomial="impatiens glandulifera")
    assert balsam.scientific_name == "Impatiens glandulifera"
    assert balsam.slug == "impatiens-glandulifera"
    assert balsam.common_name == "Himalayan balsam"  # from the list of species of special concern
    assert balsam.environments == ["terrestrial"]  # the checklist's flags
    assert (balsam.kingdom, balsam.phylum, balsam.establishment_means) == (
        "Plantae",
        "Angiospermae",
        "introduced",
    )
    assert balsam.listed_on == datetime.date(2017, 8, 2) and balsam.widely_spread is True
    assert balsam.in_checklist
    # The shipped NNSIP overview has the genera from A to Aster only: no portal page for Impatiens.
    assert not balsam.in_nnsip and balsam.portal_url == ""


def test_a_species_in_all_three_files_takes_the_nnsip_name_environment_and_portal_page():
    goose = Species.objects.get(binomial="alopochen aegyptiacus")
    assert goose.common_name == "Egyptian Goose"  # the NNSIP's, preferred; the list's differs in case only
    assert not goose.other_names.exists()
    assert (
        goose.portal_url == "https://www.nonnativespecies.org/non-native-species/information-portal/view/140"
    )
    assert goose.environments == ["terrestrial"]
    assert (goose.status_england, goose.status_scotland, goose.status_wales) == ("Non-Native",) * 3
    assert goose.first_record_as_given == "1795" and goose.first_record_year == 1795
    assert goose.kingdom == "Animalia"
    assert goose.listed_on == datetime.date(2017, 8, 2) and goose.widely_spread is True
    assert goose.in_nnsip and goose.in_checklist


def test_nnsip_environments_and_dates_are_read_as_given():
    mandarin = Species.objects.get(binomial="aix galericulata")
    assert mandarin.environments == ["terrestrial", "freshwater"]  # "Terrestrial and Freshwater"
    bean_weevil = Species.objects.get(binomial="acanthoscelides obtectus")
    statuses = (bean_weevil.status_england, bean_weevil.status_scotland, bean_weevil.status_wales)
    assert statuses == ("Non-Native", "", "")
    ranged = Species.objects.get(first_record_as_given="1800 1899")
    assert ranged.first_record_year is None


def test_signal_crayfish_is_listed_on_3_august_2016_and_widely_spread():
    crayfish = Species.objects.get(scientific_name="Pacifastacus leniusculus")
    assert crayfish.common_name == "Signal crayfish"
    assert crayfish.listed_on == datetime.date(2016, 8, 3)
    assert crayfish.widely_spread is True
    assert crayfish.environments == ["freshwater"]
    assert crayfish in Species.objects.listed()


def test_a_name_only_in_the_checklist_is_kept_as_a_species_of_its_own():
    nematode = Species.objects.get(binomial="paratrichodorus renifer")
    assert nematode.scientific_name == "Paratrichodorus renifer"
    assert (nematode.kingdom, nematode.phylum, nematode.establishment_means) == (
        "Animalia",
        "Nematoda",
        "doubtful",
    )
    assert nematode.in_checklist and not nematode.in_nnsip and nematode.listed_on is None
    assert nematode.common_name == ""


def test_a_listed_species_in_no_other_file_is_kept_with_its_names():
    hornet = Species.objects.get(binomial="vespa velutina")
    assert hornet.scientific_name == "Vespa velutina nigrithorax"
    assert hornet.common_name == "Asian hornet"
    assert [name.name for name in hornet.other_names.all()] == ["Yellow-legged hornet"]
    assert hornet.listed_on == datetime.date(2016, 8, 3) and hornet.widely_spread is False
    assert list(Species.objects.search("yellow legged hornet")[:1]) == [hornet]


def test_the_lists_other_names_become_other_common_names():
    terrapin = Species.objects.get(binomial="trachemys scripta")
    assert terrapin.common_name == "Terrapins"
    assert {name.name for name in terrapin.other_names.all()} == {
        "Red-eared slider",
        "Yellow-bellied slider",
        "Cumberland slider",
        "Common slider",
    }
    sleeper = Species.objects.get(binomial="percottus glenii")
    assert sleeper.common_name == "Chinese sleeper"
    assert [name.name for name in sleeper.other_names.all()] == ["Amur sleeper"]


def test_rows_of_one_file_sharing_a_binomial_give_one_species_read_from_the_species_row():
    aster = Species.objects.get(binomial="aster novi-belgii")
    assert (
        aster.scientific_name == "Aster novi-belgii"
    )  # not "Aster novi-belgii x lanceolatus = A. x salignus"
    assert aster.common_name == "Confused Michaelmas-Daisy"


def test_slugs_are_unique():
    assert Species.objects.values("slug").distinct().count() == DISTINCT_BINOMIALS


def test_a_rerun_keeps_what_staff_curate():
    group = GroupFactory()
    balsam = Species.objects.get(binomial="impatiens glandulifera")
    balsam.common_name = "Policeman's helmet"
    balsam.identification = "Pink flowers shaped like a **helmet**."
    balsam.on_alert_list, balsam.alert_reason = True, "Spreading fast."
    balsam.is_sensitive = True
    balsam.save()
    balsam.other_names.create(name="Indian balsam")
    balsam.targeted_by.add(group)
    hornet = Species.objects.get(binomial="vespa velutina")
    hornet.kingdom = "Animalia"  # the files give none
    hornet.save()

    output = run_import()

    assert "Species created: 0\n" in output
    balsam.refresh_from_db()
    assert balsam.common_name == "Policeman's helmet"
    assert balsam.identification == "Pink flowers shaped like a **helmet**."
    assert (balsam.on_alert_list, balsam.alert_reason, balsam.is_sensitive) == (True, "Spreading fast.", True)
    assert [name.name for name in balsam.other_names.all()] == ["Indian balsam"]
    assert list(balsam.targeted_by.all()) == [group]
    assert balsam.slug == "impatiens-glandulifera"
    hornet.refresh_from_db()
    assert hornet.kingdom == "Animalia"


def test_a_species_staff_added_before_the_import_is_matched_and_keeps_its_slug():
    Species.objects.filter(binomial="pacifastacus leniusculus").delete()
    staff_made = Species.objects.create(
        scientific_name="PACIFASTACUS LENIUSCULUS Dana, 1852",
        slug="signal-crayfish",
        identification="Red claws.",
    )

    output = run_import()

    assert "Species created: 0\n" in output
    assert "Species updated: 1\n  Pacifastacus leniusculus\n" in output
    staff_made.refresh_from_db()
    assert staff_made.slug == "signal-crayfish"
    assert staff_made.scientific_name == "Pacifastacus leniusculus"
    assert staff_made.common_name == "Signal crayfish"
    assert staff_made.listed_on == datetime.date(2016, 8, 3)
    assert staff_made.identification == "Red claws."
    assert Species.objects.count() == DISTINCT_BINOMIALS


@pytest.mark.parametrize(
    "given, environments",
    [
        ("Terrestrial", ["terrestrial"]),
        ("Terrestrial and Freshwater", ["terrestrial", "freshwater"]),
        ("Marine and Freshwater", ["freshwater", "marine"]),
        ("", []),
    ],
)
def test_nnsip_environments_become_habitats(given, environments):
    assert importer.environments_in(given) == environments


@pytest.mark.parametrize(
    "given, preferred, others",
    [
        ("Grey squirrel", "Grey squirrel", []),
        ("Asian hornet (yellow-legged hornet)", "Asian hornet", ["Yellow-legged hornet"]),
        ("Small Asian mongoose / Javan mongoose", "Small Asian mongoose", ["Javan mongoose"]),
        (
            "Terrapins (all subspecies including red\u2011eared slider, common slider)",
            "Terrapins",
            ["Red-eared slider", "Common slider"],
        ),
    ],
)
def test_the_lists_common_names_are_split_into_preferred_and_other_names(given, preferred, others):
    assert importer.names_in(given) == (preferred, others)
