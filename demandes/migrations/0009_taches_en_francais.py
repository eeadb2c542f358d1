"""The scheduled tasks take the French verbs of the services they run (docs/adr/0004-langue-des-verbes.md):
the django-celery-beat rows written by migrations 0002 and 0005 are renamed, so a deployed scheduler keeps
running them."""

from django.db import migrations

RENOMMAGES = {
    "demandes.tasks.send_renewal_reminders": "demandes.tasks.envoyer_rappels_renouvellement",
    "demandes.tasks.radiate_unrenewed": "demandes.tasks.radier_non_renouvelees",
    "demandes.tasks.rescore_all": "demandes.tasks.recalculer_toutes_les_grilles",
    "demandes.tasks.purge_radiated": "demandes.tasks.purger_radiees",
    "attributions.tasks.compute_all_snapshots": "attributions.tasks.recalculer_tous_les_instantanes",
}


def renommer(apps, schema_editor, sens=RENOMMAGES):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for ancien, nouveau in sens.items():
        PeriodicTask.objects.filter(task=ancien).update(task=nouveau)


def revenir(apps, schema_editor):
    renommer(apps, schema_editor, sens={nouveau: ancien for ancien, nouveau in RENOMMAGES.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("demandes", "0008_merge_0006_rgpd_0007_merge_20261203_0141"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(renommer, revenir)]
