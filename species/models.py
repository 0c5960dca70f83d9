"""Species, their images and the alert list; sightings, the decisions on them and who follows them."""

import re
import unicodedata
import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups.models import Country, Habitat, LocalActionGroup

WGS84 = 4326


def binomial_of(scientific_name):
    """The matching key of a scientific name: genus and species epithet, lower case.

    The shipped files differ in authorities, subspecies, forms and "agg." ("Vespa velutina
    nigrithorax", "Procambarus fallax f. virginalis (Procambarus virginalis)"): they are matched on
    the first two words, leaving out asides in brackets ("Lithobates (Rana) catesbeianus"). A genus
    alone is its own key.
    """
    without_asides = re.sub(r"\([^)]*\)", " ", scientific_name).replace("×", " ")
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)?", without_asides)
    words = [word for word in words if word.lower() != "x"]
    return " ".join(words[:2]).lower()


def folded(text):
    """`text` in lower case without accents: what the species search compares."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


class SpeciesQuerySet(models.QuerySet):
    def search(self, query):
        """Species whose scientific or common names match `query`, best first.

        Forgives case, accents and small typos: the folded names are compared word by word with
        trigrams (`%>`, served by the GIN index), and a plain substring always matches.
        """
        query = folded(" ".join(query.split()))
        if not query:
            return self
        return (
            self.annotate(match=TrigramWordSimilarity(query, "search_names"))
            .filter(Q(search_names__contains=query) | Q(search_names__trigram_word_similar=query))
            .order_by("-match", "scientific_name")
        )

    def on_alert_list(self):
        return self.filter(on_alert_list=True)

    def listed(self):
        """Listed under the Invasive Alien Species (Enforcement and Permitting) Order."""
        return self.filter(listed_on__isnull=False)


class Species(models.Model):
    """A non-native taxon present in (or threatening) Great Britain, and what to do about it."""

    scientific_name = models.CharField(_("scientific name"), max_length=200)
    binomial = models.CharField(
        _("binomial"),
        max_length=200,
        editable=False,
        help_text=_("Genus and species in lower case: how the shipped lists are matched."),
    )
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("Part of the page's address.")
    )
    common_name = models.CharField(
        _("common name"), max_length=200, blank=True, help_text=_("The preferred common name.")
    )
    kingdom = models.CharField(_("kingdom"), max_length=40, blank=True)
    phylum = models.CharField(_("phylum"), max_length=60, blank=True)
    taxon_class = models.CharField(_("class"), max_length=60, blank=True)
    rank = models.CharField(_("rank"), max_length=20, blank=True)
    functional_type = models.CharField(
        _("functional type"), max_length=60, blank=True, help_text=_("E.g. land plant, herbivore, predator.")
    )
    environments = ArrayField(
        models.CharField(max_length=12, choices=Habitat.choices),
        verbose_name=_("environments"),
        default=list,
        blank=True,
    )
    status_england = models.CharField(_("status in England"), max_length=40, blank=True)
    status_scotland = models.CharField(_("status in Scotland"), max_length=40, blank=True)
    status_wales = models.CharField(_("status in Wales"), max_length=40, blank=True)
    native_range = models.TextField(_("native range"), blank=True)
    establishment_means = models.CharField(_("establishment means"), max_length=20, blank=True)
    first_record_place = models.CharField(_("place of first record"), max_length=200, blank=True)
    first_record_as_given = models.CharField(
        _("date of first record"), max_length=20, blank=True, help_text=_("As the source gives it.")
    )
    first_record_year = models.PositiveSmallIntegerField(
        _("year of first record"), null=True, blank=True, help_text=_("Used to flag earlier sightings.")
    )
    portal_url = models.URLField(_("NNSS information portal page"), blank=True)
    # Listing under the Invasive Alien Species (Enforcement and Permitting) Order 2019.
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    widely_spread = models.BooleanField(_("widely spread"), null=True, blank=True)
    on_alert_list = models.BooleanField(
        _("on the alert list"), default=False, help_text=_("NNSS wants every sighting reported at once.")
    )
    alert_reason = models.TextField(_("why it is on the alert list"), blank=True)
    is_sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Public maps blur its records to 10 km squares instead of 1 km."),
    )
    # Curated text, Markdown (sanitised when shown).
    identification = models.TextField(_("identification"), blank=True)
    similar_species = models.TextField(_("similar species"), blank=True)
    impacts = models.TextField(_("impacts"), blank=True)
    management = models.TextField(_("management"), blank=True)
    biosecurity = models.TextField(_("biosecurity"), blank=True)
    legislation = models.TextField(_("legislation"), blank=True)
    # Where the row came from, for the citations on its page.
    in_nnsip = models.BooleanField(_("in the NNSS information portal list"), default=False, editable=False)
    in_checklist = models.BooleanField(_("in the GB non-native checklist"), default=False, editable=False)
    # Scientific and common names folded (lower case, no accents), for the forgiving search.
    search_names = models.TextField(editable=False, default="")
    targeted_by = models.ManyToManyField(
        LocalActionGroup,
        verbose_name=_("target species of"),
        related_name="target_species",
        blank=True,
        help_text=_("Local Action Groups that work on this species."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = SpeciesQuerySet.as_manager()

    class Meta:
        ordering = ["scientific_name"]
        verbose_name = _("species")
        verbose_name_plural = _("species")
        constraints = [
            models.UniqueConstraint(Lower("binomial"), name="species_unique_binomial"),
        ]
        indexes = [
            GinIndex(fields=["search_names"], opclasses=["gin_trgm_ops"], name="species_search_names_trgm"),
            GinIndex(fields=["environments"], name="species_environments"),
        ]
        permissions = [("verify_sighting", _("Can verify sightings"))]

    def __str__(self):
        if self.common_name:
            return f"{self.common_name} ({self.scientific_name})"
        return self.scientific_name

    def save(self, *args, **kwargs):
        self.binomial = binomial_of(self.scientific_name)
        self.search_names = self.folded_names()
        super().save(*args, **kwargs)

    def folded_names(self):
        """The text the search compares: scientific name, preferred and other common names."""
        names = [self.scientific_name, self.common_name]
        if self.pk:
            names += [other.name for other in self.other_names.all()]
        return " | ".join(folded(name) for name in names if name)

    def refresh_search_names(self):
        """Call after changing other names (they are saved after the species)."""
        self.search_names = self.folded_names()
        Species.objects.filter(pk=self.pk).update(search_names=self.search_names)

    def get_absolute_url(self):
        return reverse("species:detail", args=[self.slug])

    @property
    def is_listed(self):
        return self.listed_on is not None

    def status_in(self, country):
        return {
            Country.ENGLAND: self.status_england,
            Country.SCOTLAND: self.status_scotland,
            Country.WALES: self.status_wales,
        }[country]


class CommonName(models.Model):
    """Another common name of a species (the preferred one is `Species.common_name`)."""

    species = models.ForeignKey(Species, on_delete=models.CASCADE, related_name="other_names")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("other common name")
        verbose_name_plural = _("other common names")
        constraints = [
            models.UniqueConstraint(fields=["species", "name"], name="species_commonname_unique"),
        ]

    def __str__(self):
        return self.name


class Licence(models.TextChoices):
    CC_BY = "cc-by", _("Creative Commons Attribution (CC BY)")
    CC_BY_SA = "cc-by-sa", _("Creative Commons Attribution-ShareAlike (CC BY-SA)")
    CC_BY_NC = "cc-by-nc", _("Creative Commons Attribution-NonCommercial (CC BY-NC)")
    CC0 = "cc0", _("Public domain dedication (CC0)")
    OGL = "ogl", _("Open Government Licence (OGL)")
    WITH_PERMISSION = "permission", _("All rights reserved, used with permission")


class SpeciesImage(models.Model):
    """A photograph or drawing of a species, with its credit and licence."""

    species = models.ForeignKey(Species, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="species/", width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to="species/thumbnails/", blank=True, editable=False)
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    caption = models.CharField(_("caption"), max_length=300)
    credit = models.CharField(_("credit"), max_length=200, help_text=_("Who made the image."))
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=300,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["species", "position", "pk"]
        verbose_name = _("species image")
        verbose_name_plural = _("species images")

    def __str__(self):
        return self.caption


class VerificationStatus(models.TextChoices):
    NOT_REVIEWED = "not_reviewed", _("Not reviewed")
    CORRECT = "correct", _("Accepted – correct")
    CONSIDERED_CORRECT = "considered_correct", _("Accepted – considered correct")
    PLAUSIBLE = "plausible", _("Plausible")
    UNABLE_TO_VERIFY = "unable_to_verify", _("Not accepted – unable to verify")
    INCORRECT = "incorrect", _("Not accepted – incorrect")


ACCEPTED = [VerificationStatus.CORRECT, VerificationStatus.CONSIDERED_CORRECT]


class CheckFlag(models.TextChoices):
    """What the automatic checks may find in a new record, before a person looks at it."""

    NEW_TO_COUNTRY = "new_to_country", _("Species never recorded in that country")
    BEFORE_FIRST_RECORD = "before_first_record", _("Date before the species' first GB record")
    FAR_FROM_OTHERS = "far_from_others", _("Far from any other verified record of the species")
    DUPLICATE = "duplicate", _("Duplicate of a record already held")
    TOO_COARSE_FOR_ALERT = "too_coarse", _("Location too coarse for an alert species")


class LocationSource(models.TextChoices):
    MAP = "map", _("Clicked on the map")
    DEVICE = "device", _("The device's location")
    GRID_REFERENCE = "grid_reference", _("Ordnance Survey grid reference")
    POSTCODE = "postcode", _("Postcode")


class Treatment(models.TextChoices):
    PRESENT = "present", _("Still present")
    TREATED = "treated", _("Treated")
    REMOVED = "removed", _("Removed")


def inside_groups(group_ids):
    """A Q of the sightings whose point lies in the coverage of any of `group_ids` (ids or a subquery)."""
    covering = LocalActionGroup.objects.filter(
        pk__in=group_ids, coverage__intersects=models.OuterRef("location")
    )
    return Q(models.Exists(covering))


class SightingQuerySet(models.QuerySet):
    def verified(self):
        """Records accepted by a verifier: the only ones shown or shared publicly."""
        return self.filter(status__in=ACCEPTED)

    def in_groups(self, group_ids):
        """Records whose point lies in the coverage of any of `group_ids`."""
        return self.filter(inside_groups(group_ids))


def _public_reference():
    return uuid.uuid4()


class Sighting(models.Model):
    """A record of a species seen at a place on a day, and where its verification stands."""

    species = models.ForeignKey(
        Species,
        verbose_name=_("species"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sightings",
    )
    species_description = models.TextField(
        _("description of what was seen"),
        blank=True,
        help_text=_("When the recorder was not sure of the species."),
    )
    seen_on = models.DateField(_("date seen"))
    location = models.PointField(_("location"), srid=WGS84)
    uncertainty_m = models.PositiveIntegerField(_("uncertainty (metres)"))
    location_source = models.CharField(_("location from"), max_length=20, choices=LocationSource.choices)
    grid_reference = models.CharField(
        _("grid reference"), max_length=30, blank=True, help_text=_("As the recorder typed it.")
    )
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    country = models.CharField(_("country"), max_length=10, choices=Country.choices, blank=True)
    count_or_extent = models.CharField(_("count or extent"), max_length=200, blank=True)
    habitat_notes = models.TextField(_("habitat notes"), blank=True)
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorder's account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sightings",
    )
    recorder_name = models.CharField(_("recorder's name"), max_length=150, blank=True)
    recorder_email = models.EmailField(_("recorder's email"), blank=True)
    name_may_be_shared = models.BooleanField(
        _("recorder's name may be shared"),
        default=False,
        help_text=_("The recorder agreed to be named in open data."),
    )
    reference = models.UUIDField(
        _("reference"),
        default=_public_reference,
        unique=True,
        editable=False,
        help_text=_("The recorder's link to follow the record."),
    )
    status = models.CharField(
        _("verification status"),
        max_length=20,
        choices=VerificationStatus.choices,
        default=VerificationStatus.NOT_REVIEWED,
        db_index=True,
    )
    flags = ArrayField(
        models.CharField(max_length=24, choices=CheckFlag.choices),
        verbose_name=_("automatic check flags"),
        default=list,
        blank=True,
    )
    treatment = models.CharField(
        _("treatment"), max_length=10, choices=Treatment.choices, default=Treatment.PRESENT
    )
    treated_on = models.DateField(_("treated on"), null=True, blank=True)
    treatment_note = models.TextField(_("treatment note"), blank=True)
    treated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("treatment recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_through = models.CharField(
        _("submitted through"),
        max_length=10,
        choices=[
            ("form", _("the website's form")),
            ("api", _("the API")),
            ("work_party", _("a work party's record")),
        ],
        default="form",
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = SightingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sighting")
        verbose_name_plural = _("sightings")
        indexes = [
            models.Index(fields=["species", "status"], name="sighting_species_status"),
            # The public map's version: the latest change to a verified record (open_data).
            models.Index(fields=["status", "updated_at"], name="sighting_status_updated"),
            GinIndex(fields=["flags"], name="sighting_flags"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(species__isnull=False) | ~Q(species_description=""),
                name="sighting_species_or_description",
            ),
        ]

    def __str__(self):
        what = self.species.scientific_name if self.species_id else _("unidentified species")
        return f"{what}, {self.seen_on:%d/%m/%Y}"

    @property
    def is_verified(self):
        return self.status in ACCEPTED

    def get_status_url(self):
        return reverse("species:sighting_status", args=[self.reference])


class SightingPhoto(models.Model):
    """A photograph sent with a sighting, stored with its metadata (EXIF, GPS) removed."""

    sighting = models.ForeignKey(Sighting, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("photo"), upload_to="sightings/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["sighting", "pk"]
        verbose_name = _("sighting photo")
        verbose_name_plural = _("sighting photos")

    def __str__(self):
        return self.image.name


class Decision(models.Model):
    """One verifier's decision on a sighting. Decisions are kept, never overwritten."""

    sighting = models.ForeignKey(Sighting, on_delete=models.CASCADE, related_name="decisions")
    status = models.CharField(_("status"), max_length=20, choices=VerificationStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verifier"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="verification_decisions",
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        ordering = ["sighting", "-decided_at", "-pk"]
        verbose_name = _("verification decision")
        verbose_name_plural = _("verification decisions")

    def __str__(self):
        return f"{self.get_status_display()} ({self.decided_at:%d/%m/%Y})"


class Subscription(models.Model):
    """Someone who wants an email when a record of a species is verified inside an area."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="species_subscriptions"
    )
    species = models.ForeignKey(
        Species,
        verbose_name=_("species"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Empty: every species on the alert list."),
    )
    group = models.ForeignKey(
        LocalActionGroup,
        verbose_name=_("group area"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="species_subscriptions",
    )
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    centre = models.PointField(srid=WGS84, null=True, blank=True)
    radius_km = models.PositiveSmallIntegerField(_("radius (km)"), null=True, blank=True)
    # A coordinator's default subscription to their group's area, which they may switch off.
    is_default = models.BooleanField(default=False, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["user", "pk"]
        verbose_name = _("species alert subscription")
        verbose_name_plural = _("species alert subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(group__isnull=False) & Q(centre__isnull=True))
                | (Q(group__isnull=True) & Q(centre__isnull=False) & Q(radius_km__isnull=False)),
                name="subscription_group_or_radius",
            ),
        ]

    def __str__(self):
        what = self.species.scientific_name if self.species_id else _("alert-list species")
        if self.group_id:
            where = self.group.name
        else:
            where = _("%(radius)s km of %(postcode)s") % {"radius": self.radius_km, "postcode": self.postcode}
        return f"{what} – {where}"
