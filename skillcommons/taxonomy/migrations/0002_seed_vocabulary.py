"""Load the shipped languages, region scheme and skill taxonomy (skillcommons/taxonomy/data/).

Runs on every install. The loader is idempotent, so re-running it (the ``load_taxonomy_seed``
command) after editing the data files updates the database in place.
"""

from django.db import migrations


def load_seed(apps, schema_editor):
    from skillcommons.taxonomy.seed import load_all

    load_all(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]

    operations = [migrations.RunPython(load_seed, migrations.RunPython.noop)]
