"""Default delays (with their sources), the single file's checklist and the scheduled jobs."""

import datetime as dt

from django.db import migrations

SOURCE_DELAIS = (
    "R. 441-2-7 CCH (validité d'un an, avis un mois avant l'échéance) ; arrêté du 23 mars 2015, cahier des charges "
    "des systèmes particuliers de traitement automatisé (radiation pour non-renouvellement à t+13 mois, réactivation "
    "possible jusqu'à t+18 mois ; absence de réponse : réactivation possible pendant 5 mois) ; L. 441-2-8 "
    "(PPGDID : accueil dans un délai d'un mois au plus)."
)

# (condition, type of document): the limiting list of R. 441-2-4-1 and its order, as commonly applied.
CHECKLIST = [
    ("TOUJOURS", "IDENTITE"),
    ("TOUJOURS", "AVIS_IMPOSITION"),
    ("TOUJOURS", "IDENTITE_MENAGE"),
    ("HORS_UE", "TITRE_SEJOUR"),
    ("ENFANTS", "LIVRET_FAMILLE"),
    ("SALARIE", "BULLETINS_SALAIRE"),
    ("DEMANDEUR_EMPLOI", "ATTESTATION_POLE_EMPLOI"),
    ("RETRAITE", "PENSION_RETRAITE"),
    ("ETUDIANT", "CERTIFICAT_SCOLARITE"),
    ("ENFANTS", "ATTESTATION_CAF"),
    ("HEBERGE", "ATTESTATION_HEBERGEMENT"),
    ("LOCATAIRE", "QUITTANCES_LOYER"),
    ("MUTATION", "BAIL_ACTUEL"),
    ("HANDICAP", "CARTE_INVALIDITE"),
    ("SEPARATION", "JUGEMENT_SEPARATION"),
    ("VIOLENCES", "ORDONNANCE_PROTECTION"),
]

TACHES = [
    ("Demandes : avis de renouvellement", "demandes.tasks.send_renewal_reminders", "30", "6"),
    ("Demandes : radiation pour non-renouvellement", "demandes.tasks.radiate_unrenewed", "45", "6"),
]


def charger(apps, schema_editor):
    Parametres = apps.get_model("demandes", "ParametresDemande")
    Checklist = apps.get_model("demandes", "ChecklistPiece")
    Parametres.objects.create(epci=None, date_debut=dt.date(2015, 3, 23), source=SOURCE_DELAIS)
    for ordre, (condition, type_piece) in enumerate(CHECKLIST):
        Checklist.objects.create(
            epci=None, condition=condition, type_piece=type_piece, ordre=ordre,
            source="R. 441-2-4-1 CCH et arrêté fixant la liste des pièces justificatives",
        )
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for nom, tache, minute, heure in TACHES:
        crontab, _ = Crontab.objects.get_or_create(
            minute=minute, hour=heure, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/Paris"
        )
        PeriodicTask.objects.update_or_create(name=nom, defaults={"task": tache, "crontab": crontab, "enabled": True})


def retirer(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[t[0] for t in TACHES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("demandes", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(charger, retirer)]
