"""Nightly detection of the demands past the abnormally long delay: a django-celery-beat row at 04:45
Europe/Paris (before the rescoring at 05:30)."""

from django.db import migrations

NOM = "Demandes : détection des délais anormalement longs"


def charger(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = Crontab.objects.get_or_create(
        minute="45", hour="4", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/Paris"
    )
    PeriodicTask.objects.update_or_create(
        name=NOM,
        defaults={"task": "demandes.tasks.detecter_delais_anormalement_longs", "crontab": crontab, "enabled": True},
    )


def retirer(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NOM).delete()


class Migration(migrations.Migration):
    dependencies = [
        ('demandes', '0012_delai_anormalement_long'),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(charger, retirer)]
