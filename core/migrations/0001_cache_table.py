"""The database cache's tables: the embedded default's cache (``portal_cache``, used when
REDIS_URL is not set) and the files that admin imports keep between preview and confirm
(``portal_import_files``, always). Both are created whatever the settings say now, so a
database migrated with Redis configured still works without it, and the other way round."""

from django.core.management import call_command
from django.db import migrations

TABLES = ("portal_cache", "portal_import_files")


def create_tables(apps, schema_editor):
    alias = schema_editor.connection.alias
    call_command("createcachetable", *TABLES, database=alias, verbosity=0)
    # Any other database cache the settings name.
    call_command("createcachetable", database=alias, verbosity=0)


def drop_tables(apps, schema_editor):
    existing = schema_editor.connection.introspection.table_names()
    for table in TABLES:
        if table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [migrations.RunPython(create_tables, drop_tables)]
