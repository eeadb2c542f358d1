"""Nightly rescoring (seniority points grow with time): a django-celery-beat row at 05:30 Europe/Paris."""

from django.db import migrations

NOM = "Demandes : recalcul quotidien de la cotation"


def charger(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = Crontab.objects.get_or_create(
        minute="30", hour="5", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/Paris"
    )
    PeriodicTask.objects.update_or_create(
        name=NOM, defaults={"task": "demandes.tasks.rescore_all", "crontab": crontab, "enabled": True}
    )


def retirer(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NOM).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("demandes", "0004_cotation"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(charger, retirer)]
