from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, F, FloatField, OuterRef, Q, Value
from django.db.models.expressions import Func
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .base import HEAVY_GROUP_FIELDS
from .membership import Membership, MembershipRole, Role

# Metres: the projected copy of each coverage is in the British National Grid.
BRITISH_NATIONAL_GRID = 27700
WGS84 = 4326
# Degrees: simplification of the copy drawn on maps, and the smallest part it keeps (about
# 0.35 km²: islets invisible at the scale of Great Britain, 880 of the demo's 960 parts).
MAP_SIMPLIFY_TOLERANCE = 0.005
MAP_SMALLEST_PART = 0.00005


class Country(models.TextChoices):
    ENGLAND = "england", _("England")
    SCOTLAND = "scotland", _("Scotland")
    WALES = "wales", _("Wales")


class Habitat(models.TextChoices):
    TERRESTRIAL = "terrestrial", _("Terrestrial")
    FRESHWATER = "freshwater", _("Freshwater")
    MARINE = "marine", _("Marine")


class JoiningMethod(models.TextChoices):
    OPEN = "open", _("Open: anyone can join at once")
    ON_REQUEST = "on_request", _("On request: a coordinator approves each member")


# Addresses under /groups/ that a group's slug would otherwise shadow.
RESERVED_SLUGS = {"map", "find", "mine", "emails"}


def validate_slug_not_reserved(slug):
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is used by another page of the site; choose another address."),
            params={"slug": slug},
        )


class KnnDistance(Func):
    """`a <-> b`: PostGIS's index-assisted distance, for ORDER BY nearest first."""

    arg_joiner = " <-> "
    template = "(%(expressions)s)"
    output_field = FloatField()


class LocalActionGroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def without_geometry(self):
        """Leave the large columns (coverage geometries, search document) in the database: lists
        and answers neither draw nor show them."""
        return self.defer(*HEAVY_GROUP_FIELDS)

    def in_country(self, country):
        return self.filter(country=country) if country else self

    def with_habitat(self, habitat):
        return self.filter(habitats__contains=[habitat]) if habitat else self

    def search(self, text):
        """Groups matching `text` in their name, summary or description, best matches first."""
        text = (text or "").strip()
        if not text:
            return self
        query = SearchQuery(text, config="english", search_type="websearch")
        return (
            self.annotate(search_rank=SearchRank(F("search_document"), query))
            .filter(Q(search_document=query) | Q(name__icontains=text))
            .order_by("-search_rank", "name")
        )

    def covering(self, point):
        """Groups whose coverage contains `point` (a WGS84 Point), by name."""
        return self.filter(coverage__intersects=point).order_by("name")

    def nearest_to(self, point, limit=5):
        """The `limit` groups closest to `point`, nearest first, with `distance_km` annotated."""
        projected = Transform(Value(point, output_field=models.PointField(srid=WGS84)), BRITISH_NATIONAL_GRID)
        return self.annotate(distance_km=KnnDistance(F("coverage_bng"), projected) / 1000.0).order_by(
            KnnDistance(F("coverage_bng"), projected)
        )[:limit]

    def without_coordinator(self):
        """Groups where nobody holds an open coordinator role: the national LAG Coordinator
        answers their requests to join."""
        return self.exclude(pk__in=MembershipRole.objects.coordinating().values("membership__group_id"))

    def with_membership_of(self, user):
        """Annotate `is_member` and `is_pending` for `user` (False for anonymous visitors)."""
        if not user.is_authenticated:
            return self.annotate(is_member=Value(False), is_pending=Value(False))
        memberships = Membership.objects.filter(group=OuterRef("pk"), user=user)
        return self.annotate(
            is_member=Exists(memberships.filter(status=Membership.Status.ACTIVE)),
            is_pending=Exists(memberships.filter(status=Membership.Status.PENDING)),
        )


