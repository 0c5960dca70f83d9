"""Create the configured database and the PostGIS extension if they are missing.

Safe to run any number of times: it only creates what is not there. The extension is also
added to `template1` (when we may), so test databases created from it have PostGIS too.
"""

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql


class Command(BaseCommand):
    help = "Create the database and the PostGIS extension when missing (idempotent)."

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        params = {
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
            "autocommit": True,
            "connect_timeout": 10,
        }
        name = db["NAME"]
        try:
            with psycopg.connect(dbname="postgres", **params) as conn:
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
                if not exists:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                    self.stdout.write(f"Created database {name}.")
                is_superuser = conn.execute(
                    "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
                ).fetchone()[0]
            for database in [name, "template1"] if is_superuser else [name]:
                with psycopg.connect(dbname=database, **params) as conn:
                    conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except psycopg.OperationalError as error:
            raise CommandError(
                f"Cannot reach PostgreSQL for DATABASE_URL ({db.get('HOST')}:{db.get('PORT')}): {error}"
            ) from error
        except psycopg.errors.InsufficientPrivilege as error:
            raise CommandError(
                f"PostGIS is not enabled in {name} and this user may not enable it; "
                "ask a superuser to run CREATE EXTENSION postgis there."
            ) from error
        except psycopg.Error as error:
            raise CommandError(
                f"PostGIS could not be enabled in {name} (is it installed?): {error}"
            ) from error
