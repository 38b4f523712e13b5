# Session keys are kept only as their SHA-256 (accounts.sessions, UserSession.key_hash). Live sessions
# move to the hashed store, so nobody is signed out; the plaintext keys leave django_session and the index
# (0007 drops the index's column, in a transaction of its own as PostgreSQL asks after a data change).

import hashlib

from django.db import migrations, models
from django.utils import timezone


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def hash_session_keys(apps, schema_editor):
    Session = apps.get_model("sessions", "Session")
    StoredSession = apps.get_model("accounts", "StoredSession")
    UserSession = apps.get_model("accounts", "UserSession")
    live = Session.objects.filter(expire_date__gt=timezone.now())
    StoredSession.objects.bulk_create(
        [StoredSession(session_key=_hash(s.session_key), session_data=s.session_data, expire_date=s.expire_date)
         for s in live.iterator()],
        ignore_conflicts=True,
    )
    Session.objects.all().delete()
    for row in UserSession.objects.all():
        row.key_hash = _hash(row.session_key)
        row.save(update_fields=["key_hash"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_drop_redundant_indexes'),
        ('sessions', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='StoredSession',
            fields=[
                ('session_data', models.TextField(verbose_name='session data')),
                ('expire_date', models.DateTimeField(db_index=True, verbose_name='expire date')),
                ('session_key', models.CharField(max_length=64, primary_key=True, serialize=False, verbose_name='SHA-256 of the session key')),
            ],
            options={
                'verbose_name': 'session',
                'verbose_name_plural': 'sessions',
                'abstract': False,
            },
        ),
        migrations.AddField(
            model_name='usersession',
            name='key_hash',
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(hash_session_keys, migrations.RunPython.noop),
    ]
