"""Species data at scale, for the benchmarks: never part of the test suite.

    DATABASE_URL=... .venv/bin/python -m tests.bench.species_data [--sightings N] [--seed S]

Builds on the demo (`manage.py load_demo`, run first here: it is idempotent) and the real imported
species (`manage.py import_species`: the 3,900 species of the shipped lists), then adds, in SQL:

- N sightings (default 1,000,000) at random points on Great Britain's land inside the demo groups'
  areas: each district that meets a group's area gets a share of the points in proportion to the
  square root of its area there (records follow people, so small urban districts are denser than
  the Highlands), and the district's ONS code gives the country. Species are skewed as records
  are: the demo's curated species first, then the NNSS information portal's, then the checklist,
  drawn as `floor(count × random()^4)` (an eighth of the records are of Himalayan balsam, a fifth
  of the first ten species, half of the portal's 300); 2 % are "not sure" with a description.
- Verification as recording schemes see it: 45 % accepted as correct, 25 % considered correct,
  12 % plausible, 5 % unable to verify, 3 % incorrect, 10 % not reviewed; one Decision row per
  reviewed record (by the demo's NNSS staff verifier); some automatic-check flags; a tenth of the
  accepted records treated or removed.
- 2,000 people following species: 3,000 subscriptions, to a group's area or a radius around a
  district's centre, a species or every alert-list species.

Every row it makes is marked (recorder and follower emails at `@bench.lagportal.localhost`) and a
re-run deletes them first, so running it twice leaves one set. 1M sightings take a few minutes,
most of it PostgreSQL maintaining the table's indexes.
"""

import argparse
import io
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lagportal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

BENCH_DOMAIN = "bench.lagportal.localhost"
PEOPLE = 2_000
SUBSCRIPTIONS = 3_000
VERIFIER_EMAIL = "staff@demo.lagportal.localhost"

# The demo's curated species lead the draw (the most recorded species in real schemes too).
LEADING_BINOMIALS = [
    "impatiens glandulifera",
    "fallopia japonica",
    "heracleum mantegazzianum",
    "pacifastacus leniusculus",
    "lysichiton americanus",
    "hydrocotyle ranunculoides",
    "vespa velutina",
    "ludwigia grandiflora",
    "dikerogammarus villosus",
]

REMOVE_PREVIOUS = f"""
DELETE FROM species_decision d USING species_sighting s
 WHERE d.sighting_id = s.id AND s.recorder_email LIKE '%%@{BENCH_DOMAIN}';
DELETE FROM species_sighting WHERE recorder_email LIKE '%%@{BENCH_DOMAIN}';
DELETE FROM species_subscription sub USING accounts_user u
 WHERE sub.user_id = u.id AND u.email LIKE '%%@{BENCH_DOMAIN}';
DELETE FROM accounts_user WHERE email LIKE '%%@{BENCH_DOMAIN}';
"""

# The parts of districts inside the groups' areas, with their share of the points.
PLACES = """
CREATE TEMP TABLE bench_place ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY d.code, g.id) AS n, d.code, part,
       sqrt(ST_Area(part::geography) / 1e6) AS weight
FROM groups_district d
JOIN groups_localactiongroup g ON g.coverage && d.boundary AND ST_Intersects(g.coverage, d.boundary),
LATERAL ST_CollectionExtract(ST_MakeValid(ST_Intersection(g.coverage, d.boundary)), 3) AS part
WHERE g.is_active AND NOT ST_IsEmpty(part)
  -- Slivers where a district's edge and a group's edge nearly meet are no place to put a record.
  AND ST_Area(part::geography) > 1e6;
"""

# Points, in random order, with the country of their district.
POINTS = """
CREATE TEMP TABLE bench_point ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY random()) AS n, point, country
FROM (
  SELECT (ST_Dump(ST_GeneratePoints(part, share, %(seed)s + n::integer))).geom AS point,
         CASE left(code, 1) WHEN 'E' THEN 'england' WHEN 'S' THEN 'scotland' WHEN 'W' THEN 'wales'
              ELSE '' END AS country
  FROM (
    SELECT p.*, greatest(1, round(1.01 * %(count)s * weight / sum(weight) OVER ()))::integer AS share
    FROM bench_place p
  ) shares
) points;
"""

