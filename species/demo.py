"""The species part of `manage.py load_demo`: curated pages for a handful of real species, the alert
list, the demo groups' target species, sightings around their areas and a volunteer following one.

Safe to run twice: species are found by their binomial (`binomial_of`), as the species import
matches them, and only the curated text and alert flags set here are written to a species the
import made; sightings have fixed references, so a re-run finds them and changes nothing.
"""

import uuid
from datetime import timedelta

from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.text import slugify

from groups.models import LocalActionGroup
from lagportal.lib import places

from . import following
from .models import (
    Decision,
    LocationSource,
    Sighting,
    Species,
    Treatment,
    VerificationStatus,
    binomial_of,
)

# What the species import would set, for a species it has not made yet: just enough for a page.
# (scientific name as the shipped lists give it, common name, kingdom, environments)
DEMO_SPECIES = {
    "balsam": ("Impatiens glandulifera", "Himalayan balsam", "Plantae", ["terrestrial", "freshwater"]),
    "knotweed": ("Fallopia japonica", "Japanese knotweed", "Plantae", ["terrestrial"]),
    "hogweed": ("Heracleum mantegazzianum", "Giant hogweed", "Plantae", ["terrestrial", "freshwater"]),
    "crayfish": ("Pacifastacus leniusculus", "Signal crayfish", "Animalia", ["freshwater"]),
    "skunk_cabbage": (
        "Lysichiton americanus",
        "American skunk cabbage",
        "Plantae",
        ["terrestrial", "freshwater"],
    ),
    "pennywort": ("Hydrocotyle ranunculoides", "Floating pennywort", "Plantae", ["freshwater"]),
    "hornet": ("Vespa velutina nigrithorax", "Asian hornet", "Animalia", ["terrestrial"]),
    "water_primrose": ("Ludwigia grandiflora", "Water primrose", "Plantae", ["freshwater"]),
    "killer_shrimp": ("Dikerogammarus villosus", "Killer shrimp", "Animalia", ["freshwater"]),
}

