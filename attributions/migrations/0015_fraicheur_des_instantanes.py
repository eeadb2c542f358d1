# Freshness of the objectives snapshots (issue 19): the marker per EPCI-year and what a snapshot counted.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('attributions', '0014_codes_des_parametres'),
        ('cil', '0009_contour_commune'),
    ]

    operations = [
        migrations.AddField(
            model_name='instantaneobjectifs',
            name='comptes',
            field=models.JSONField(blank=True, null=True, verbose_name='comptes par bailleur, réservataire et commune'),
        ),
        migrations.AddField(
            model_name='instantaneobjectifs',
            name='seuil_e4',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='seuil du premier quartile compté (1/10 000 €)'),
        ),
        migrations.AddField(
            model_name='instantaneobjectifs',
            name='version_decisions',
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name='version des décisions comptées'),
        ),
        migrations.AlterField(
            model_name='instantaneobjectifs',
            name='declencheur',
            field=models.CharField(choices=[('NUIT', 'Calcul de nuit'), ('DEMANDE', 'À la demande'), ('IMPORT', 'Après un import'), ('LECTURE', 'À la lecture (décisions modifiées depuis le dernier calcul)')], max_length=8, verbose_name='déclenché par'),
        ),
        migrations.CreateModel(
            name='VersionDecisions',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('annee', models.PositiveSmallIntegerField(verbose_name='année')),
                ('version', models.PositiveBigIntegerField(default=0, verbose_name='version')),
                ('modifie_le', models.DateTimeField(auto_now=True, verbose_name='dernière écriture')),
                ('epci', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cil.epci')),
            ],
            options={
                'verbose_name': "version des décisions d'une année",
                'verbose_name_plural': 'versions des décisions par année',
                'constraints': [models.UniqueConstraint(fields=('epci', 'annee'), name='version_decisions_une_par_annee')],
            },
        ),
    ]
