"""The web server's access log holds paths, never query strings or referrers (issue 20)."""

import runpy
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# gunicorn's atoms that would copy what a user typed into the log: the request line, the query string, the referrer.
LEAKING_ATOMS = ("%(r)s", "%(q)s", "%(f)s", "{referer}i")


def test_the_access_log_format_keeps_the_path_and_drops_query_strings_and_referrers():
    gunicorn = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))

    assert gunicorn["accesslog"] == "-"
    assert "%(U)s" in gunicorn["access_log_format"]
    assert [atom for atom in LEAKING_ATOMS if atom in gunicorn["access_log_format"].lower()] == []


def test_the_image_and_compose_start_gunicorn_with_that_configuration():
    assert '"-c", "config/gunicorn.py"' in (ROOT / "Dockerfile").read_text()
    assert "gunicorn -c config/gunicorn.py " in (ROOT / "docker-compose.yml").read_text()
