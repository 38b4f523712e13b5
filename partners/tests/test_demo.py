"""The demo seeder: realistic partners across the four forces, the same every time, nothing new on a second run."""

import random

import pytest

from accounts import demo as accounts_demo
from interventions import demo as interventions_demo
from partners import demo
from partners.models import DataSharingAgreement, Partner, PartnerContact, PartnerInteraction, PartnerType, Pathway
from partners.selectors import AGE_BANDS, agreements_expiring, coverage
from subjects import demo as subjects_demo

pytestmark = pytest.mark.django_db

MODELS = (Partner, PartnerContact, PartnerInteraction, Pathway, DataSharingAgreement)


@pytest.fixture(autouse=True)
def demo_users(db):
    accounts_demo.seed(rng=random.Random(1), seed_value=1)


def _snapshot() -> dict:
    return {
        "partners": sorted(Partner.objects.values_list("name", "type", "status")),
        "contacts": sorted(PartnerContact.objects.values_list("partner__name", "name", "email")),
        "interactions": sorted(PartnerInteraction.objects.values_list("partner__name", "date", "kind")),
        "pathways": sorted(Pathway.objects.values_list("partner__name", "name", "age_min", "age_max")),
        "agreements": sorted(DataSharingAgreement.objects.values_list("document_reference", "status", "expires_on")),
    }


def test_it_seeds_partners_of_every_kind_across_the_four_forces():
    demo.seed(rng=random.Random(7))

    types = set(Partner.objects.values_list("type", flat=True))
    assert {
        PartnerType.SCHOOL,
        PartnerType.FE_COLLEGE,
        PartnerType.UNIVERSITY,
        PartnerType.YOUTH_JUSTICE,
        PartnerType.CHARITY,
        PartnerType.CYBER_SECURITY_FIRM,
        PartnerType.GAMES_COMPANY,
    } <= types
    assert set(Partner.objects.values_list("forces__code", flat=True)) == {"WM", "ST", "WR", "WK"}
    assert all(partner.contacts.exists() for partner in Partner.objects.all())
    assert agreements_expiring(60).count() >= 2


def test_coverage_has_pathways_in_every_force_and_gaps_to_show(personas):
    demo.seed(rng=random.Random(7))

    table = coverage(personas["inspector"])
    under_14 = coverage(personas["inspector"], band=AGE_BANDS[0])
    cells = [pathways for _, row in table.rows() for pathways in row]
    assert all(any(row) for _, row in table.rows())
    assert any(not pathways for pathways in cells)
    assert sum(map(bool, cells)) > sum(bool(p) for _, row in under_14.rows() for p in row)


def test_the_same_seed_gives_the_same_rows_and_a_second_run_adds_nothing():
    demo.seed(rng=random.Random(7))
    first = _snapshot()

    demo.seed(rng=random.Random(7))

    assert _snapshot() == first
    assert [m.objects.count() for m in MODELS] == [len(first[key]) for key in first]


def test_demo_interventions_that_fit_a_pathway_are_linked_to_it_once():
    subjects_demo.seed(rng=random.Random(3))
    interventions_demo.seed(rng=random.Random(4))
    demo.seed(rng=random.Random(7))
    linked = list(Pathway.objects.filter(interventions__isnull=False).values_list("pk", "interventions__pk"))

    demo.seed(rng=random.Random(8))

    assert linked
    assert list(Pathway.objects.filter(interventions__isnull=False).values_list("pk", "interventions__pk")) == linked


def test_each_signed_agreement_owes_its_owner_a_renewal_follow_up_once():
    from followups.models import FollowUp, FollowUpKind

    demo.seed(rng=random.Random(7))
    demo.seed(rng=random.Random(7))

    signed = DataSharingAgreement.objects.filter(status="signed", expires_on__isnull=False)
    assert signed.exists()
    for agreement in signed.select_related("partner"):
        followup = FollowUp.objects.get(agreement=agreement, kind=FollowUpKind.AGREEMENT_EXPIRY)
        assert followup.assignee_id == agreement.partner.relationship_owner_id
