"""The reception points' monthly figures, counted at night (ActiviteGuichet), and their django-celery-beat row at
01:45 Europe/Paris."""

import django.db.models.deletion
from django.db import migrations, models

NOM = "Demandes : activité mensuelle des guichets"


def planifier(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = Crontab.objects.get_or_create(
        minute="45", hour="1", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/Paris"
    )
    PeriodicTask.objects.update_or_create(
        name=NOM, defaults={"task": "demandes.tasks.calculer_activite_guichets", "crontab": crontab, "enabled": True}
    )


def retirer(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NOM).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cil', '0010_regle_secret'),
        ('demandes', '0012_debut_validite'),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name='ActiviteGuichet',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('mois', models.DateField(help_text='Le premier jour du mois.', verbose_name='mois')),
                ('visites', models.PositiveIntegerField(default=0, verbose_name='visites')),
                ('appels', models.PositiveIntegerField(default=0, verbose_name='appels')),
                ('enregistrements', models.PositiveIntegerField(default=0, verbose_name='enregistrements')),
                ('entretiens', models.PositiveIntegerField(default=0, verbose_name='entretiens')),
                ('calcule_le', models.DateTimeField(verbose_name='calculé le')),
                ('guichet', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='activite_mensuelle', to='cil.guichet')),
            ],
            options={
                'verbose_name': "activité mensuelle d'un guichet",
                'verbose_name_plural': 'activités mensuelles des guichets',
                'constraints': [models.UniqueConstraint(fields=('guichet', 'mois'), name='activite_guichet_mois_unique')],
            },
        ),
        migrations.RunPython(planifier, retirer),
    ]
