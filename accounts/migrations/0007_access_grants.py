# The plaintext session keys go (0006 hashed them); access changes that grant case access wait as an AccessGrant.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_hashed_session_keys'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='usersession',
            name='session_key',
        ),
        migrations.AlterField(
            model_name='usersession',
            name='key_hash',
            field=models.CharField(max_length=64, unique=True),
        ),
        migrations.CreateModel(
            name='AccessGrant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('requested_at', models.DateTimeField(auto_now_add=True)),
                ('reason', models.CharField(blank=True, max_length=300)),
                ('role', models.CharField(choices=[('officer', 'Officer'), ('sergeant', 'Sergeant'), ('inspector', 'Inspector'), ('admin_support', 'Admin support'), ('analyst', 'Analyst'), ('sysadmin', 'System admin')], max_length=20)),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('status', models.CharField(choices=[('pending', 'Waiting for confirmation'), ('confirmed', 'Confirmed'), ('refused', 'Refused'), ('withdrawn', 'Withdrawn')], default='pending', max_length=20)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='access_grants_decided', to=settings.AUTH_USER_MODEL)),
                ('forces', models.ManyToManyField(blank=True, related_name='+', to='accounts.force', verbose_name='accessible forces')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='access_grants_requested', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='access_grants', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-requested_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'confirmed', 'refused', 'withdrawn'])), name='access_grant_status_valid'), models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('user',), name='access_grant_one_pending_per_user'), models.CheckConstraint(condition=models.Q(('requested_by', models.F('user')), _negated=True), name='access_grant_not_self'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'confirmed'), _negated=True), ('decided_by__isnull', True), models.Q(models.Q(('decided_by', models.F('user')), _negated=True), models.Q(('decided_by', models.F('requested_by')), _negated=True)), _connector='OR'), name='access_grant_confirmed_by_another')],
            },
        ),
    ]
