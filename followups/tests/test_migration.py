"""Moving follow-ups out of interventions kept every table, row, constraint and content type."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from accounts.tests.factories import ForceFactory, UserFactory
from followups.models import DigestSent, FollowUp, Reminder, ReminderPreference
from interventions.tests.factories import DisposalFactory, catalogues_seed
from subjects.tests.factories import CaseFactory

BEFORE = [("interventions", "0007_partial_reminder_constraints")]
MOVED = ["followup", "reminder", "digestsent", "reminderpreference"]


def _migrate(targets):
    """Migrate the test database to ``targets``; the project state there (its historical models)."""
    executor = MigrationExecutor(connection)
    return executor.migrate(targets)


# transaction=True: migrating needs a connection outside any transaction. Its flush afterwards also empties
# the data migrations' tables, hence a force and the catalogues of its own.
@pytest.mark.django_db(transaction=True)
def test_rows_made_before_the_move_are_the_followups_apps_after_it():
    catalogues_seed()
    officer = UserFactory(home_force=ForceFactory(code="WM", name="West Midlands Police"))
    case = CaseFactory(assigned_officer=officer)
    disposal = DisposalFactory(case=case)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()

    old = _migrate(BEFORE).apps
    content_types = old.get_model("contenttypes", "ContentType").objects
    for model in MOVED:
        content_types.get_or_create(app_label="interventions", model=model)
    content_types.filter(app_label="followups").delete()
    followup = old.get_model("interventions", "FollowUp").objects.create(
        case_id=case.pk, kind="reoffending_3m", due_date=date(2027, 3, 1), assignee_id=officer.pk
    )
    reminders = old.get_model("interventions", "Reminder").objects
    reminder = reminders.create(followup_id=followup.pk, kind="due", day=date(2027, 3, 1), sweep_token="t1")
    approval = reminders.create(
        disposal_id=disposal.pk, kind="approval_escalation", day=date(2027, 3, 1), sweep_token="t1"
    )
    old.get_model("interventions", "DigestSent").objects.create(
        user_id=officer.pk, day=date(2027, 3, 1), sweep_token="t1"
    )
    old.get_model("interventions", "ReminderPreference").objects.create(user_id=officer.pk, digest_enabled=False)

    new = _migrate(latest).apps

    moved = FollowUp.objects.get(pk=followup.pk)
    assert (moved.case, moved.kind, moved.assignee, moved.due_date) == (
        case,
        "reoffending_3m",
        officer,
        date(2027, 3, 1),
    )
    assert set(Reminder.objects.values_list("pk", "followup_id", "disposal_id")) == {
        (reminder.pk, followup.pk, None),
        (approval.pk, None, disposal.pk),
    }
    assert DigestSent.objects.get().user == officer
    assert ReminderPreference.objects.get(user=officer).digest_enabled is False
    assert new.get_model("followups", "FollowUp")._meta.db_table == "interventions_followup"
    labels = new.get_model("contenttypes", "ContentType").objects.filter(model__in=MOVED)
    assert set(labels.values_list("app_label", "model")) == {("followups", model) for model in MOVED}
    # The constraints came along: a rule run twice still cannot owe the same check twice.
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(case=case, kind="reoffending_3m", due_date=date(2027, 3, 1))
