"""The database role the application connects as owns nothing, so it cannot switch a trigger off.

On PostgreSQL there are two roles. The *owner* (e.g. ``prevent_protect``)
owns the schema and every table, and runs the migrations. The *app role*
(e.g. ``prevent_protect_app``), used by web, worker and beat, gets the usual
DML on the tables; on the audit tables only ``SELECT`` and ``INSERT``, plus
``UPDATE`` of the columns the seal fills (which the append-only trigger still
checks). Not being an owner, it cannot ``ALTER TABLE ... DISABLE TRIGGER``,
drop a trigger or ``TRUNCATE``; it never gets ``DELETE`` on the audit tables.

``app_role_grant`` (``manage.py db_grant_app_role``) grants exactly that. Run
it as the owner after every ``migrate``: new tables need their grants.
"""

from django.db import connection, transaction

# Audit tables: the columns the seal may UPDATE; nothing else may be changed or deleted.
APPEND_ONLY_TABLES = {
    "audit_accessevent": ("seq", "prev_hash", "hash"),
    "audit_chainhead": ("last_seq", "last_hash"),
}
# Read, never written, by the application.
READ_ONLY_TABLES = ("django_migrations",)


def app_role_grant(*, role: str, password: str | None = None) -> int:
    """Give ``role`` what the application needs on this database and no more; return how many tables.

    With ``password``, creates the role (``LOGIN`` and nothing else) or sets its
    password. Revokes whatever the role had on the schema's tables and sequences
    first, so a second run, or a run after this module changed, leaves exactly
    these grants. Run as the tables' owner or a superuser, on PostgreSQL.
    Raises ``ValueError`` for a role that is missing, is a superuser, or owns (or
    may act as the owner of) any table: it could switch the triggers off.
    """
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        if password is not None:
            _role_login(cursor, role=role, password=password)
        _refuse_powerful(cursor, role=role)
        tables = connection.introspection.table_names(cursor)
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = (quote(name) for name in cursor.fetchone())
        who = quote(role)
        for statement in (
            f"GRANT CONNECT ON DATABASE {database} TO {who}",
            f"GRANT USAGE ON SCHEMA {schema} TO {who}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {who}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {who}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
            *(statement for table in tables for statement in _table_grants(quote(table), table, who)),
        ):
            cursor.execute(statement)
    return len(tables)


def _table_grants(quoted: str, table: str, who: str) -> list[str]:
    if table in APPEND_ONLY_TABLES:
        columns = ", ".join(connection.ops.quote_name(column) for column in APPEND_ONLY_TABLES[table])
        return [f"GRANT SELECT, INSERT ON {quoted} TO {who}", f"GRANT UPDATE ({columns}) ON {quoted} TO {who}"]
    if table in READ_ONLY_TABLES:
        return [f"GRANT SELECT ON {quoted} TO {who}"]
    return [f"GRANT SELECT, INSERT, UPDATE, DELETE ON {quoted} TO {who}"]


def _role_login(cursor, *, role: str, password: str) -> None:
    if not password:
        raise ValueError("The password is empty: refusing to create a role anyone could sign in as.")
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    # A new role has no attribute but LOGIN (NOSUPERUSER, NOCREATEROLE... are the defaults).
    verb = "ALTER ROLE {} WITH" if cursor.fetchone() else "CREATE ROLE {}"
    cursor.execute(f"{verb.format(connection.ops.quote_name(role))} LOGIN PASSWORD %s", [password])


def _refuse_powerful(cursor, *, role: str) -> None:
    cursor.execute(
        "SELECT r.rolsuper, (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        "  WHERE n.nspname = current_schema() AND pg_has_role(r.oid, c.relowner, 'MEMBER'))"
        " FROM pg_roles r WHERE r.rolname = %s",
        [role],
    )
    found = cursor.fetchone()
    if found is None:
        raise ValueError(f"Role {role} does not exist (create it, or pass its password to create it).")
    superuser, owned = found
    if superuser or owned:
        what = "is a superuser" if superuser else f"owns, or may act as the owner of, {owned} objects of the schema"
        raise ValueError(f"Role {role} {what}: it could switch the access log's triggers off. Use a role of its own.")