CURATED = {
    "balsam": {
        "identification": (
            "A tall annual, usually 1 to 2 metres, with hollow, reddish, slightly see-through stems "
            "that snap easily.\n\n"
            "- Leaves long and narrow with finely toothed edges, in pairs or in whorls of three.\n"
            "- Flowers pink to purple (sometimes white), shaped like a slipper or helmet, from June "
            "to October.\n"
            "- Ripe seed pods burst when touched and throw their seeds several metres."
        ),
        "similar_species": (
            "- **Orange balsam** (*Impatiens capensis*): smaller, with orange flowers.\n"
            "- **Touch-me-not balsam** (*Impatiens noli-tangere*), our only native balsam: yellow "
            "flowers, rare and mostly in the Lake District and Wales.\n"
            "- **Small balsam** (*Impatiens parviflora*): small pale yellow flowers, usually in shade."
        ),
        "impacts": (
            "Grows in dense stands along rivers and in damp woodland, shading out native plants. It dies "
            "back in autumn and leaves banks bare, so they erode in winter floods. Its nectar-rich "
            "flowers draw pollinators away from native plants."
        ),
        "management": (
            "Its roots are shallow, so it is easy to **pull up** or **cut below the lowest joint** of "
            "the stem. Do it before the seed pods form (June to July), start at the top of a "
            "catchment and work downstream, and come back for two or three years until the seed in "
            "the soil is spent. Leave pulled plants in piles to rot, away from the water."
        ),
        "biosecurity": (
            "Seeds travel on boots, clothes, tyres and in soil. Check, clean and dry your kit before "
            "leaving a site, and never move soil from where balsam grows."
        ),
        "legislation": (
            "Listed as a species of special concern under the Invasive Alien Species (Enforcement and "
            "Permitting) Order 2019: it may not be kept, grown, sold or released. Planting it or "
            "causing it to grow in the wild is an offence under the Wildlife and Countryside Act 1981 "
            "(in Scotland, the Wildlife and Natural Environment (Scotland) Act 2011)."
        ),
    },
    "knotweed": {
        "identification": (
            "A tall perennial, up to about 3 metres, forming dense thickets.\n\n"
            "- Stems hollow and bamboo-like, green with purple speckles, growing in a zigzag.\n"
            "- Leaves shield-shaped with a flat base and a pointed tip.\n"
            "- Spikes of small creamy-white flowers in late summer.\n"
            "- In spring, red-purple shoots like asparagus; in winter, dead brown canes."
        ),
        "similar_species": (
            "- **Giant knotweed** (*Fallopia sachalinensis*): taller, with much larger, heart-shaped leaves.\n"
            "- **Bohemian knotweed** (*Fallopia × bohemica*): the hybrid of the two, in between.\n"
            "- **Himalayan knotweed** (*Persicaria wallichii*): narrower leaves, pinkish flowers."
        ),
        "impacts": (
            "Crowds out native plants, and grows through cracks in paving, walls and flood defences. "
            "Along rivers it leaves banks bare and open to erosion when it dies back in winter."
        ),
        "management": (
            "A tiny piece of root (rhizome) can grow into a new plant, so never cut, strim or flail it. "
            "Control takes several years of **herbicide treatment** by trained, certified operators, "
            "or **excavation** with the soil taken to a licensed site. Volunteers record and report "
            "stands rather than treat them."
        ),
        "biosecurity": (
            "Clean machinery and footwear before leaving a site, and never move soil that may hold rhizome."
        ),
        "legislation": (
            "Causing it to grow in the wild is an offence under the Wildlife and Countryside Act 1981 "
            "(and the Wildlife and Natural Environment (Scotland) Act 2011). Soil and plant waste "
            "containing it is controlled waste, to be disposed of at a licensed site."
        ),
    },
    "hogweed": {
        "identification": (
            "A giant relative of cow parsley, often 3 metres tall or more.\n\n"
            "- Thick stems, 5 to 10 cm across, with dark purple blotches and stiff white hairs.\n"
            "- Huge, deeply cut leaves, up to 1.5 metres long.\n"
            "- Flat-topped heads of white flowers in June and July, up to half a metre across."
        ),
        "similar_species": (
            "- **Hogweed** (*Heracleum sphondylium*), native and common: rarely over 2 metres, with "
            "smaller flower heads and no purple blotches.\n"
            "- **Angelica** (*Angelica sylvestris*): smooth purplish stems, rounded flower heads.\n"
            "- Hybrids with native hogweed occur and are harder to tell apart."
        ),
        "impacts": (
            "Its sap makes skin burn and blister badly in sunlight, sometimes for years after. Dense "
            "stands along rivers and paths shade out other plants and leave banks bare in winter."
        ),
        "management": (
            "**Never touch it with bare skin.** Wear gloves, long sleeves and eye protection. Young "
            "plants can be treated with herbicide in spring, or the root cut 10 to 15 cm below "
            "ground; remove flower heads before seed sets. Seed survives in the soil for several "
            "years, so come back each year."
        ),
        "biosecurity": (
            "Seeds float downstream: work from the top of a catchment, and never move soil from a "
            "site where it grows."
        ),
        "legislation": (
            "A species of special concern under the Invasive Alien Species (Enforcement and "
            "Permitting) Order 2019, and an offence to plant or cause to grow in the wild under the "
            "Wildlife and Countryside Act 1981 (and the Scottish Act of 2011)."
        ),
    },
    "crayfish": {
        "identification": (
            "A large crayfish, adults often over 12 cm long.\n\n"
            "- Smooth, reddish-brown to blue-brown shell.\n"
            "- Large claws, bright red underneath, with a white or turquoise patch at the hinge (the "
            "“signal”)."
        ),
        "similar_species": (
            "- **White-clawed crayfish** (*Austropotamobius pallipes*), our only native crayfish: "
            "smaller, with pale undersides to its claws and a rougher shell. It is protected: do not "
            "handle it without a licence.\n"
            "- Other non-native crayfish, such as the narrow-clawed and the red swamp crayfish."
        ),
        "impacts": (
            "Carries crayfish plague, which kills native white-clawed crayfish. It eats invertebrates, "
            "fish eggs and plants, and its burrows weaken river banks."
        ),
        "management": (
            "No method removes an established population. Trapping (only with written permission) can "
            "reduce numbers locally; the priority is to stop it reaching new waters and to protect "
            "the native crayfish's refuges."
        ),
        "biosecurity": (
            "Plague spores survive on damp kit. **Check, clean, dry** boots, nets and boats, and dry "
            "them for at least 48 hours between waters. Never move crayfish, alive or dead."
        ),
        "legislation": (
            "A species of special concern under the Invasive Alien Species (Enforcement and "
            "Permitting) Order 2019: keeping, moving or releasing it needs a permit. Trapping needs "
            "the permission of the environment agency for the area."
        ),
    },
    "skunk_cabbage": {
        "identification": (
            "A large perennial of wet woods, bogs and stream sides.\n\n"
            "- In early spring, a bright yellow hood around a green flower spike, before or with the leaves.\n"
            "- Leaves up to a metre long or more, glossy, in a rosette.\n"
            "- A musky, unpleasant smell when in flower."
        ),
        "similar_species": (
            "- **Asian skunk cabbage** (*Lysichiton camtschatcensis*): white hood, otherwise alike.\n"
            "- **Marsh marigold** (*Caltha palustris*), native: small yellow flowers and small round leaves."
        ),
        "impacts": (
            "Escaped from gardens. Its large leaves shade out native wetland plants, and it spreads "
            "along streams by seed."
        ),
        "management": (
            "Dig out small plants with the whole root crown. Larger stands need herbicide treatment "
            "by trained operators, over several years."
        ),
        "biosecurity": "Never plant it near water, and dispose of garden plants as green waste, never in the wild.",
        "legislation": (
            "A species of special concern under the Invasive Alien Species (Enforcement and "
            "Permitting) Order 2019: it may not be sold, grown or released."
        ),
    },
    "pennywort": {
        "identification": (
            "A water plant rooted at the margins that grows out over the water in floating mats.\n\n"
            "- Fleshy, round to kidney-shaped leaves with crinkled edges, up to about 7 cm across.\n"
            "- The leaf stalk joins the leaf at a notch in its edge.\n"
            "- Small white flowers in clusters in summer."
        ),
        "similar_species": (
            "- **Marsh pennywort** (*Hydrocotyle vulgaris*), native: much smaller leaves with the "
            "stalk joined at their centre.\n"
            "- **Frogbit** (*Hydrocharis morsus-ranae*), native: shiny, smooth-edged floating leaves."
        ),
        "impacts": (
            "Mats can grow many centimetres a day and cover a river or ditch, cutting off light and "
            "oxygen, killing other plants and animals, blocking drains and raising the risk of floods."
        ),
        "management": (
            "Pull or rake it out, by hand or machine, with a net downstream: every fragment can grow "
            "again. Come back often; herbicide near water needs the environment agency's consent."
        ),
        "biosecurity": "Check, clean, dry boats and kit, and never empty aquarium or pond plants into the wild.",
        "legislation": (
            "A species of special concern under the Invasive Alien Species (Enforcement and "
            "Permitting) Order 2019: it may not be sold, grown or released."
        ),
    },
    "hornet": {
        "identification": (
            "A hornet slightly smaller than our native one (workers about 2.5 cm).\n\n"
            "- Dark, velvety body with one yellow-orange band near the end of the abdomen.\n"
            "- Legs yellow at the ends; face orange.\n"
            "- Nests of paper, often high in trees in late summer; smaller nests in spring in sheds "
            "and under eaves."
        ),
        "similar_species": (
            "- **European hornet** (*Vespa crabro*), native: larger, with a mostly yellow abdomen.\n"
            "- **Hornet mimic hoverfly** (*Volucella zonaria*): no sting, short antennae, big eyes."
        ),
        "impacts": "Hunts honey bees and other pollinating insects, hovering outside hives to catch them.",
        "management": (
            "**Do not approach or disturb a nest.** Report every sighting with a photo: the national "
            "bee inspectors find and destroy the nests."
        ),
        "biosecurity": (
            "It arrives in goods and vehicles from the Continent and the Channel Islands: check "
            "loads, and report any hornet that looks like this one."
        ),
        "legislation": (
            "A species of special concern under the Invasive Alien Species (Enforcement and "
            "Permitting) Order 2019, and on the alert list: sightings should be reported at once."
        ),
    },
}

