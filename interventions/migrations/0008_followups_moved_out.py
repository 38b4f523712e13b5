# Follow-ups and reminders moved to their own app (followups). Only Django's
# picture of the models changes: the tables stay, with every row, and
# followups/migrations/0001_initial.py takes them over under the same names.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('interventions', '0007_partial_reminder_constraints'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # Reminder first: it points at FollowUp.
                migrations.DeleteModel(name='Reminder'),
                migrations.DeleteModel(name='DigestSent'),
                migrations.DeleteModel(name='ReminderPreference'),
                migrations.DeleteModel(name='FollowUp'),
            ],
            database_operations=[],
        ),
    ]
