"""Volunteering data at scale, for the benchmarks: never part of the test suite.

    DATABASE_URL=... .venv/bin/python -m tests.bench.volunteering_data [--events N] [--signups N] [--seed S]

Builds on the demo (`manage.py load_demo`, run first here: it is idempotent) and adds, in SQL,
about what 200 groups would hold after five years, spread over the demo's 20 groups (so each group
has ten times a real group's events: the group pages are the worst case):

- 5,000 volunteers with a verified email address, a phone number and an emergency contact.
- N events (default 20,000) over the past five years and the next four months, a tenth of them
  upcoming (2,000), 2 % national (no group): work parties mostly, some surveys, training days,
  meetings and awareness events; meeting points at random inside the group's area; published
  (cancelled 5 %, a few drafts); 30 % with no limit on places, most of the rest for 6–30 people,
  1 % for 60–150. Four in five target one of the demo's species.
- M sign-ups (default 300,000): each event draws its demand from its places (from 40 % of them
  to half as many again, so about a third of the limited events fill up and have a waiting list);
  volunteers are drawn with a skew (the busiest has a few hundred sign-ups over the five years, most
  a few dozen). In sign-up order, the first ones to fit hold the places, the rest wait; 8 % cancel.
  Past events: those holding a place attended (82 %, with the event's length as hours) or did not
  come; upcoming ones: confirmed, or offered a place (with its expiry) when a place came free.
  Contact snapshots erased on events over a year old, as `erase_event_contacts` does.
  `places_taken` is then set from the sign-ups, so the capacity rule holds.
- 20,000 work records on past published events (a tenth with an area drawn on the map), 50,000
  logged hours (two fifths for an event the person attended, the rest solo work; 80 % approved).

Every row it makes is marked (emails at `@volunteering.bench.lagportal.localhost`, events created by
the bench organiser) and a re-run deletes them first. Prints the volunteer with the most sign-ups and
the event with 100 sign-ups that the benchmarks use.
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

DOMAIN = "volunteering.bench.lagportal.localhost"
ORGANISER = f"organiser@{DOMAIN}"
VOLUNTEERS = 5_000
WORK_RECORDS = 20_000
HOURS_LOGS = 50_000
# The event the register is measured on: upcoming, in the demo coordinator's first group, 100 sign-ups.
REGISTER_TITLE = "Bench: the big balsam bash"
COORDINATOR = "coordinator@demo.lagportal.localhost"

REMOVE_PREVIOUS = f"""
CREATE TEMP TABLE bench_old_event ON COMMIT DROP AS
SELECT id FROM volunteering_event
WHERE created_by_id IN (SELECT id FROM accounts_user WHERE email = '{ORGANISER}');
DELETE FROM volunteering_event_target_species WHERE event_id IN (SELECT id FROM bench_old_event);
DELETE FROM volunteering_workrecordphoto WHERE work_record_id IN (
  SELECT id FROM volunteering_workrecord WHERE event_id IN (SELECT id FROM bench_old_event));
DELETE FROM volunteering_workrecord WHERE event_id IN (SELECT id FROM bench_old_event);
DELETE FROM volunteering_eventmessage WHERE event_id IN (SELECT id FROM bench_old_event);
DELETE FROM volunteering_hourslog WHERE event_id IN (SELECT id FROM bench_old_event);
DELETE FROM volunteering_signup WHERE event_id IN (SELECT id FROM bench_old_event);
DELETE FROM volunteering_event WHERE id IN (SELECT id FROM bench_old_event);
DELETE FROM volunteering_hourslog WHERE user_id IN (SELECT id FROM accounts_user WHERE email LIKE '%%@{DOMAIN}');
DELETE FROM volunteering_signup WHERE user_id IN (SELECT id FROM accounts_user WHERE email LIKE '%%@{DOMAIN}');
DELETE FROM volunteering_calendarfeed WHERE user_id IN (SELECT id FROM accounts_user WHERE email LIKE '%%@{DOMAIN}');
DELETE FROM account_emailaddress WHERE email LIKE '%%@{DOMAIN}';
DELETE FROM accounts_user WHERE email LIKE '%%@{DOMAIN}';
"""

PEOPLE = f"""
INSERT INTO accounts_user (password, is_superuser, email, full_name, phone, emergency_contact_name,
                           emergency_contact_phone, is_staff, is_active, date_joined)
