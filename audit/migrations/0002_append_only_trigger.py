"""Make the access log append-only at the database, on PostgreSQL.

The model refuses updates and deletes, but anything that reaches the database
another way (raw SQL, a shell, another application) would not pass through it.
This trigger refuses every DELETE, and every UPDATE except the one-time seal:
a row whose ``hash`` is still empty receiving its chain fields, with every
other column unchanged. The columns are listed one by one (comparing the rows
as JSON would cover new columns by itself, but made the trigger ten times
slower); ``audit/tests/test_database_trigger.py`` fails if a column is missing.

TRUNCATE fires no row trigger: 0004 adds a statement trigger that refuses it.

SQLite has no equivalent worth the name, so there this migration does nothing.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_accessevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_accessevent is append-only: DELETE of id % refused', OLD.id;
    END IF;
    IF OLD.hash = '' AND NEW.hash <> '' AND NEW.seq IS NOT NULL
       AND NEW.id IS NOT DISTINCT FROM OLD.id
       AND NEW.at IS NOT DISTINCT FROM OLD.at
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.actor_username IS NOT DISTINCT FROM OLD.actor_username
       AND NEW.role IS NOT DISTINCT FROM OLD.role
       AND NEW.force IS NOT DISTINCT FROM OLD.force
       AND NEW.operation IS NOT DISTINCT FROM OLD.operation
       AND NEW.object_type IS NOT DISTINCT FROM OLD.object_type
       AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id
       AND NEW.changed_fields IS NOT DISTINCT FROM OLD.changed_fields
       AND NEW.justification IS NOT DISTINCT FROM OLD.justification
       AND NEW.recipient IS NOT DISTINCT FROM OLD.recipient
       AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id
       AND NEW.ip_address IS NOT DISTINCT FROM OLD.ip_address THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_accessevent is append-only: UPDATE of id % refused (only the one-time seal is allowed)', OLD.id;
END;
$$;

CREATE TRIGGER audit_accessevent_append_only
BEFORE UPDATE OR DELETE ON audit_accessevent
FOR EACH ROW EXECUTE FUNCTION audit_accessevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_accessevent_append_only ON audit_accessevent;
DROP FUNCTION IF EXISTS audit_accessevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # None: the "%" are PL/pgSQL, not placeholders


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
