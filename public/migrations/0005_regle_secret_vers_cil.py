# The statistical-secrecy rule moves to the app `cil`, below every app that masks figures (Platform decision 11:
# one rule for the public pages, the observatory, the balance sheets, the policy and the applicant's follow-up).
# The table and its rows stay: this migration only removes the model from the state of `public`;
# cil.0010_regle_secret adopts the same table, then renames it.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('public', '0004_contours_vers_cil'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='RegleSecret')],
            database_operations=[],
        ),
    ]
