# The communes' outlines move to the app `cil` (where Commune lives), so that every app may draw maps.
# The table and its rows stay: this migration only removes the model from the state of `public`;
# cil.0009_contour_commune adopts the same table, then renames it.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('public', '0003_codes_suivi_demandeur'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ContourCommune')],
            database_operations=[],
        ),
    ]
