import pytest
from django.core.cache import cache

from accounts.models import Role
from accounts.tests.factories import UserFactory
from outreach.models import Product


@pytest.fixture
def products(db) -> dict[str, Product]:
    """The products the data migration seeds, by code."""
    return {product.code: product for product in Product.objects.all()}


@pytest.fixture
def officer_b_only(db, force_b):
    """An officer who sees force B only (the persona officer_b has the same access)."""
    return UserFactory(role=Role.OFFICER, home_force=force_b)


@pytest.fixture
def cold_cache():
    """An empty cache, so pinned query counts do not depend on what an earlier test left warm.

    The navigation's unread-notification count is cached per user id for 30 seconds,
    and ids repeat from test to test.
    """
    cache.clear()
    yield
    cache.clear()
