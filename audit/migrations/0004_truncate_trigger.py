"""Refuse TRUNCATE of the audit tables at the database, on PostgreSQL.

The append-only trigger (0002) is a row trigger, and TRUNCATE fires no row
trigger: without this, one statement would empty the access log. This is a
statement trigger on both audit tables.

0002 left TRUNCATE alone because the test suite's transactional tests empty
every table with it between tests. So one way through remains: a superuser
session that sets ``audit.allow_truncate = on`` (the test settings do, on
their connection). A superuser can drop any trigger anyway, so this opens
nothing to anyone else; the table owner and the application's role are
refused whatever they set. Rows lost by a superuser's TRUNCATE are reported by
``manage.py audit_verify`` against the signed checkpoints.

SQLite has no TRUNCATE, so there this migration does nothing.
"""

from django.db import migrations

TABLES = ("audit_accessevent", "audit_chainhead")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('audit.allow_truncate', true) = 'on'
       AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME;
END;
$$;
"""

CREATE_TRIGGER = """
CREATE TRIGGER {table}_no_truncate
BEFORE TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
"""

DROP_TRIGGER = "DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};"
DROP_FUNCTION = "DROP FUNCTION IF EXISTS audit_refuse_truncate();"


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_FUNCTION, params=None)  # None: the "%" is PL/pgSQL, not a placeholder
        for table in TABLES:
            schema_editor.execute(CREATE_TRIGGER.format(table=table), params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(DROP_TRIGGER.format(table=table), params=None)
        schema_editor.execute(DROP_FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_unsealed_index"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