# Species in the order they are drawn: the curated ones, the portal's, then the checklist.
SPECIES_ORDER = """
CREATE TEMP TABLE bench_species ON COMMIT DROP AS
SELECT row_number() OVER (
         ORDER BY array_position(%(leading)s::text[], binomial::text) NULLS LAST,
                  in_nnsip DESC, id) - 1 AS n,
       id
FROM species_species;
"""

SIGHTINGS = f"""
INSERT INTO species_sighting (
  species_id, species_description, seen_on, location, uncertainty_m, location_source,
  grid_reference, postcode, country, count_or_extent, habitat_notes, recorder_id, recorder_name,
  recorder_email, name_may_be_shared, reference, status, flags, treatment, treated_on,
  treatment_note, treated_by_id, submitted_through, created_at, updated_at
)
SELECT
  CASE WHEN r.unsure THEN NULL ELSE sp.id END,
  CASE WHEN r.unsure THEN 'A tall plant with pink flowers by the river, not sure which' ELSE '' END,
  r.seen_on,
  p.point,
  r.uncertainty_m,
  CASE WHEN r.uncertainty_m <= 10 THEN 'device' WHEN r.uncertainty_m = 1000 AND r.u > 0.97
       THEN 'postcode' WHEN r.uncertainty_m <= 100 THEN 'map' ELSE 'grid_reference' END,
  '', '', p.country,
  (1 + floor(random() * 50))::integer || ' plants',
  '',
  NULL,
  'Bench recorder ' || (p.n %% 5000),
  'recorder-' || (p.n %% 5000) || '@{BENCH_DOMAIN}',
  random() < 0.6,
  gen_random_uuid(),
  r.status,
  CASE WHEN r.f < 0.05 THEN ARRAY['far_from_others']
       WHEN r.f < 0.08 THEN ARRAY['duplicate']
       WHEN r.f < 0.10 THEN ARRAY['new_to_country']
       WHEN r.f < 0.11 THEN ARRAY['far_from_others', 'duplicate']
       ELSE ARRAY[]::varchar[] END,
  CASE WHEN r.status IN ('correct', 'considered_correct') AND r.t < 0.07 THEN 'treated'
       WHEN r.status IN ('correct', 'considered_correct') AND r.t < 0.10 THEN 'removed'
       ELSE 'present' END,
  CASE WHEN r.status IN ('correct', 'considered_correct') AND r.t < 0.10
       THEN r.seen_on + 30 END,
  '',
  NULL,
  CASE WHEN random() < 0.1 THEN 'api' ELSE 'form' END,
  r.created_at,
  r.created_at + CASE WHEN r.status = 'not_reviewed' THEN interval '0'
                      ELSE interval '1 day' * (1 + floor(random() * 20)) END
FROM bench_point p
CROSS JOIN LATERAL (
  SELECT *, least(now() - interval '1 hour', seen_on + interval '1 day' * floor(random() * 14)
                                             + interval '1 second' * floor(random() * 86400)) AS created_at
  FROM (
    SELECT
      random() < 0.02 AS unsure,
      -- Recent years have more records: the square root leans the draw towards today.
      (current_date - 1 - floor(3650 * (1 - sqrt(random())))::integer) AS seen_on,
      (ARRAY[10, 10, 100, 100, 100, 100, 1000, 1000, 2000, 10000])[1 + floor(random() * 10)::integer]
        AS uncertainty_m,
      random() AS u, random() AS f, random() AS t,
      CASE WHEN s < 0.45 THEN 'correct' WHEN s < 0.70 THEN 'considered_correct'
           WHEN s < 0.82 THEN 'plausible' WHEN s < 0.87 THEN 'unable_to_verify'
           WHEN s < 0.90 THEN 'incorrect' ELSE 'not_reviewed' END AS status,
      floor((SELECT count(*) FROM bench_species) * power(random(), 4))::integer AS species_n
    FROM (SELECT random() AS s, p.n) draw
  ) base
) r
JOIN bench_species sp ON sp.n = r.species_n
WHERE p.n <= %(count)s;  -- the shares are rounded up a little: exactly `count` records
"""

