"""With Redis as the cache and Redis down, pages still answer: the cache is optional (config.cache).

The cache points at a closed port (``override_settings`` gives a fresh cache connection); each test starts with
no outage remembered from another.
"""

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from accounts.tests.factories import TEST_PASSWORD, UserFactory
from config import cache as optional_cache
from subjects.tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/1"
REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def redis_down():
    optional_cache.outage.clear()
    with override_settings(CACHES={"default": {"BACKEND": "config.cache.OptionalRedisCache", "LOCATION": CLOSED_PORT}}):
        yield
    optional_cache.outage.clear()


def _cache_warnings(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "config.cache"]


def test_the_dashboard_and_a_subject_page_answer_with_the_cache_down_and_it_is_logged_once(
    personas, client_for, redis_down, caplog
):
    officer = personas["officer_a"]
    subject = SubjectFactory(created_by=officer)
    client = client_for(officer)

    with caplog.at_level(logging.WARNING, logger="config.cache"):
        dashboard = client.get(reverse("dashboard"))
        page = client.get(reverse("subjects:detail", args=[subject.pk]))

    assert (dashboard.status_code, page.status_code) == (200, 200)
    assert _cache_warnings(caplog) == ["cache unreachable (ConnectionError); pages are served without it for 30s"]


def test_sign_in_still_works_and_the_lockout_in_the_database_still_holds(client, settings, redis_down):
    # The cache-counted limits (accounts.services.limits) fail open; django-axes counts in the database.
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        refused = client.post(
            reverse("accounts:login"), {"username": user.username, "password": "wrong-password"}, REMOTE_ADDR="10.0.0.1"
        )
    elsewhere = client.post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )

    assert refused.status_code == 429
    assert elsewhere.status_code == 302


def test_while_down_it_answers_as_a_cache_that_holds_nothing(redis_down):
    assert cache.set("key", 1) is None
    assert cache.get("key", "default") == "default"
    assert cache.add("key", 1) is True
    assert cache.get_many(["key", "other"]) == {}
    assert cache.delete("key") is False
    assert cache.has_key("key") is False
    with pytest.raises(ValueError, match="not found"):
        cache.incr("key")


@override_settings(CACHE_RETRY_SECONDS=0)
def test_it_tries_redis_again_after_the_retry_interval_and_logs_each_interval(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        cache.get("key")
        cache.get("key")

    assert len(_cache_warnings(caplog)) == 2


def test_a_redis_cache_url_selects_the_optional_cache(tmp_path):
    from tests.test_deploy_settings import BOOTSTRAP, production_env

    env = production_env(tmp_path, CACHE_URL=CLOSED_PORT)
    shell = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-c", BOOTSTRAP, "shell", "--no-imports", "-c", shell],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout.strip() == "config.cache.OptionalRedisCache"