ALERT_REASONS = {
    "hornet": (
        "Not established in Great Britain: each nest found early can be destroyed before it spreads. "
        "Report every sighting, with a photo."
    ),
    "water_primrose": (
        "Known from only a few sites, where it is being eradicated: a new site must be found and "
        "treated before it spreads."
    ),
    "killer_shrimp": (
        "Found in only a few waters in Great Britain: a record from a new lake or river matters at "
        "once, for the biosecurity of the waters around it."
    ),
}

# Target species: every group works on some by its habitats, and a few on more.
HABITAT_TARGETS = {"freshwater": ["balsam", "knotweed"], "terrestrial": ["knotweed"]}
GROUP_TARGETS = {
    "Cumbria Freshwater Invasive Non-Native Species Initiative (CFINNS)": [
        "hogweed",
        "crayfish",
        "skunk_cabbage",
    ],
    "Tweed Invasives Project": ["hogweed"],
    "London Invasive Species Initiative": ["pennywort"],
    "Pevensey Alien Species Project": ["pennywort", "hornet"],
    "Norfolk Non-native Species Initiative": ["killer_shrimp"],
    "Yorkshire Invasive Species Forum": ["crayfish"],
    "Wye and Usk Invasive Species Project": ["crayfish", "hogweed"],
    "North Wales and Dee INNS Forum": ["hogweed"],
}

