from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.gis.geos import GEOSGeometry, Point
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, F, FloatField, OuterRef, Q, Value
from django.db.models.expressions import Func
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .markdown import render_markdown

# Metres: the projected copy of each coverage is in the British National Grid.
BRITISH_NATIONAL_GRID = 27700
WGS84 = 4326
# Degrees: simplification of the copy drawn on maps, and the smallest part it keeps (about
# 0.35 km²: islets invisible at the scale of Great Britain, 880 of the demo's 960 parts).
MAP_SIMPLIFY_TOLERANCE = 0.005
MAP_SMALLEST_PART = 0.00005


class Country(models.TextChoices):
    ENGLAND = "england", "England"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"


class Habitat(models.TextChoices):
    TERRESTRIAL = "terrestrial", "Terrestrial"
    FRESHWATER = "freshwater", "Freshwater"
    MARINE = "marine", "Marine"


class JoiningMethod(models.TextChoices):
    OPEN = "open", "Open: anyone can join at once"
    ON_REQUEST = "on_request", "On request: a coordinator approves each member"


class KnnDistance(Func):
    """`a <-> b`: PostGIS's index-assisted distance, for ORDER BY nearest first."""

    arg_joiner = " <-> "
    template = "(%(expressions)s)"
    output_field = FloatField()


class LocalActionGroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def without_geometry(self):
        """Leave the (large) coverage geometries in the database: lists and answers don't draw them."""
        return self.defer("coverage", "coverage_bng", "coverage_map")

    def in_country(self, country):
        return self.filter(country=country) if country else self

    def with_habitat(self, habitat):
        return self.filter(habitats__contains=[habitat]) if habitat else self

    def search(self, text):
        """Groups matching `text` in their name, summary or description, best matches first."""
        text = (text or "").strip()
        if not text:
            return self
        vector = SearchVector("name", weight="A", config="english") + SearchVector(
            "summary", "description", weight="B", config="english"
        )
        query = SearchQuery(text, config="english", search_type="websearch")
        return (
            self.annotate(search_document=vector, search_rank=SearchRank(vector, query))
            .filter(Q(search_document=query) | Q(name__icontains=text))
            .order_by("-search_rank", "name")
        )

    def covering(self, point):
        """Groups whose coverage contains `point` (a WGS84 Point), by name."""
        return self.filter(coverage__intersects=point).order_by("name")

    def nearest_to(self, point, limit=5):
        """The `limit` groups closest to `point`, nearest first, with `distance_km` annotated."""
        projected = Transform(Value(point, output_field=models.PointField(srid=WGS84)), BRITISH_NATIONAL_GRID)
        return (
            self.annotate(distance_km=KnnDistance(F("coverage_bng"), projected) / 1000.0)
            .order_by(KnnDistance(F("coverage_bng"), projected))[:limit]
        )

    def with_membership_of(self, user):
        """Annotate `is_member` and `is_pending` for `user` (False for anonymous visitors)."""
        if not user.is_authenticated:
            return self.annotate(is_member=Value(False), is_pending=Value(False))
        memberships = Membership.objects.filter(group=OuterRef("pk"), user=user)
        return self.annotate(
            is_member=Exists(memberships.filter(status=Membership.Status.ACTIVE)),
            is_pending=Exists(memberships.filter(status=Membership.Status.PENDING)),
        )