SELECT '!', false, 'volunteer-' || n || '@{DOMAIN}', 'Bench volunteer ' || n,
       '07700 9' || lpad(n::text, 5, '0'), 'Next of kin ' || n, '07700 8' || lpad(n::text, 5, '0'),
       false, true, now() - interval '6 years'
FROM generate_series(0, %(people)s - 1) n
UNION ALL
SELECT '!', false, '{ORGANISER}', 'Bench organiser', '', '', '', false, true, now() - interval '6 years';

INSERT INTO account_emailaddress (email, verified, "primary", user_id)
SELECT email, true, true, id FROM accounts_user WHERE email LIKE '%%@{DOMAIN}';

CREATE TEMP TABLE bench_volunteer ON COMMIT DROP AS
SELECT split_part(split_part(email, '@', 1), '-', 2)::integer AS n, id, phone, emergency_contact_name,
       emergency_contact_phone
FROM accounts_user WHERE email LIKE 'volunteer-%%@{DOMAIN}';
CREATE UNIQUE INDEX ON bench_volunteer (n);
"""

GROUPS = """
CREATE TEMP TABLE bench_group ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, name, coverage
FROM groups_localactiongroup WHERE is_active AND coverage IS NOT NULL;
"""

SPECIES = """
CREATE TEMP TABLE bench_species ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY array_position(%(leading)s::text[], binomial::text)) - 1 AS n, id, common_name
FROM species_species WHERE binomial = ANY(%(leading)s::text[]);
"""

LEADING = [
    "impatiens glandulifera",
    "fallopia japonica",
    "heracleum mantegazzianum",
    "lysichiton americanus",
    "hydrocotyle ranunculoides",
    "crassula helmsii",
    "pacifastacus leniusculus",
]

# One row per event, with its draws: when, where, what kind, how many places, how much demand.
EVENT_DRAWS = """
CREATE TEMP TABLE bench_event_draw ON COMMIT DROP AS
SELECT e, g.id AS group_id, g.n AS group_n,
       CASE WHEN e < %(upcoming)s
            THEN date_trunc('hour', now()) + interval '1 day' * (1 + floor(120 * random()))
            ELSE date_trunc('hour', now()) - interval '1 day' * (1 + floor(1826 * random()))
       END + interval '1 hour' * (9 + floor(4 * random())) AS starts_at,
       (ARRAY[2, 3, 3, 4, 4, 5, 6])[1 + floor(7 * random())::integer] AS length_hours,
       k, p, random() AS s, random() AS d, random() AS t, e < %(upcoming)s AS upcoming
FROM (
  SELECT e, random() AS gr, random() AS k, random() AS p FROM generate_series(0, %(events)s - 1) e
) draws
JOIN bench_group g ON g.n = floor(gr * (SELECT count(*) FROM bench_group));
"""

EVENTS = """
INSERT INTO volunteering_event (title, kind, starts_at, ends_at, meeting_point, meeting_point_note, places,
  places_taken, description, what_to_bring, access_notes, safety_notes, minimum_age, status, uid, sequence,
  created_at, updated_at, cancelled_at, created_by_id, group_id, planned_from_id)