C, CC, P, N = (
    VerificationStatus.CORRECT,
    VerificationStatus.CONSIDERED_CORRECT,
    VerificationStatus.PLAUSIBLE,
    VerificationStatus.NOT_REVIEWED,
)
# (species, place, latitude, longitude, country, days ago, status, treated, count or extent)
DEMO_SIGHTINGS = [
    (
        "balsam",
        "River Eden, Rickerby Park, Carlisle",
        54.9000,
        -2.9150,
        "england",
        40,
        C,
        True,
        "about 200 plants",
    ),
    ("balsam", "River Eden at Lazonby", 54.7520, -2.7040, "england", 35, C, False, "50 m of bank"),
    (
        "balsam",
        "River Eden at Appleby-in-Westmorland",
        54.5780,
        -2.4880,
        "england",
        20,
        CC,
        False,
        "scattered plants",
    ),
    ("balsam", "River Caldew at Dalston", 54.8430, -2.9870, "england", 12, N, False, "a dense stand"),
    ("balsam", "River Derwent at Cockermouth", 54.6640, -3.3650, "england", 9, C, False, "100 m of bank"),
    ("balsam", "River Kent at Kendal", 54.3260, -2.7440, "england", 6, N, False, "about 30 plants"),
    ("knotweed", "River Petteril, Carlisle", 54.8830, -2.9100, "england", 60, C, False, "one stand, 10 m²"),
    ("knotweed", "River Derwent at Workington", 54.6430, -3.5340, "england", 28, CC, False, "two stands"),
    ("knotweed", "River Greta at Keswick", 54.6040, -3.1380, "england", 4, N, False, "one stand by the path"),
    (
        "hogweed",
        "River Irthing near Brampton",
        54.9500,
        -2.7400,
        "england",
        45,
        C,
        True,
        "12 flowering plants",
    ),
    ("hogweed", "River Cocker at Lorton", 54.6130, -3.3230, "england", 15, P, False, "3 plants"),
    (
        "crayfish",
        "River Eden at Warwick Bridge",
        54.9020,
        -2.8200,
        "england",
        30,
        C,
        False,
        "4 caught in a survey trap",
    ),
    (
        "crayfish",
        "River Leven at Newby Bridge",
        54.2690,
        -2.9680,
        "england",
        11,
        N,
        False,
        "1 dead on the bank",
    ),
    (
        "skunk_cabbage",
        "Woodland stream above Bowness-on-Windermere",
        54.3630,
        -2.9100,
        "england",
        70,
        C,
        False,
        "a patch of about 20 plants",
    ),
    (
        "hogweed",
        "River Tweed at Kelso",
        55.5960,
        -2.4330,
        "scotland",
        50,
        C,
        False,
        "a stand of about 40 plants",
    ),
    ("hogweed", "River Teviot at Hawick", 55.4240, -2.7860, "scotland", 33, C, False, "15 plants"),
    ("hogweed", "Ettrick Water at Selkirk", 55.5530, -2.8370, "scotland", 18, N, False, "6 plants"),
    ("balsam", "River Tweed at Peebles", 55.6500, -3.1900, "scotland", 25, C, False, "about 100 plants"),
    ("balsam", "Gala Water at Galashiels", 55.6170, -2.8070, "scotland", 8, N, False, "scattered plants"),
    ("knotweed", "River Tweed at Melrose", 55.6010, -2.7200, "scotland", 14, CC, False, "one stand"),
    (
        "pennywort",
        "River Lea at Hackney Marshes",
        51.5580,
        -0.0330,
        "england",
        22,
        C,
        False,
        "mats over 30 m",
    ),
    ("knotweed", "River Wandle, Wandsworth", 51.4560, -0.1920, "england", 10, N, False, "one stand"),
    ("balsam", "River Brent at Hanwell", 51.5150, -0.3420, "england", 16, C, False, "50 m of bank"),
    ("pennywort", "Pevensey Levels", 50.8200, 0.3300, "england", 27, C, False, "a ditch covered"),
    ("hornet", "Eastbourne town centre", 50.7690, 0.2820, "england", 3, N, False, "1 hornet at a fruit bowl"),
    ("hornet", "Hampden Park, Eastbourne", 50.7960, 0.2750, "england", 19, C, False, "1 worker photographed"),
    ("killer_shrimp", "Barton Broad", 52.7380, 1.4980, "england", 55, C, False, "several in a kick sample"),
    ("balsam", "River Wensum, Norwich", 52.6340, 1.2940, "england", 13, N, False, "about 20 plants"),
    ("crayfish", "River Ouse at York", 53.9580, -1.0870, "england", 38, C, False, "2 seen from the bank"),
    ("balsam", "River Aire, Leeds", 53.7930, -1.5410, "england", 7, N, False, "a dense stand"),
    ("hogweed", "River Wye at Hay-on-Wye", 52.0760, -3.1280, "wales", 42, C, False, "8 plants"),
    ("balsam", "River Usk at Abergavenny", 51.8180, -3.0180, "wales", 17, CC, False, "100 m of bank"),
    ("balsam", "River Dee at Llangollen", 52.9700, -3.1700, "wales", 21, C, False, "scattered plants"),
    (
        "water_primrose",
        "Drainage ditch near Pevensey",
        50.8100,
        0.3500,
        "england",
        5,
        N,
        False,
        "a mat of about 2 m²",
    ),
]