class LocalActionGroup(models.Model):
    """A Local Action Group: who they are, where they work and how to join."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True, help_text="Part of the group's web address.")
    summary = models.CharField(max_length=300, help_text="One or two sentences shown in the directory.")
    description = models.TextField(
        blank=True, help_text="Shown on the group's page. Markdown: **bold**, lists, links. No images or HTML."
    )
    country = models.CharField(max_length=10, choices=Country.choices)
    habitats = ArrayField(
        models.CharField(max_length=12, choices=Habitat.choices),
        default=list,
        blank=True,
        help_text="Where the group works: terrestrial, freshwater, marine.",
    )
    works_in_protected_sites = models.BooleanField(
        default=False, help_text="Whether the group works in protected sites (SSSIs, SACs and the like)."
    )
    website = models.URLField(blank=True)
    contact_name = models.CharField(max_length=150, blank=True, help_text="Shown publicly.")
    contact_email = models.EmailField(
        blank=True, help_text="Shown publicly. Also told about join requests when the group has no coordinator."
    )
    joining_method = models.CharField(max_length=12, choices=JoiningMethod.choices, default=JoiningMethod.OPEN)
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive groups are hidden from the directory, map and finder."
    )
    is_illustrative = models.BooleanField(
        default=False,
        help_text="Demo data: the group's details and area are illustrative, not its official area.",
    )
    coverage = models.MultiPolygonField(
        srid=WGS84, help_text="The area the group covers. Kept at full detail for 'which group covers…'."
    )
    # Derived in PostGIS on save; never typed in.
    coverage_bng = models.MultiPolygonField(srid=BRITISH_NATIONAL_GRID, null=True, editable=False)
    coverage_map = models.MultiPolygonField(srid=WGS84, null=True, editable=False)
    area_km2 = models.FloatField("area (km²)", null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = LocalActionGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "Local Action Group"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("groups:group_detail", args=[self.slug])

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:200]
        super().save(*args, **kwargs)
        self._derive_coverage()

    def _derive_coverage(self):
        """Repair the coverage and derive its projected copy, map copy and area, in PostGIS.

        The map copy is for drawing only (simplified polygons may overlap); answers about places
        always use the full coverage.
        """
        params = {
            "id": self.pk,
            "bng": BRITISH_NATIONAL_GRID,
            "tolerance": MAP_SIMPLIFY_TOLERANCE,
            "smallest": MAP_SMALLEST_PART,
        }
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE groups_localactiongroup
                SET coverage = ST_Multi(ST_CollectionExtract(ST_MakeValid(coverage), 3))
                WHERE id = %(id)s AND NOT ST_IsValid(coverage)
                """,
                params,
            )
            cursor.execute(
                """
                UPDATE groups_localactiongroup SET
                    coverage_bng = ST_Multi(ST_Transform(coverage, %(bng)s)),
                    coverage_map = (
                        SELECT COALESCE(
                            ST_Multi(ST_Collect(part.geom) FILTER (WHERE ST_Area(part.geom) > %(smallest)s)),
                            ST_Multi(ST_Collect(part.geom)))
                        FROM ST_Dump(ST_CollectionExtract(
                            ST_MakeValid(ST_SimplifyPreserveTopology(coverage, %(tolerance)s)), 3)) AS part),
                    area_km2 = ST_Area(coverage::geography) / 1e6
                WHERE id = %(id)s
                """,
                params,
            )
        self.refresh_from_db(fields=["coverage", "coverage_bng", "coverage_map", "area_km2"])

    @property
    def description_html(self):
        return render_markdown(self.description)

    def get_habitats_display(self):
        labels = dict(Habitat.choices)
        return [labels.get(habitat, habitat) for habitat in self.habitats]

    @property
    def is_open(self):
        return self.joining_method == JoiningMethod.OPEN

    def coordinators(self):
        """People who currently hold the coordinator role in this group."""
        from accounts.models import User

        return User.objects.filter(
            memberships__group=self,
            memberships__status=Membership.Status.ACTIVE,
            memberships__roles__role=Role.COORDINATOR,
            memberships__roles__ended_on__isnull=True,
        ).distinct()


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    CHAIR = "chair", "Chair"
    NOTE_TAKER = "note_taker", "Note taker"
    TREASURER = "treasurer", "Treasurer"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def pending(self):
        return self.filter(status=Membership.Status.PENDING)

    def current(self):
        """Memberships that are active or waiting for approval."""
        return self.filter(status__in=[Membership.Status.ACTIVE, Membership.Status.PENDING])


