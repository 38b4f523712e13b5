import pytest

from audit.models import AccessEvent, AppendOnlyError

from .factories import AccessEventFactory

pytestmark = pytest.mark.django_db


def test_it_refuses_to_save_an_existing_event():
    event = AccessEventFactory()
    event.object_id = "something else"

    with pytest.raises(AppendOnlyError):
        event.save()


def test_it_refuses_to_delete_an_event():
    event = AccessEventFactory()

    with pytest.raises(AppendOnlyError):
        event.delete()


def test_it_refuses_a_queryset_update():
    AccessEventFactory()

    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.update(object_id="x")


def test_it_refuses_a_queryset_delete():
    AccessEventFactory()

    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()
    assert AccessEvent.objects.count() == 1
