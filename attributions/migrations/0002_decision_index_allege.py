"""Lighter write path for decisions: no DB foreign-key triggers nor single-column indexes on the
"as at the decision" copies (landlord, commune, EPCI, QPV, import batch); see docs/adr/0003."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("attributions", "0001_initial"),
        ("cil", "0003_taux_legaux"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="decisioncaleol", name="decision_numero"),
        migrations.AlterField(
            model_name="decisioncaleol",
            name="bailleur",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="cil.bailleur",
            ),
        ),
        migrations.AlterField(
            model_name="decisioncaleol",
            name="commune",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="cil.commune",
            ),
        ),
        migrations.AlterField(
            model_name="decisioncaleol",
            name="epci",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="cil.epci",
            ),
        ),
        migrations.AlterField(
            model_name="decisioncaleol",
            name="qpv",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="cil.qpv",
                verbose_name="QPV à la décision",
            ),
        ),
        migrations.AlterField(
            model_name="decisioncaleol",
            name="lot",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="decisions",
                to="attributions.lotimport",
            ),
        ),
    ]
