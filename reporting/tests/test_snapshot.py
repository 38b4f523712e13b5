"""A return's figures come from one snapshot of the database, whatever officers save meanwhile."""

import threading
from dataclasses import replace
from datetime import date

import pytest
from django.db import connection, connections

from accounts.tests.factories import ForceFactory
from outreach.quarters import FinancialQuarter
from reporting import figures
from reporting.services import return_figures
from subjects.tests.factories import CaseFactory, SubjectFactory

Q1 = FinancialQuarter(2026, 1)


def _first_contacts_due(rows) -> dict[str, int]:
    # Not an additive measure: the region counts it afresh rather than adding up the forces.
    due = "Due in the quarter"
    return {r["scope"]: r["value"] for r in rows if r["measure"] == "first_contact" and r["breakdown"] == due}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets no one write while a read transaction is open: the save would wait for the return; "
    "the snapshot is PostgreSQL's REPEATABLE READ",
)
@pytest.mark.django_db(transaction=True)
def test_a_referral_saved_while_the_return_is_computed_counts_in_no_figure_rather_than_in_some(monkeypatch):
    # Made here, not taken from the migration: a transactional test empties the tables after it, forces included.
    force_a, force_b = ForceFactory(code="WM"), ForceFactory(code="ST")
    CaseFactory(subject=SubjectFactory(force=force_a), number=1, referral_date=date(2026, 5, 1))
    figures.measures_in_order()  # registers every measure
    measure, done = figures.MEASURES["first_contact"], []

    def save_a_referral_in_the_force_just_counted():
        try:
            CaseFactory(subject=SubjectFactory(force=force_b), number=1, referral_date=date(2026, 5, 2))
        finally:
            connections.close_all()

    def and_meanwhile(scope):
        cells = measure.compute(scope)
        if scope.code == force_b.code and not done:  # the first force counted; then an officer saves a referral
            saver = threading.Thread(target=save_a_referral_in_the_force_just_counted)
            saver.start()
            saver.join(timeout=30)
            done.append(scope.code)
        return cells

    monkeypatch.setitem(figures.MEASURES, "first_contact", replace(measure, compute=and_meanwhile))

    totals = _first_contacts_due(return_figures(quarter=Q1, scope_code="region", external=False))

    assert done == [force_b.code]
    assert totals["region"] == sum(n for code, n in totals.items() if code != "region") == 1
    assert _first_contacts_due(return_figures(quarter=Q1, scope_code="region", external=False))["region"] == 2
