"""Seed the products promoted at events (domain notes §4). Editable afterwards; retire, never delete.

Report Fraud replaced Action Fraud on 4 December 2025: Action Fraud stays as a
retired value so older events keep it. Whether CiSP still runs is unconfirmed,
so it starts active and can be retired in the admin.
"""

from django.db import migrations

PRODUCTS = [
    ("police_cyberalarm", "Police CyberAlarm", True),
    ("cyber_essentials", "Cyber Essentials", True),
    ("cisp", "CiSP", True),
    ("report_fraud", "Report Fraud", True),
    ("action_fraud", "Action Fraud (legacy)", False),
    ("phishing_reporting", "Phishing reporting", True),
    ("cyber_aware", "Cyber Aware", True),
    ("little_book_of_cyber_scams", "Little Book of Cyber Scams", True),
]


def seed(apps, schema_editor):
    Product = apps.get_model("outreach", "Product")
    for code, name, active in PRODUCTS:
        Product.objects.get_or_create(code=code, defaults={"name": name, "active": active})


def unseed(apps, schema_editor):
    apps.get_model("outreach", "Product").objects.filter(
        code__in=[code for code, _, _ in PRODUCTS], events__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