SELECT
  CASE WHEN d.e = %(register_n)s THEN %(register_title)s
       ELSE (ARRAY['Balsam bash', 'Knotweed survey walk', 'Riverbank clear-up', 'Skunk cabbage dig',
                   'Pennywort raft removal', 'Volunteer training day', 'Crayfish trapping',
                   'Hogweed mapping'])[1 + floor(8 * d.k)::integer] || ' — ' || split_part(g.name, ' ', 1)
                   || ' #' || d.e END,
  CASE WHEN d.k < 0.70 THEN 'work_party' WHEN d.k < 0.85 THEN 'survey' WHEN d.k < 0.93 THEN 'training'
       WHEN d.k < 0.97 THEN 'meeting' ELSE 'awareness' END,
  d.starts_at, d.starts_at + interval '1 hour' * d.length_hours,
  ST_SetSRID(pt.geom, 4326),
  'Car park by the bridge; look for the orange flag',
  CASE WHEN d.e = %(register_n)s THEN 100
       WHEN d.p < 0.30 THEN NULL WHEN d.p < 0.31 THEN 60 + floor(90 * random())::integer
       ELSE 6 + floor(25 * random())::integer END,
  0,
  E'We will pull **Himalayan balsam** along the river before it sets seed.\n\n'
    || E'- gloves and tools provided\n- tea and cake afterwards\n\nAll welcome, no experience needed.',
  'Boots, long sleeves, a packed lunch and water.',
  'Uneven riverbank paths, 300 m from the car park. No toilets on site.',
  CASE WHEN d.k < 0.85 THEN 'Wear gloves; stay back from the water''s edge.' ELSE '' END,
  CASE WHEN d.k < 0.2 THEN 16 END,
  CASE WHEN d.e = %(register_n)s THEN 'published'
       WHEN d.s < 0.05 THEN 'cancelled' WHEN d.s < (CASE WHEN d.upcoming THEN 0.12 ELSE 0.07 END) THEN 'draft'
       ELSE 'published' END,
  gen_random_uuid(), floor(3 * random())::integer,
  least(now(), d.starts_at - interval '40 days'), least(now(), d.starts_at - interval '1 day' * floor(40 * random())),
  CASE WHEN d.s < 0.05 AND d.e <> %(register_n)s THEN d.starts_at - interval '3 days' END,
  (SELECT id FROM accounts_user WHERE email = %(organiser)s),
  CASE WHEN d.t < 0.02 AND d.e <> %(register_n)s THEN NULL ELSE d.group_id END,
  NULL
FROM bench_event_draw d
JOIN bench_group g ON g.id = d.group_id
CROSS JOIN LATERAL (
  SELECT (ST_Dump(ST_GeneratePoints(ST_Buffer(ST_PointOnSurface(g.coverage), 0.2)
                                    , 1, %(seed)s + d.e))).geom
) pt
ORDER BY d.e;
"""

# Put the register's event in the demo coordinator's first group.
REGISTER_EVENT = """
UPDATE volunteering_event SET group_id = (
  SELECT min(m.group_id) FROM groups_membership m JOIN accounts_user u ON u.id = m.user_id
  WHERE u.email = %(coordinator)s)
WHERE title = %(register_title)s AND created_by_id = (SELECT id FROM accounts_user WHERE email = %(organiser)s);
"""

BENCH_EVENTS = """
CREATE TEMP TABLE bench_event ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, starts_at, ends_at, places, status, group_id,
       ends_at < now() AS past, title = %(register_title)s AS register
FROM volunteering_event WHERE created_by_id = (SELECT id FROM accounts_user WHERE email = %(organiser)s);
"""

TARGET_SPECIES = """
INSERT INTO volunteering_event_target_species (event_id, species_id)
SELECT e.id, sp.id
FROM (SELECT id, n, floor(power(random(), 2) * (SELECT count(*) FROM bench_species)) AS species_n
      FROM bench_event) e