DEMO_RECORDERS = [
    ("Vera Volunteer", None),
    ("Ann Walker", "ann.walker"),
    ("Tom Reid", "tom.reid"),
    ("Priya Patel", "priya"),
]
REFERENCE_NAMESPACE = uuid.UUID("0b9e1a52-3d59-4c1e-9a43-6f7b0d2c8e11")


def load_species():
    """Find or make each demo species by its binomial; add the curated text and alert flags where
    nobody has written them yet. Returns the species by key."""
    species = {}
    for key, (scientific_name, common_name, kingdom, environments) in DEMO_SPECIES.items():
        row = Species.objects.filter(binomial__iexact=binomial_of(scientific_name)).first()
        if row is None:
            row = Species(
                scientific_name=scientific_name,
                common_name=common_name,
                kingdom=kingdom,
                environments=environments,
                slug=_free_slug(scientific_name),
            )
            row.save()
        changed = [field for field, text in CURATED.get(key, {}).items() if not getattr(row, field) and text]
        for field in changed:
            setattr(row, field, CURATED[key][field])
        if key in ALERT_REASONS and not row.alert_reason:
            row.on_alert_list, row.alert_reason = True, ALERT_REASONS[key]
            changed += ["on_alert_list", "alert_reason"]
        if changed:
            row.save(update_fields=[*changed, "updated_at"])
        species[key] = row
    return species