class LocalActionGroupManager(models.Manager):
    """What cached pages and answers about groups must be rebuilt after, each in one small query.

    Written as SQL: these run on every request for a cached page, and building the same query with
    the ORM costs several times what PostgreSQL takes to answer it (docs/benchmarks.md).
    """

    def active_state(self, *, with_snapshot=False):
        """(how many active groups, when one last changed[, the latest coverage snapshot's id])."""
        snapshot = (
            ", (SELECT id FROM groups_coveragesnapshot ORDER BY measured_at DESC LIMIT 1)"
            if with_snapshot
            else ""
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*), max(updated_at){snapshot} FROM groups_localactiongroup WHERE is_active"
            )
            return cursor.fetchone()

    def page_state(self, slug):
        """When the active group `slug`, and its meetings, action rows and updates (how many, and
        when one last changed) were changed, which species it targets (and when one last
        changed), its events (how many, and when one last changed: the volunteering app marks an
        event changed whenever one of its sign-ups or work records is, so the group's totals follow
        it) and the hours logged for it; None when no active group has that slug."""
        # The target species are the species app's (a reverse many-to-many), the events and hours
        # the volunteering app's: their tables are read from the relations, so this module imports
        # nothing of those apps.
        targets = self.model._meta.get_field("target_species")
        through, species = targets.through._meta, targets.related_model._meta
        events = self.model._meta.get_field("events").related_model._meta
        logs = self.model._meta.get_field("hours_logs").related_model._meta
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT g.updated_at, m.n, m.changed, a.n, a.changed, u.n, u.changed, t.ids, t.changed,
                       e.n, e.changed, h.n, h.changed, h.hours
                FROM groups_localactiongroup g,
                    LATERAL (SELECT count(*) n, max(updated_at) changed FROM groups_meeting
                             WHERE group_id = g.id) m,
                    LATERAL (SELECT count(*) n, max(updated_at) changed FROM groups_actionitem
                             WHERE group_id = g.id) a,
                    LATERAL (SELECT count(*) n, max(updated_at) changed FROM groups_update
                             WHERE group_id = g.id) u,
                    LATERAL (SELECT string_agg(s.id::text, ',' ORDER BY s.id) ids, max(s.updated_at) changed
                             FROM {through.db_table} ts JOIN {species.db_table} s ON s.id = ts.species_id
                             WHERE ts.localactiongroup_id = g.id) t,
                    LATERAL (SELECT count(*) n, max(updated_at) changed FROM {events.db_table}
                             WHERE group_id = g.id) e,
                    LATERAL (SELECT count(*) n, max(decided_at) changed,
                                    sum(hours) FILTER (WHERE status = 'approved') hours
                             FROM {logs.db_table} WHERE group_id = g.id) h
                WHERE g.slug = %s AND g.is_active
                """,
                [slug],
            )
            return cursor.fetchone()


class LocalActionGroup(models.Model):
    """A Local Action Group: who they are, where they work and how to join."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        validators=[validate_slug_not_reserved],
        help_text=_("Part of the group's web address."),
    )
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences shown in the directory.")
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Shown on the group's page. Markdown: **bold**, lists, links. No images or HTML."),
    )
    country = models.CharField(_("country"), max_length=10, choices=Country.choices)
    habitats = ArrayField(
        models.CharField(max_length=12, choices=Habitat.choices),
        verbose_name=_("habitats"),
        default=list,
        blank=True,
        help_text=_("Where the group works: terrestrial, freshwater, marine."),
    )
    works_in_protected_sites = models.BooleanField(
        _("works in protected sites"),
        default=False,
        help_text=_("Whether the group works in protected sites (SSSIs, SACs and the like)."),
    )
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(
        _("contact name"), max_length=150, blank=True, help_text=_("Shown publicly.")
    )
    contact_email = models.EmailField(
        _("contact email"),
        blank=True,
        help_text=_("Shown publicly. Also told about join requests when the group has no coordinator."),
    )
    joining_method = models.CharField(
        _("joining method"), max_length=12, choices=JoiningMethod.choices, default=JoiningMethod.OPEN
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive groups are hidden from the directory, map and finder."),
    )
    is_illustrative = models.BooleanField(
        _("is illustrative"),
        default=False,
        help_text=_("Demo data: the group's details and area are illustrative, not its official area."),
    )
    coverage = models.MultiPolygonField(
        _("coverage"),
        srid=WGS84,
        help_text=_("The area the group covers. Kept at full detail for 'which group covers…'."),
    )
    # Derived in PostGIS on save; never typed in.
    coverage_bng = models.MultiPolygonField(srid=BRITISH_NATIONAL_GRID, null=True, editable=False)
    coverage_map = models.MultiPolygonField(srid=WGS84, null=True, editable=False)
    area_km2 = models.FloatField(_("area (km²)"), null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    # Kept by PostgreSQL, so a search reads an index instead of parsing every description.
    search_document = models.GeneratedField(
        expression=SearchVector("name", weight="A", config="english")
        + SearchVector("summary", "description", weight="B", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = LocalActionGroupManager.from_queryset(LocalActionGroupQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Local Action Group")
        verbose_name_plural = _("Local Action Groups")
        permissions = [
            ("manage_all_groups", _("Can see and change every group (NNSS staff)")),
            (
                "coordinate_nationally",
                _("Is the national LAG Coordinator: answers requests to groups without a coordinator"),
            ),
        ]
        indexes = [GinIndex(fields=["search_document"], name="group_search_document")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("groups:group_detail", args=[self.slug])

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:190]
            if self.slug in RESERVED_SLUGS:
                self.slug += "-group"
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

    def get_habitats_display(self):
        labels = dict(Habitat.choices)
        return [labels.get(habitat, habitat) for habitat in self.habitats]

    @property
    def is_open(self):
        return self.joining_method == JoiningMethod.OPEN

    def has_coordinator(self):
        return MembershipRole.objects.coordinating().filter(membership__group=self).exists()

    def coordinators(self):
        """People who currently hold the coordinator role in this group."""
        from accounts.models import User

        return User.objects.filter(
            memberships__group=self,
            memberships__status=Membership.Status.ACTIVE,
            memberships__roles__role=Role.COORDINATOR,
            memberships__roles__ended_on__isnull=True,
        ).distinct()
