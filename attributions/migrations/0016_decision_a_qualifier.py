# The objectives page lists the allocations whose holder is still to be named: a partial index (issue 19).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('attributions', '0015_fraicheur_des_instantanes'),
        ('cil', '0009_contour_commune'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='decisioncaleol',
            index=models.Index(condition=models.Q(('reservataire_a_qualifier', True)), fields=['epci', 'date_bail', 'date_decision'], name='decision_a_qualifier'),
        ),
    ]
