"""Platform decision 14 as a setting: the national row of the warning when a precarious DALO household is proposed
for a QPV dwelling (on by default, with its source); a territory may add its own row."""

import datetime as dt
from decimal import Decimal

from django.db import migrations, models

SOURCE = (
    "Circulaire du 18 décembre 2023 relative à la mixité sociale dans les quartiers prioritaires de la politique "
    "de la ville : ne plus désigner dans les QPV les ménages DALO en situation de précarité sociale ou "
    "professionnelle. Décision 14 de la plateforme : alerte à la désignation et en commission, jamais de blocage "
    "(docs/droit/regles.md)."
)


def charger(apps, schema_editor):
    Parametre = apps.get_model("attributions", "ParametreAttribution")
    Parametre.objects.get_or_create(
        code="ALERTE_DALO_QPV",
        epci=None,
        date_debut=dt.date(2023, 12, 18),
        defaults={"valeur": Decimal("1"), "source": SOURCE},
    )


def retirer(apps, schema_editor):
    apps.get_model("attributions", "ParametreAttribution").objects.filter(code="ALERTE_DALO_QPV", epci=None).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('attributions', '0009_situation_logement_des_decisions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='parametreattribution',
            name='code',
            field=models.CharField(choices=[('PART_MAX_ETAT', "Part maximale du flux annuel pour l'État (agents compris)"), ('PART_MAX_ETAT_AGENTS', "Part maximale du flux annuel pour les agents de l'État"), ('NB_CANDIDATS_MIN', 'Nombre minimal de candidats examinés par logement'), ('PIECES_EN_SUS_MAX', 'Pièces en sus des personnes admises sans sous-occupation'), ('SURFACE_UNE_PERSONNE', 'Surface minimale pour une personne (m²)'), ('SURFACE_DEUX_PERSONNES', 'Surface minimale pour deux personnes (m²)'), ('SURFACE_PERSONNE_SUP', 'Surface minimale par personne supplémentaire (m²)'), ('ALERTE_DALO_QPV', 'Alerte : ménage DALO précaire proposé pour un logement en QPV (1 : oui, 0 : non)')], max_length=24, verbose_name='paramètre'),
        ),
        migrations.RunPython(charger, retirer),
    ]
