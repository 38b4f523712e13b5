"""A database of the benchmark's own (a temporary SQLite file, or a fresh PostgreSQL database dropped afterwards)
and its planner statistics."""

import os
import tempfile
from contextlib import contextmanager


@contextmanager
def scratch_database():
    """Point ``DATABASE_URL`` at a new, empty database for the duration; yield the database's name for the report.

    With ``DATABASE_URL`` on PostgreSQL, the scratch database sits beside the one it names; otherwise it is SQLite.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        with _postgres_scratch(url) as scratch_url:
            os.environ["DATABASE_URL"] = scratch_url
            yield "PostgreSQL"
        return
    with tempfile.TemporaryDirectory() as directory:
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
        yield "SQLite"


@contextmanager
def _postgres_scratch(url: str):
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    scratch = f"{name.split('?')[0] or 'prevent_protect'}_bench_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
    try:
        yield f"{base}/{scratch}"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))


def analyze() -> None:
    """A live database has planner statistics (autovacuum keeps them); a database loaded a second ago has none."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
