"""The public map of verified sightings: the page (with a table for those without JavaScript) and
its GeoJSON document, blurred to grid squares (species.open_data)."""

import json

from django import forms
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.maps import map_settings
from lagportal.lib.http import DOCUMENT_SECONDS, cached_public_page, cached_response

from . import open_data
from .models import Species, Treatment

ROWS_PER_PAGE = 50
SPECIES_FIELDS = ("scientific_name", "common_name", "slug", "is_sensitive")
EARLIEST_YEAR = 1800


def _species_url(slug):
    """The species' page, once the species pages exist; the map filtered to it until then."""
    try:
        return reverse("species:detail", args=[slug])
    except NoReverseMatch:
        return f"{reverse('species:sightings_map')}?species={slug}"


class SightingsFilterForm(forms.Form):
    species = forms.SlugField(label=_("Species"), required=False, max_length=200)
    year = forms.IntegerField(label=_("Year seen"), required=False)
    treatment = forms.ChoiceField(
        label=_("Treatment"), required=False, choices=[("", _("Any")), *Treatment.choices]
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and not EARLIEST_YEAR <= year <= timezone.localdate().year:
            raise forms.ValidationError(
                _("Give a year from %(first)s to this year.") % {"first": EARLIEST_YEAR}
            )
        return year

    def clean_species(self):
        slug = self.cleaned_data["species"]
        if not slug:
            return None
        species = Species.objects.filter(slug=slug).only(*SPECIES_FIELDS).first()
        if species is None:
            # Not a mistake to point out next to a field: an address for a species we do not know.
            raise Http404(_("No species with that name."))
        return species


def _version(request):
    # Kept on the request: the page's table reads the national squares stored under this version.
    request.public_sightings_version = open_data.public_version()
    return request.public_sightings_version


def _all_national_squares(version):
    """The national map's squares of every verified record (open_data.national_squares), computed
    once per version and shared by the GeoJSON and the page's table: seconds of work at a million
    records, which the page (stored a minute at a time) would otherwise repeat every minute."""
    key = f"species.national_squares:{version.tag}"
    rows = cache.get(key)
    if rows is None:
        rows = open_data.national_squares(open_data.public_sightings())
        cache.set(key, rows, DOCUMENT_SECONDS)
    return rows


def _species_map_url(slug):
    return f"{reverse('species:sightings_map')}?species={slug}"


def sightings_geojson(request):
    """The verified sightings as blurred squares, one GeoJSON FeatureCollection, filtered by
    `species` (slug), `year` and `treatment`; 304 when the client's copy is current.

    Without a species, one feature per 10 km square for all species together (`"scope":
    "all_species"`); for one species, one per square and treatment state (`"one_species"`). The
    document's `square_m` says the size of its squares (each feature's says its own: a species'
    coarse records are in 10 km squares)."""
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse({"detail": str(_("Only GET is allowed here."))}, status=405)
        response["Allow"] = "GET, HEAD"
        return response
    form = SightingsFilterForm(request.GET)
    if not form.is_valid():
        return JsonResponse(
            {"errors": {name: list(errors) for name, errors in form.errors.items()}}, status=400
        )
    filters = form.cleaned_data
    version = _version(request)
    key = (
        "species.sightings_geojson",
        filters["species"].slug if filters["species"] else "",
        filters["year"],
        filters["treatment"],
    )

    def build():
        if species := filters["species"]:
            document = {
                "scope": "one_species",
                "square_m": open_data.SENSITIVE_SQUARE_M
                if species.is_sensitive
                else open_data.ORDINARY_SQUARE_M,
                "features": open_data.geojson_features(open_data.public_sightings(**filters), _species_url),
            }
        else:
            if filters["year"] is None and not filters["treatment"]:
                squares = _all_national_squares(version)
            else:
                squares = open_data.national_squares(open_data.public_sightings(**filters))
            document = {
                "scope": "all_species",
                "square_m": open_data.NATIONAL_SQUARE_M,
                "features": open_data.national_geojson_features(squares, _species_map_url),
            }
        return json.dumps({"type": "FeatureCollection", **document}, separators=(",", ":"))

    return cached_response(request, key, version, build, content_type="application/geo+json")


@cached_public_page(_version, params=("species", "page"))
def sightings_map(request):
    form = SightingsFilterForm({"species": request.GET.get("species", "")})
    if not form.is_valid():  # an unknown species is a 404 (clean_species); a malformed slug is too
        raise Http404(_("No species with that name."))
    species = form.cleaned_data["species"]
    if species is not None:
        rows = open_data.counts_by_hectad(open_data.public_sightings(species=species))
    else:
        # The squares the map draws, all of them (a few thousand at most: the grid is finite):
        # one query per version, rather than a count and a page every time the page is built.
        version = getattr(request, "public_sightings_version", None) or open_data.public_version()
        rows = _all_national_squares(version)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    for row in page:
        row["hectad"] = open_data.hectad_name(row["square_x"], row["square_y"])
        for top in row.get("top_species", ()):
            top["map_url"] = _species_map_url(top["slug"])
    geojson_url = reverse("species:sightings_geojson")
    return render(
        request,
        "species/sightings_map.html",
        {
            "species": species,
            "page": page,
            "query_string": f"species={species.slug}" if species else "",
            "geojson_url": f"{geojson_url}?species={species.slug}" if species else geojson_url,
            "species_choices": open_data.species_with_public_records(),
            "ordinary_square_km": open_data.ORDINARY_SQUARE_M // 1000,
            "sensitive_square_km": open_data.SENSITIVE_SQUARE_M // 1000,
            "national_square_km": open_data.NATIONAL_SQUARE_M // 1000,
            **map_settings(),
        },
    )
