"""One presentation order per place on a vacancy, one decision rank per vacancy and commission session
(duplicates left by past races resolved by 0005, in its own transaction)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("attributions", "0005_candidature_rangs_doublons"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="candidature",
            constraint=models.UniqueConstraint(
                fields=("vacance", "rang_propose"), name="candidature_rang_propose_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="candidature",
            constraint=models.UniqueConstraint(
                condition=models.Q(("rang__isnull", False)),
                fields=("vacance", "seance", "rang"),
                name="candidature_rang_unique_par_seance",
            ),
        ),
    ]