class Membership(models.Model):
    """A person's membership of a group. Being a member is the base role; other roles sit on top."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        ACTIVE = "active", "Member"
        DECLINED = "declined", "Declined"
        LEFT = "left", "Left"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(LocalActionGroup, on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True, help_text="When the membership became active.")
    left_at = models.DateTimeField(null=True, blank=True)
    contact_consent = models.BooleanField(
        "agreed to be contacted", default=False, help_text="Whether the person agreed the group may contact them."
    )
    contact_consent_text = models.TextField(blank=True, help_text="The wording the person was shown.")
    contact_consent_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="one_membership_per_person_and_group"),
        ]

    def __str__(self):
        return f"{self.user} in {self.group}"

    @property
    def is_current(self):
        return self.status in (self.Status.ACTIVE, self.Status.PENDING)

    def current_roles(self):
        return [role for role in self.roles.all() if role.ended_on is None]


class MembershipRole(models.Model):
    """A role held by a member from `started_on` until `ended_on` (open while it is empty)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=12, choices=Role.choices)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "role"],
                condition=Q(ended_on__isnull=True),
                name="one_open_role_of_each_kind_per_membership",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="role_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.get_role_display()


class Outcode(models.Model):
    """A UK postcode outward code (e.g. CA1) and its centroid, for finding groups by postcode."""

    code = models.CharField(max_length=4, primary_key=True)
    location = models.PointField(srid=WGS84)
    town = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code


class DistrictQuerySet(models.QuerySet):
    def outline(self, simplify=0):
        """These districts' union as one MultiPolygon, with the slivers between them filled.

        The boundaries are quantised, so neighbours leave thousands of thin gaps: keeping only
        each part's exterior ring fills them (a union of districts has no real holes), and the
        second union merges an island that sat in a filled gap into the land around it.
        `simplify` (degrees) simplifies each district first, which makes a large union quicker.
        """
        sql, params = self.values("boundary").query.sql_with_params()
        boundary = "ST_MakeValid(ST_SimplifyPreserveTopology(d.boundary, %s))" if simplify else "d.boundary"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT ST_AsEWKB(ST_Multi(ST_Union(ST_MakePolygon(ST_ExteriorRing(part.geom)))))
                FROM (SELECT (ST_Dump(ST_Union({boundary}))).geom FROM ({sql}) AS d) AS part
                """,
                ([simplify] if simplify else []) + list(params),
            )
            row = cursor.fetchone()
        return GEOSGeometry(memoryview(row[0])) if row and row[0] else None


class District(models.Model):
    """A local authority district (2013 boundaries), the building block of demo coverage and GB's outline."""

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=100, db_index=True)
    boundary = models.MultiPolygonField(srid=WGS84)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


def point_from(latitude, longitude):
    return Point(float(longitude), float(latitude), srid=WGS84)


class LandArea(models.Model):
    """A named land outline (Great Britain), simplified, for national coverage figures only."""

    GREAT_BRITAIN = "Great Britain"

    name = models.CharField(max_length=100, unique=True)
    boundary = models.MultiPolygonField(srid=WGS84)
    area_km2 = models.FloatField("area (km²)")

    def __str__(self):
        return self.name


class CoverageSnapshot(models.Model):
    """How much of Great Britain the active groups covered when it was measured."""

    measured_at = models.DateTimeField(default=timezone.now, db_index=True)
    active_groups = models.PositiveIntegerField()
    covered_km2 = models.FloatField("area covered (km²)")
    great_britain_km2 = models.FloatField("Great Britain (km²)")

    class Meta:
        ordering = ["-measured_at"]
        get_latest_by = "measured_at"

    def __str__(self):
        return f"{self.share:.0%} of Great Britain on {self.measured_at:%d %b %Y}"

    @property
    def share(self):
        return self.covered_km2 / self.great_britain_km2 if self.great_britain_km2 else 0.0

    @property
    def percent(self):
        return 100 * self.share