def _free_slug(scientific_name):
    slug = base = slugify(scientific_name)[:190]
    number = 2
    while Species.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def load_targets(groups, species):
    """Set each demo group's target species (adding to what it has)."""
    for group in groups:
        keys = {key for habitat in group.habitats for key in HABITAT_TARGETS.get(habitat, [])}
        keys.update(GROUP_TARGETS.get(group.name, []))
        group.target_species.add(*(species[key] for key in sorted(keys)))


def load_sightings(species, *, verifier, coordinator, volunteer):
    """Make the demo sightings once each (found again by a fixed reference): some verified, with the
    verifier's decision, some not reviewed yet, two treated by a coordinator."""
    today = timezone.localdate()
    made = []
    for index, (key, place, latitude, longitude, country, days_ago, status, treated, extent) in enumerate(
        DEMO_SIGHTINGS
    ):
        reference = uuid.uuid5(REFERENCE_NAMESPACE, f"demo-sighting-{index}")
        if Sighting.objects.filter(reference=reference).exists():
            continue
        name, handle = DEMO_RECORDERS[index % len(DEMO_RECORDERS)]
        sighting = Sighting.objects.create(
            reference=reference,
            species=species[key],
            seen_on=today - timedelta(days=days_ago),
            location=Point(longitude, latitude, srid=4326),
            uncertainty_m=10 if index % 3 else 100,
            location_source=LocationSource.DEVICE if index % 3 else LocationSource.MAP,
            country=country,
            count_or_extent=extent,
            habitat_notes=place,
            recorder=volunteer if handle is None else None,
            recorder_name=name,
            recorder_email=volunteer.email if handle is None else f"{handle}@demo.lagportal.localhost",
            name_may_be_shared=index % 2 == 0,
            status=status,
        )
        if status != VerificationStatus.NOT_REVIEWED:
            Decision.objects.create(
                sighting=sighting,
                status=status,
                comment="Identification confirmed from the photo." if status in (C, CC) else "",
                verifier=verifier,
            )
        if treated:
            sighting.treatment = Treatment.TREATED
            sighting.treated_on = today - timedelta(days=max(days_ago - 10, 1))
            sighting.treatment_note = "Pulled by the group's work party; to be checked again next year."
            sighting.treated_by = coordinator
            sighting.save(update_fields=["treatment", "treated_on", "treatment_note", "treated_by"])
        made.append(sighting)
    return made


def load_following(species, volunteer):
    """The demo volunteer follows Himalayan balsam in CFINNS's area and the alert list around
    Penrith (the coordinator's default alerts come with their role)."""
    cfinns = LocalActionGroup.objects.without_geometry().filter(name__startswith="Cumbria Freshwater").first()
    wanted = []
    if cfinns is not None:
        wanted.append({"species": species["balsam"], "group": cfinns})
    try:
        penrith = places.place_from_postcode("CA11")
    except places.PlaceError:
        penrith = None
    if penrith is not None:
        wanted.append({"postcode": "CA11", "centre": penrith.point, "radius_km": 25})
    for subscription in wanted:
        try:
            following.follow(volunteer, **subscription)
        except following.FollowingError:
            pass  # followed already: a re-run of the demo


def load(groups, *, verifier, coordinator, volunteer):
    """The whole species demo (see the module's docstring); returns the species by key."""
    species = load_species()
    load_targets(groups, species)
    load_sightings(species, verifier=verifier, coordinator=coordinator, volunteer=volunteer)
    load_following(species, volunteer)
    return species
