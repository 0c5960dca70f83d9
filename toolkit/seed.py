"""The toolkit's starting content: its six categories and a first shelf of real resources, among them
the "Start a Local Action Group" guide. It is real content, not demo data: `manage.py load_toolkit`
puts it on a new site (and `load_demo` on a demo one).

Each category and resource is made once only, recorded as SeededContent. A re-run makes what is
missing from a newer seed and leaves alone everything made before, so what staff have edited,
archived or deleted since stays as they left it. A row that staff made with the same slug before
the seed ran is adopted as it is, never overwritten.

The bodies are Markdown in toolkit/content/<slug>.md. A link to one of the portal's own pages is
written `[text](portal:<url name>)`, optionally with a query string, and resolved when loading.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from species.models import Species, binomial_of

from .models import Audience, Category, Resource, SeededContent, Status, StatusChange, Tag

CONTENT = Path(__file__).resolve().parent / "content"
# The day the seed's text and links were last checked against their sources.
REVIEWED_ON = date(2026, 12, 5)

START_GUIDE_SLUG = "start-a-local-action-group"
START_GUIDE_KEY = f"resource/{START_GUIDE_SLUG}"

NNSS = "GB Non-native Species Secretariat"
PORTAL = "LAG Portal"
OGL = "Open Government Licence v3.0"

PORTAL_LINK = re.compile(r"\(portal:(?P<name>[\w-]+:[\w-]+)(?P<query>\?[^)\s]*)?\)")


@dataclass(frozen=True)
class SeedCategory:
    slug: str
    name: str
    introduction: str


@dataclass(frozen=True)
class SeedResource:
    slug: str
    category: str
    title: str
    summary: str
    audiences: list
    tags: list
    author: str
    external_url: str = ""
    licence: str = ""
    species: list = field(default_factory=list)  # scientific names, linked if the species is on the site

    @property
    def body(self):
        return (CONTENT / f"{self.slug}.md").read_text()


CATEGORIES = [
    SeedCategory(
        "setting-up-and-running-a-lag",
        "Setting up and running a LAG",
        "How to start a Local Action Group where none exists, who to bring in, and how to keep it "
        "going: roles, meetings with agendas and minutes, an action plan, and telling the community "
        "what the group has done.",
    ),
    SeedCategory(
        "project-planning",
        "Project planning",
        "Turning good intentions into a project: terms of reference, aims and objectives, and a plan "
        "that puts the most important species and sites first.",
    ),
    SeedCategory(
        "non-native-species-information",
        "Non-native species information",
        "Knowing what you are looking at: the alert species and how to report them, the Non-native "
        "Species Information Portal, identification sheets, advice on recording, and images, videos "
        "and sounds of the species.",
    ),
    SeedCategory(
        "awareness-raising-and-communication",
        "Awareness raising and communication",
        "Helping other people to help: national campaigns a group can join, key facts about "
        "invasive non-native species, and advice on talking to the public, landowners and the press.",
    ),
    SeedCategory(
        "guidance",
        "Guidance",
        "Doing the work well and within the law: managing invasive species safely, biosecurity so "
        "that work parties do not spread what they remove, and the legislation that applies.",
    ),
    SeedCategory(
        "reports-and-reviews",
        "Reports and reviews",
        "What local action has achieved and what the evidence says: reviews of Local Action Groups "
        "and reports to draw on in plans and funding bids.",
    ),
]

TAGS = {
    "setting-up": "Setting up a group",
    "meetings": "Meetings",
    "action-plan": "Action plan",
    "planning": "Planning",
    "identification": "Identification",
    "recording": "Recording",
    "alert-species": "Alert species",
    "campaigns": "Campaigns",
    "biosecurity": "Biosecurity",
    "management": "Management",
    "legislation": "Legislation",
    "himalayan-balsam": "Himalayan balsam",
    "evidence": "Evidence",
    "funding": "Funding",
}

NEW, COORDINATORS, VOLUNTEERS, PUBLIC = (
    Audience.NEW_GROUPS,
    Audience.COORDINATORS,
    Audience.VOLUNTEERS,
    Audience.PUBLIC,
)

RESOURCES = [
    SeedResource(
        START_GUIDE_SLUG,
        "setting-up-and-running-a-lag",
        "Start a Local Action Group",
        "Who to involve, what a new group needs (a venue, a chair, a note taker, a treasurer or an "
        "accountable body) and how to run it: clear aims, structured meetings, an action plan and "
        "feedback to the community.",
        [NEW, COORDINATORS, PUBLIC],
        ["setting-up", "meetings", "action-plan"],
        PORTAL,
    ),
    SeedResource(
        "nnss-local-action-group-toolkit",
        "setting-up-and-running-a-lag",
        "The NNSS Local Action Group toolkit",
        "The Secretariat's own toolkit for Local Action Groups, with a checklist of first steps for "
        "a new group and practical advice for existing ones.",
        [NEW, COORDINATORS],
        ["setting-up", "planning"],
        NNSS,
        external_url="https://www.nonnativespecies.org/local-action-groups-lags/toolkit/",
    ),
    SeedResource(
        "planning-a-project",
        "project-planning",
        "Planning a project: terms of reference, aims and a strategic plan",
        "The NNSS toolkit's advice on the three documents that shape a project: its terms of "
        "reference, its aims and objectives, and a local strategic plan.",
        [NEW, COORDINATORS],
        ["planning", "action-plan"],
        NNSS,
        external_url=(
            "https://www.nonnativespecies.org/local-action-groups-lags/toolkit/"
            "section-1-setting-up-a-local-action-group/"
        ),
    ),
    SeedResource(
        "alert-species-and-reporting",
        "non-native-species-information",
        "Alert species and how to report them",
        "The species that could still be stopped if caught early, where to see the alert list on "
        "the portal, and how to report a sighting.",
        [PUBLIC, VOLUNTEERS, COORDINATORS],
        ["alert-species", "recording", "identification"],
        PORTAL,
    ),
    SeedResource(
        "non-native-species-information-portal",
        "non-native-species-information",
        "The Non-native Species Information Portal",
        "The Secretariat's reference list of the non-native plants and animals recorded in Great "
        "Britain, with where each comes from and whether it causes harm.",
        [PUBLIC, VOLUNTEERS, COORDINATORS],
        ["identification"],
        NNSS,
        external_url="https://www.nonnativespecies.org/non-native-species/information-portal/",
    ),
    SeedResource(
        "non-native-species-id-sheets",
        "non-native-species-information",
        "Identification sheets",
        "Printable sheets with photographs for identifying invasive non-native plants and animals, "
        "and telling them apart from the native species they resemble.",
        [VOLUNTEERS, PUBLIC, COORDINATORS],
        ["identification"],
        NNSS,
        external_url="https://www.nonnativespecies.org/non-native-species/id-sheets",
    ),
    SeedResource(
        "recording-non-native-species",
        "non-native-species-information",
        "Recording non-native species",
        "How to make a record that counts, and the websites and apps recommended for sending "
        "records of non-native species to the national databases.",
        [VOLUNTEERS, COORDINATORS, PUBLIC],
        ["recording"],
        NNSS,
        external_url="https://www.nonnativespecies.org/non-native-species/recording",
    ),
    SeedResource(
        "check-clean-dry",
        "awareness-raising-and-communication",
        "Check Clean Dry",
        "The national biosecurity campaign for everyone who uses the water: check, clean and dry "
        "boats, kit and clothing, with advice for event organisers.",
        [PUBLIC, VOLUNTEERS, COORDINATORS],
        ["campaigns", "biosecurity"],
        NNSS,
        external_url="https://www.nonnativespecies.org/what-can-i-do/check-clean-dry/",
    ),
    SeedResource(
        "pocket-guide-to-balsam-bashing",
        "guidance",
        "Pocket Guide to Balsam Bashing",
        "Theo Pike's printed field guide to about forty invasive non-native species: how to "
        "recognise each one and what volunteers can do about it.",
        [VOLUNTEERS, NEW, COORDINATORS],
        ["management", "identification", "himalayan-balsam"],
        "Theo Pike (Merlin Unwin Books)",
        licence="All rights reserved: a book on sale, not free to copy",
        species=["Impatiens glandulifera"],
    ),
    SeedResource(
        "species-of-special-concern",
        "guidance",
        "Species of special concern",
        "The invasive species it is an offence to keep, grow, sell, move or release, what the "
        "restrictions mean in practice, and how licences work.",
        [COORDINATORS, VOLUNTEERS, PUBLIC],
        ["legislation"],
        NNSS,
        external_url="https://www.nonnativespecies.org/legislation/species-of-special-concern",
    ),
    SeedResource(
        "invasive-alien-species-order-2019",
        "guidance",
        "The Invasive Alien Species (Enforcement and Permitting) Order 2019",
        "The official text of the law that enforces the restrictions on species of special concern "
        "in England and Wales.",
        [COORDINATORS],
        ["legislation"],
        "UK Government (legislation.gov.uk)",
        external_url="https://www.legislation.gov.uk/uksi/2019/527/contents",
        licence=OGL,
    ),
    SeedResource(
        "gb-invasive-non-native-species-strategy",
        "guidance",
        "The Great Britain Invasive Non-native Species Strategy",
        "The 2023 strategy of the UK, Scottish and Welsh Governments for preventing, detecting and "
        "managing invasive non-native species, with a chapter on partnership.",
        [COORDINATORS, NEW],
        ["planning", "funding"],
        NNSS,
        external_url=(
            "https://www.nonnativespecies.org/about/gb-strategy/"
            "the-great-britain-invasive-non-native-species-strategy"
        ),
        licence=OGL,
    ),
    SeedResource(
        "defra-review-of-local-action-groups",
        "reports-and-reviews",
        "Defra review of Local Action Group achievement",
        "An independent review for Defra of what 29 funded Local Action Groups in England achieved, "
        "what helped and hindered them, and what groups need to last.",
        [COORDINATORS, NEW],
        ["evidence", "funding"],
        "Brook Lyndhurst, for Defra",
    ),
]


@dataclass
class SeedReport:
    created: list = field(default_factory=list)
    adopted: list = field(default_factory=list)  # already on the site under the seed's slug
    skipped: list = field(default_factory=list)  # their category is gone: staff removed it

    def __bool__(self):
        return bool(self.created or self.adopted)


def resolve_portal_links(text):
    """Return `text` with each `(portal:<url name>?query)` link target replaced by its path."""
    return PORTAL_LINK.sub(lambda match: f"({reverse(match['name'])}{match['query'] or ''})", text)


@transaction.atomic
def load_toolkit():
    """Put in place what is missing of the starting content; returns what it did."""
    report = SeedReport()
    seeded = set(SeededContent.objects.values_list("key", flat=True))
    for position, item in enumerate(CATEGORIES, start=1):
        key = f"category/{item.slug}"
        if key not in seeded:
            _load_category(item, key, position, report)
    for item in RESOURCES:
        key = f"resource/{item.slug}"
        if key not in seeded:
            _load_resource(item, key, report)
    return report


def _load_category(item, key, position, report):
    category = Category.objects.filter(Q(slug=item.slug) | Q(name=item.name)).order_by("pk").first()
    if category is None:
        category = Category.objects.create(
            slug=item.slug, name=item.name, introduction=item.introduction, position=position
        )
        report.created.append(key)
    else:
        report.adopted.append(key)
    SeededContent.objects.create(key=key, category=category)


def _load_resource(item, key, report):
    resource = Resource.objects.filter(slug=item.slug).first()
    if resource is not None:
        report.adopted.append(key)
        SeededContent.objects.create(key=key, resource=resource)
        return
    seeded_category = (
        SeededContent.objects.filter(key=f"category/{item.category}", category__isnull=False)
        .select_related("category")
        .first()
    )
    if seeded_category is None:
        report.skipped.append(key)
        return
    resource = Resource.objects.create(
        slug=item.slug,
        category=seeded_category.category,
        title=item.title,
        summary=item.summary,
        body=resolve_portal_links(item.body),
        external_url=item.external_url,
        audiences=[str(audience) for audience in item.audiences],
        author=item.author,
        licence=item.licence,
        status=Status.PUBLISHED,
        published_on=REVIEWED_ON,
        last_reviewed_on=REVIEWED_ON,
    )
    StatusChange.objects.create(resource=resource, from_status=Status.DRAFT, to_status=Status.PUBLISHED)
    resource.tags.set([_tag(slug) for slug in item.tags])
    resource.related_species.set(
        Species.objects.filter(binomial__in=[binomial_of(name) for name in item.species])
    )
    SeededContent.objects.create(key=key, resource=resource)
    report.created.append(key)


def _tag(slug):
    """The tag with this slug (or the seed's name for it), made if there is none."""
    tag = Tag.objects.filter(Q(slug=slug) | Q(name=TAGS[slug])).order_by("pk").first()
    return tag or Tag.objects.create(slug=slug, name=TAGS[slug])