JOIN bench_species sp ON sp.n = e.species_n
WHERE e.n %% 5 <> 0;
"""

# Demand per event (a scale over its places, or 4–30 for no limit) scaled so the sign-ups total
# about M; the candidates carry a draw of volunteer (skewed) and of when they signed up.
SIGNUP_CANDIDATES = """
CREATE TEMP TABLE bench_candidate ON COMMIT DROP AS
WITH demand AS (
  SELECT e.*, CASE WHEN e.register THEN 110
                   WHEN e.places IS NULL THEN 6 + 20 * random()
                   ELSE e.places * (0.4 + 1.1 * random()) END AS raw
  FROM bench_event e WHERE e.status <> 'draft'
), scaled AS (
  SELECT d.*, CASE WHEN d.register THEN 110
                   ELSE greatest(1, round(d.raw * %(signups)s * 1.03 / sum(d.raw) OVER ()))::integer END AS wanted
  FROM demand d
)
SELECT DISTINCT ON (s.id, v.id)
       s.id AS event_id, v.id AS user_id, s.starts_at, s.ends_at, s.places, s.status, s.past,
       least(s.starts_at - interval '1 minute' * floor(60 * 24 * 60 * power(d.w, 2) + 60),
             now() - interval '1 minute' * (1 + floor(20000 * d.w))) AS signed_up_at,
       d.c, d.a, v.phone, v.emergency_contact_name, v.emergency_contact_phone
FROM scaled s
CROSS JOIN LATERAL (
  SELECT floor(%(people)s * power(random(), 1.3))::integer AS who, random() AS w, random() AS c, random() AS a
  FROM generate_series(1, s.wanted) k
) d
JOIN bench_volunteer v ON v.n = d.who;
"""

SIGNUPS = """
INSERT INTO volunteering_signup (state, queued_at, signed_up_at, confirmed_at, offered_at, offer_expires_at,
  cancelled_at, safety_acknowledged_at, phone, emergency_contact_name, emergency_contact_phone,
  contacts_erased_at, hours, reminder_sent_at, updated_at, event_id, user_id)
SELECT
  state,
  CASE WHEN state = 'waitlisted' OR (state = 'offered') THEN signed_up_at END,
  signed_up_at,
  CASE WHEN state IN ('confirmed', 'attended', 'no_show') THEN signed_up_at END,
  CASE WHEN state = 'offered' THEN now() - interval '2 hours' END,
  CASE WHEN state = 'offered' THEN least(now() + interval '22 hours', starts_at - interval '6 hours') END,
  CASE WHEN state = 'cancelled' THEN signed_up_at + (starts_at - signed_up_at) / 2 END,
  signed_up_at,
  CASE WHEN erased THEN '' ELSE phone END,
  CASE WHEN erased THEN '' ELSE emergency_contact_name END,
  CASE WHEN erased THEN '' ELSE emergency_contact_phone END,
  CASE WHEN erased THEN ends_at + interval '12 months' END,
  CASE WHEN state = 'attended' THEN round(extract(epoch FROM ends_at - starts_at) / 3600.0, 2) END,
  CASE WHEN state IN ('confirmed', 'attended', 'no_show') AND starts_at < now() + interval '1 day'
       THEN starts_at - interval '1 day' END,
  signed_up_at, event_id, user_id
FROM (
  SELECT r.*,
         CASE WHEN r.c < 0.08 OR r.status = 'cancelled' THEN 'cancelled'
              WHEN r.places IS NOT NULL AND r.rank > r.places THEN 'waitlisted'
              WHEN r.past AND r.status = 'published' THEN CASE WHEN r.a < 0.82 THEN 'attended' ELSE 'no_show' END
              WHEN r.past THEN 'confirmed'
              -- Upcoming: the last place of a full event with a queue was freed and offered.
              WHEN r.places IS NOT NULL AND r.rank = r.places AND r.queue > 0 AND r.a < 0.3 THEN 'offered'
              ELSE 'confirmed' END AS state,
         r.ends_at < now() - interval '12 months' AS erased
  FROM (
    SELECT c.*,
           -- Among those not cancelling, in sign-up order: who fits in the places.
           count(*) FILTER (WHERE c.c >= 0.08) OVER (
             PARTITION BY c.event_id ORDER BY c.signed_up_at, c.user_id) AS rank,
           count(*) FILTER (WHERE c.c >= 0.08) OVER (PARTITION BY c.event_id) - coalesce(c.places, 0) AS queue
    FROM bench_candidate c
  ) r
) x;
"""

PLACES_TAKEN = """
UPDATE volunteering_event e SET places_taken = t.n
FROM (SELECT s.event_id, count(*) AS n FROM volunteering_signup s
      JOIN bench_event b ON b.id = s.event_id
      WHERE s.state IN ('confirmed', 'offered', 'attended', 'no_show') GROUP BY s.event_id) t
