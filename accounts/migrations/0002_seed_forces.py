"""Seed the region's forces: West Midlands ROCU. A deployment edits them in the admin."""

from django.db import migrations

FORCES = [
    ("WM", "West Midlands Police"),
    ("ST", "Staffordshire Police"),
    ("WR", "West Mercia Police"),
    ("WK", "Warwickshire Police"),
]


def seed(apps, schema_editor):
    Force = apps.get_model("accounts", "Force")
    for code, name in FORCES:
        Force.objects.get_or_create(code=code, defaults={"name": name, "active": True})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