DECISIONS = f"""
INSERT INTO species_decision (sighting_id, status, comment, verifier_id, decided_at)
SELECT s.id, s.status,
       CASE WHEN s.status IN ('correct', 'considered_correct') THEN '' ELSE 'Photo does not show the leaves.' END,
       (SELECT id FROM accounts_user WHERE email = %(verifier)s), s.updated_at
FROM species_sighting s
WHERE s.recorder_email LIKE '%%@{BENCH_DOMAIN}' AND s.status <> 'not_reviewed';
"""

PEOPLE_SQL = f"""
INSERT INTO accounts_user (password, is_superuser, email, full_name, phone, emergency_contact_name,
                           emergency_contact_phone, is_staff, is_active, date_joined)
SELECT '!', false, 'follower-' || n || '@{BENCH_DOMAIN}', 'Bench follower ' || n, '', '', '',
       false, true, now()
FROM generate_series(1, %(people)s) n;
"""

SUBSCRIPTIONS_SQL = f"""
WITH followers AS (
  SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM accounts_user
  WHERE email LIKE '%%@{BENCH_DOMAIN}'
), groups AS (
  SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM groups_localactiongroup WHERE is_active
), centres AS (
  SELECT row_number() OVER (ORDER BY code) - 1 AS n, ST_PointOnSurface(part) AS centre FROM bench_place
), draws AS (
  SELECT i, random() AS kind, random() AS which_species, random() AS who, random() AS where_
  FROM generate_series(1, %(subscriptions)s) i
)
INSERT INTO species_subscription (user_id, species_id, group_id, postcode, centre, radius_km,
                                  is_default, is_active, created_at)
SELECT f.id,
       CASE WHEN d.which_species < 0.3 THEN NULL
            ELSE (SELECT id FROM bench_species WHERE n = floor(50 * power(d.which_species, 2))::integer) END,
       CASE WHEN d.kind < 0.4 THEN g.id END,
       '',
       CASE WHEN d.kind >= 0.4 THEN c.centre END,
       CASE WHEN d.kind >= 0.4 THEN (1 + floor(d.where_ * 50))::integer END,
       false, random() < 0.95, now()
FROM draws d
JOIN followers f ON f.n = floor(d.who * (SELECT count(*) FROM followers))
JOIN groups g ON g.n = floor(d.where_ * (SELECT count(*) FROM groups))
JOIN centres c ON c.n = floor(d.where_ * (SELECT count(*) FROM centres));
"""


def step(label, sql, params=None):
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        rows = cursor.rowcount
    print(f"{label:48} {rows:>10,} rows  {time.monotonic() - started:7.1f} s", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sightings", type=int, default=1_000_000, help="how many (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=2026, help="for the same data on every run")
    options = parser.parse_args(argv)

    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    call_command("import_species", verbosity=0, stdout=io.StringIO())
    started = time.monotonic()
    with transaction.atomic():
        step("removing a previous run's rows", REMOVE_PREVIOUS)
        step("seeding random()", "SELECT setseed(%(seed)s)", {"seed": (options.seed % 1000) / 1000})
        step("district parts inside groups' areas", PLACES)
        step("random points on them", POINTS, {"count": options.sightings, "seed": options.seed})
        step("species in draw order", SPECIES_ORDER, {"leading": LEADING_BINOMIALS})
        step("sightings", SIGHTINGS, {"count": options.sightings})
        step("decisions on the reviewed ones", DECISIONS, {"verifier": VERIFIER_EMAIL})
        step("people following species", PEOPLE_SQL, {"people": PEOPLE})
        step("their subscriptions", SUBSCRIPTIONS_SQL, {"subscriptions": SUBSCRIPTIONS})
    step("ANALYZE", "ANALYZE species_sighting; ANALYZE species_decision; ANALYZE species_subscription")
    print(f"done in {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
