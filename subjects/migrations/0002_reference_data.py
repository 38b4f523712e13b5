"""Seed the editable vocabularies: vulnerability flags and activity types (DESIGN.md, domain notes)."""

from django.db import migrations

VULNERABILITY_FLAGS = [
    ("asd_diagnosed", "Autism (diagnosed)"),
    ("asd_suspected", "Autism (suspected)"),
    ("adhd", "ADHD"),
    ("mental_health", "Mental health"),
    ("social_isolation", "Social isolation"),
    ("exploitation_risk", "Risk of exploitation or grooming"),
    ("looked_after_child", "Looked-after child"),
    ("school_exclusion", "School exclusion"),
    ("low_parental_awareness", "Low parental awareness"),
    ("unaware_of_law", "Unaware of the law"),
]

ACTIVITY_TYPES = [
    ("booter_ddos", "Booter / DDoS"),
    ("unauthorised_account_access", "Unauthorised account access"),
    ("malware_rat", "Malware / RAT"),
    ("game_cheats_modding", "Game cheats / modding"),
    ("hacking_forum", "Hacking forum"),
    ("school_network_intrusion", "School network intrusion"),
    ("credential_stuffing", "Credential stuffing"),
    ("doxing", "Doxing"),
    ("other", "Other"),
]


def seed(apps, schema_editor):
    for model_name, rows in [("VulnerabilityFlag", VULNERABILITY_FLAGS), ("ActivityType", ACTIVITY_TYPES)]:
        model = apps.get_model("subjects", model_name)
        for position, (code, label) in enumerate(rows):
            model.objects.get_or_create(code=code, defaults={"label": label, "position": position})


class Migration(migrations.Migration):
    dependencies = [("subjects", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
