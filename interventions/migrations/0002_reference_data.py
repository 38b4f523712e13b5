"""Seed the editable catalogues: intervention types, Home Office outcome codes, disposal types.

Outcome codes and approver roles are local policy to be confirmed with each
force (domain notes: [U]); they are data, editable in the admin.
"""

from django.db import migrations

INTERVENTION_TYPES = [
    ("cyber_choices_workshop", "Cyber Choices workshop", 1),
    ("educational_visit", "Educational visit", 1),
    ("online_training", "Online training", 1),
    ("warning_visit", "Warning visit", 2),
    ("cease_and_desist_visit", "Cease-and-desist visit", 2),
    ("skills_platform", "Skills platform", 2),
    ("cyber_security_challenge", "Cyber Security Challenge event", 2),
    ("cyberfirst", "CyberFirst", 2),
    ("coding_club", "Coding club", 2),
    ("mentoring", "Mentoring", 3),
    ("ethical_hacking_course", "Ethical hacking course", 3),
    ("careers_work_placement", "Careers / work placement", 3),
]

OUTCOMES = [
    ("1", "Charged or summonsed"),
    ("2", "Youth caution"),
    ("3", "Adult caution"),
    ("6", "Penalty notice for disorder"),
    ("8", "Community resolution"),
    ("10", "Formal action not in the public interest (police)"),
    ("15", "Evidential difficulties: suspect identified, victim supports action"),
    ("16", "Evidential difficulties: victim does not support action"),
    ("18", "No suspect identified"),
    ("20", "Action undertaken by another body"),
    ("21", "Further investigation not in the public interest"),
    ("22", "Diversionary, educational or intervention activity"),
]

# code, label, approver role, default outcome, two-tier, adults only, youth only
DISPOSAL_TYPES = [
    ("outcome_22", "Outcome 22: diversionary or educational activity", "sergeant", "22", False, False, False),
    ("community_resolution", "Community resolution", "sergeant", "8", False, False, False),
    ("youth_caution", "Youth caution", "inspector", "2", False, False, True),
    ("youth_conditional_caution", "Youth conditional caution", "inspector", "2", False, False, True),
    ("adult_simple_caution", "Adult simple caution", "inspector", "3", False, True, False),
    ("adult_conditional_caution", "Adult conditional caution", "inspector", "3", False, True, False),
    ("diversionary_caution", "Diversionary caution", "inspector", None, True, True, False),
    ("community_caution", "Community caution", "inspector", None, True, True, False),
    ("no_further_action", "No further action", "sergeant", None, False, False, False),
    ("refer_to_investigation", "Refer to investigation or charge", "sergeant", None, False, False, False),
]


def seed(apps, schema_editor):
    InterventionType = apps.get_model("interventions", "InterventionType")
    HomeOfficeOutcome = apps.get_model("interventions", "HomeOfficeOutcome")
    DisposalType = apps.get_model("interventions", "DisposalType")
    for position, (code, label, intensity) in enumerate(INTERVENTION_TYPES):
        InterventionType.objects.get_or_create(
            code=code, defaults={"label": label, "intensity": intensity, "position": position}
        )
    outcomes = {}
    for code, label in OUTCOMES:
        outcomes[code], _ = HomeOfficeOutcome.objects.get_or_create(code=code, defaults={"label": label})
    for position, (code, label, role, outcome, two_tier, adults, youth) in enumerate(DISPOSAL_TYPES):
        DisposalType.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "approver_role": role,
                "default_outcome": outcomes.get(outcome),
                "two_tier": two_tier,
                "adults_only": adults,
                "youth_only": youth,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("interventions", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
