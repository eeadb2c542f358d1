"""One row per territory and start date; the national retention period of relocation files as data with its
source (it used to be a constant of relogement.rules, used silently when no row was in force)."""

import datetime as dt

from django.db import migrations, models

SOURCE_CONSERVATION = (
    "Durée retenue par défaut par la plateforme, en application du principe de limitation de la conservation "
    "(RGPD, art. 5, 1, e), applicable depuis le 25 mai 2018) : 24 mois après la clôture du dossier de relogement "
    "(suivi réalisé ou sortie du dispositif), le temps de l'enquête de suivi et du bilan de l'opération. À remplacer "
    "par la durée fixée par le territoire (délibération, charte de relogement, registre des traitements)."
)


def charger(apps, schema_editor):
    Parametres = apps.get_model("relogement", "ParametresRelogement")
    if not Parametres.objects.filter(epci__isnull=True).exists():
        Parametres.objects.create(
            epci=None, date_debut=dt.date(2018, 5, 25), conservation_mois=24, source=SOURCE_CONSERVATION
        )


def retirer(apps, schema_editor):
    Parametres = apps.get_model("relogement", "ParametresRelogement")
    Parametres.objects.filter(epci__isnull=True, source=SOURCE_CONSERVATION).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cil', '0005_merge_0004_ordre_alphabetique_francais_0004_role_dpo'),
        ('relogement', '0003_conservation_donnees_sensibles'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='parametresrelogement',
            constraint=models.UniqueConstraint(condition=models.Q(('epci__isnull', False)), fields=('epci', 'date_debut'), name='parametres_relogement_un_par_debut', violation_error_message='Une ligne de ce paramètre commence déjà à cette date pour ce territoire.'),
        ),
        migrations.AddConstraint(
            model_name='parametresrelogement',
            constraint=models.UniqueConstraint(condition=models.Q(('epci__isnull', True)), fields=('date_debut',), name='parametres_relogement_national_un_par_debut', violation_error_message='Une valeur nationale de ce paramètre commence déjà à cette date.'),
        ),
        migrations.RunPython(charger, retirer),
    ]
