# Follow-ups and reminders, moved from interventions with their tables.
#
# The tables were made by interventions' migrations 0003-0007 and keep their
# names (db_table), their indexes and constraints, and every row: this
# migration only tells Django that these models now belong to followups (it
# runs after interventions 0008 has let go of them). The content types are
# relabelled too, so that permissions and admin history follow the models.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ['followup', 'reminder', 'digestsent', 'reminderpreference']


def relabel_content_types(from_app, to_app):
    def relabel(apps, schema_editor):
        content_types = apps.get_model('contenttypes', 'ContentType').objects.using(schema_editor.connection.alias)
        taken = content_types.filter(app_label=to_app, model__in=MODELS).values_list('model', flat=True)
        content_types.filter(app_label=from_app, model__in=MODELS).exclude(model__in=list(taken)).update(
            app_label=to_app
        )

    return relabel


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('interventions', '0008_followups_moved_out'),
        ('partners', '0001_initial'),
        ('subjects', '0002_reference_data'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='FollowUp',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('first_contact', 'First contact'), ('reoffending_3m', 'Re-offending check (3 months)'), ('reoffending_6m', 'Re-offending check (6 months)'), ('reoffending_12m', 'Re-offending check (12 months)'), ('supervisory_review', 'Supervisory review'), ('intervention_review', 'Intervention review'), ('agreement_expiry', 'Data sharing agreement expiry')], max_length=20)),
                        ('due_date', models.DateField()),
                        ('status', models.CharField(choices=[('due', 'Due'), ('done', 'Done'), ('cancelled', 'Cancelled')], default='due', max_length=10)),
                        ('result', models.CharField(blank=True, choices=[('no_further_concern', 'No further concern'), ('new_intelligence', 'New intelligence'), ('reoffended', 'Re-offended'), ('not_checked', 'Not checked')], max_length=20)),
                        ('notes', models.TextField(blank=True, help_text='What was checked; no narrative beyond what the check needs.')),
                        ('completed_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('agreement', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='followups', to='partners.datasharingagreement')),
                        ('assignee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='followups', to=settings.AUTH_USER_MODEL)),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='followups', to='subjects.case')),
                        ('completed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'interventions_followup',
                        'ordering': ['due_date', 'id'],
                        # The names interventions 0003 gave them (derived from the table name, which is unchanged).
                        'indexes': [
                            models.Index(fields=['status', 'due_date'], name='interventio_status_884b2d_idx'),
                            models.Index(fields=['assignee', 'status', 'due_date'], name='interventio_assigne_1097c6_idx'),
                        ],
                        'constraints': [
                            models.UniqueConstraint(fields=('case', 'kind', 'due_date'), name='followup_once_per_case_kind_due'),
                            models.UniqueConstraint(condition=models.Q(('agreement__isnull', False)), fields=('agreement', 'kind', 'due_date'), name='followup_once_per_agreement_kind_due'),
                            models.CheckConstraint(condition=models.Q(('status__in', ['due', 'done', 'cancelled'])), name='followup_status_valid'),
                            models.CheckConstraint(condition=models.Q(('kind__in', ['first_contact', 'reoffending_3m', 'reoffending_6m', 'reoffending_12m', 'supervisory_review', 'intervention_review', 'agreement_expiry'])), name='followup_kind_valid'),
                            models.CheckConstraint(condition=models.Q(('result', ''), ('result__in', ['no_further_concern', 'new_intelligence', 'reoffended', 'not_checked']), _connector='OR'), name='followup_result_valid'),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name='Reminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('due', 'Due'), ('escalation', 'Escalated to the sergeant'), ('approval_escalation', 'Approval escalated to the inspector')], max_length=20)),
                        ('day', models.DateField()),
                        ('sweep_token', models.CharField(db_index=True, max_length=32)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('disposal', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='interventions.disposal')),
                        ('followup', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='followups.followup')),
                    ],
                    options={
                        'db_table': 'interventions_reminder',
                        # As interventions 0007 left them (partial unique indexes).
                        'constraints': [
                            models.UniqueConstraint(condition=models.Q(('followup__isnull', False)), fields=('followup', 'kind', 'day'), name='reminder_once_per_followup_kind_day'),
                            models.UniqueConstraint(condition=models.Q(('disposal__isnull', False)), fields=('disposal', 'kind', 'day'), name='reminder_once_per_disposal_kind_day'),
                            models.CheckConstraint(condition=models.Q(models.Q(('disposal__isnull', True), ('followup__isnull', False)), models.Q(('disposal__isnull', False), ('followup__isnull', True)), _connector='OR'), name='reminder_has_one_subject'),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name='ReminderPreference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('digest_enabled', models.BooleanField(default=True, verbose_name='send me the daily digest')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_preference', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'interventions_reminderpreference',
                    },
                ),
                migrations.CreateModel(
                    name='DigestSent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField()),
                        ('sweep_token', models.CharField(db_index=True, max_length=32)),
                        ('sent_at', models.DateTimeField(auto_now_add=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'interventions_digestsent',
                        'constraints': [models.UniqueConstraint(fields=('user', 'day'), name='digest_once_per_user_day')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            relabel_content_types('interventions', 'followups'),
            relabel_content_types('followups', 'interventions'),
        ),
    ]