WHERE e.id = t.event_id;
"""

WORK = """
INSERT INTO volunteering_workrecord (method, area_m2, area, bags, stems, notes, follow_up, follow_up_note,
  created_at, event_id, recorded_by_id, sighting_id, species_id)
SELECT
  (ARRAY['hand_pulled', 'hand_pulled', 'hand_pulled', 'cut', 'dug', 'sprayed', 'trapped', 'survey'])
    [1 + floor(8 * r.m)::integer],
  CASE WHEN r.m < 0.9 AND r.z >= 0.1 THEN (50 + floor(2000 * random()))::integer END,
  CASE WHEN r.z < 0.1 THEN ST_Multi(ST_Buffer(e.meeting_point::geography, 20 + 40 * random())::geometry) END,
  CASE WHEN r.m < 0.5 THEN (1 + floor(30 * random()))::integer END,
  CASE WHEN r.m < 0.7 THEN (10 + floor(2000 * random()))::integer END,
  'Cleared the stretch below the weir.',
  random() < 0.2, '',
  e.ends_at + interval '2 hours', e.id, NULL, NULL,
  CASE WHEN random() < 0.95 THEN sp.id END
FROM (
  SELECT i, random() AS m, random() AS z, random() AS w, random() AS q FROM generate_series(1, 2 * %(records)s) i
) r
JOIN bench_event b ON b.n = floor(r.w * (SELECT count(*) FROM bench_event))
JOIN volunteering_event e ON e.id = b.id
JOIN bench_species sp ON sp.n = floor(power(r.q, 2) * (SELECT count(*) FROM bench_species))
WHERE b.past AND b.status = 'published'
LIMIT %(records)s;
"""

HOURS = """
WITH attended AS (
  SELECT row_number() OVER (ORDER BY random()) AS n, s.user_id, s.event_id, e.group_id, e.starts_at
  FROM volunteering_signup s JOIN bench_event e ON e.id = s.event_id
  WHERE s.state = 'attended' AND e.group_id IS NOT NULL
), draws AS (
  SELECT i, random() AS kind, random() AS who, random() AS st, random() AS h FROM generate_series(1, %(logs)s) i
)
INSERT INTO volunteering_hourslog (worked_on, hours, description, status, decided_at, decision_note, created_at,
  decided_by_id, event_id, group_id, user_id)
SELECT
  CASE WHEN d.kind < 0.4 THEN a.starts_at::date ELSE current_date - floor(1826 * d.h)::integer END,
  (ARRAY[1, 1.5, 2, 2.5, 3, 4])[1 + floor(6 * d.h)::integer],
  'Pulled balsam along the footpath',
  CASE WHEN d.st < 0.8 THEN 'approved' WHEN d.st < 0.9 THEN 'pending' ELSE 'rejected' END,
  CASE WHEN d.st >= 0.8 AND d.st < 0.9 THEN NULL ELSE now() - interval '1 day' * floor(1800 * d.h) END,
  '', now() - interval '1 day' * floor(1826 * d.h), NULL,
  CASE WHEN d.kind < 0.4 THEN a.event_id END,
  CASE WHEN d.kind < 0.4 THEN a.group_id ELSE g.id END,
  CASE WHEN d.kind < 0.4 THEN a.user_id ELSE v.id END
