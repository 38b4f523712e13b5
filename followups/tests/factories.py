"""Synthetic follow-ups for tests (never real people)."""

import factory
from django.utils import timezone

from followups.models import FollowUp, FollowUpKind, FollowUpStatus
from subjects.models import CaseStatus
from subjects.tests.factories import CaseFactory


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    case = factory.SubFactory(CaseFactory, status=CaseStatus.ACTIVE)
    kind = FollowUpKind.FIRST_CONTACT
    due_date = factory.LazyFunction(timezone.localdate)
    assignee = factory.LazyAttribute(lambda o: o.case.assigned_officer)
    status = FollowUpStatus.DUE
