"""The four pages every installation has: about the Mission, accessibility statement, privacy
notice and contact, in English, Greek and Polish. Idempotent: a page that exists (perhaps edited
since) is left as it is. The texts live in pages/initial_text/ (see pages/content.py)."""

from django.db import migrations


def create_pages(apps, schema_editor):
    from pages.content import create_missing_pages

    create_missing_pages(apps.get_model("pages", "Page"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_pages")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