FROM draws d
JOIN attended a ON a.n = 1 + floor(d.who * (SELECT count(*) FROM attended))
JOIN bench_volunteer v ON v.n = floor(%(people)s * power(d.who, 1.3))
JOIN bench_group g ON g.n = floor(d.h * 7919)::integer %% (SELECT count(*) FROM bench_group);
"""

SUMMARY = f"""
SELECT (SELECT count(*) FROM volunteering_event),
       (SELECT count(*) FROM volunteering_event WHERE ends_at >= now()),
       (SELECT count(*) FROM volunteering_signup),
       (SELECT count(*) FROM volunteering_signup WHERE state = 'waitlisted'),
       (SELECT count(*) FROM volunteering_event WHERE places IS NOT NULL AND places_taken >= places),
       (SELECT count(*) FROM volunteering_workrecord),
       (SELECT count(*) FROM volunteering_hourslog),
       (SELECT u.email || ' (' || count(*) || ' sign-ups)' FROM volunteering_signup s
        JOIN accounts_user u ON u.id = s.user_id WHERE u.email LIKE '%%@{DOMAIN}'
        GROUP BY u.email ORDER BY count(*) DESC LIMIT 1),
       (SELECT id || ' (' || (SELECT count(*) FROM volunteering_signup WHERE event_id = e.id) || ' sign-ups)'
        FROM volunteering_event e WHERE title = %(register_title)s)
"""


def step(label, sql, params=None):
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        rows = cursor.rowcount
    print(f"{label:48} {rows:>10,} rows  {time.monotonic() - started:7.1f} s", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000, help="how many (default 20,000)")
    parser.add_argument("--signups", type=int, default=300_000, help="about how many (default 300,000)")
    parser.add_argument("--seed", type=int, default=2026, help="for the same data on every run")
    options = parser.parse_args(argv)
    upcoming = options.events // 10
    params = {
        "people": VOLUNTEERS,
        "events": options.events,
        "upcoming": upcoming,
        "register_n": 0,  # an upcoming one
        "register_title": REGISTER_TITLE,
        "organiser": ORGANISER,
        "coordinator": COORDINATOR,
        "seed": options.seed,
        "leading": LEADING,
        "signups": options.signups,
        "records": WORK_RECORDS,
        "logs": HOURS_LOGS,
    }

    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    started = time.monotonic()
    with transaction.atomic():
        step("removing a previous run's rows", REMOVE_PREVIOUS)
        step("seeding random()", "SELECT setseed(%(seed)s)", {"seed": (options.seed % 1000) / 1000})
        step("volunteers", PEOPLE, params)
        step("groups", GROUPS)
        step("species", SPECIES, params)
        step("event draws", EVENT_DRAWS, params)
        step("events", EVENTS, params)
        step("the register's event", REGISTER_EVENT, params)
        step("events made", BENCH_EVENTS, params)
        step("target species", TARGET_SPECIES)
        step("sign-up candidates", SIGNUP_CANDIDATES, params)
        step("sign-ups", SIGNUPS)
        step("places taken", PLACES_TAKEN)
        step("work records", WORK, params)
        step("logged hours", HOURS, params)
    # A re-run leaves the rows it replaced dead; VACUUM clears them (autovacuum would, in its time).
    step(
        "VACUUM ANALYZE",
        "VACUUM ANALYZE volunteering_event, volunteering_signup, volunteering_workrecord, volunteering_hourslog,"
        " volunteering_event_target_species, accounts_user, account_emailaddress",
    )
    print(f"done in {time.monotonic() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(SUMMARY, params)
        names = [
            "events",
            "upcoming",
            "sign-ups",
            "waiting",
            "full events",
            "work records",
            "logged hours",
            "busiest volunteer",
            "register's event",
        ]
        for name, value in zip(names, cursor.fetchone(), strict=True):
            print(f"{name:20} {value:,}" if isinstance(value, int) else f"{name:20} {value}")


if __name__ == "__main__":
    sys.exit(main())
