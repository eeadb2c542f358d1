# The statistical-secrecy rule, formerly public.RegleSecret: the model takes over the existing table
# (public_reglesecret, rows kept) and renames it cil_reglesecret. Its content type moves with it, so the admin's
# history of the rows and the permissions granted on them stay attached. The constraints of a dated parameter
# (one row per scope and start date, end not before start) are added, as for the other dated rows.

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def deplacer_type(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    ancien = ContentType.objects.filter(app_label='public', model='reglesecret')
    if not ContentType.objects.filter(app_label='cil', model='reglesecret').exists():
        ancien.update(app_label='cil')


def rendre_type(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if not ContentType.objects.filter(app_label='public', model='reglesecret').exists():
        ContentType.objects.filter(app_label='cil', model='reglesecret').update(app_label='public')


class Migration(migrations.Migration):

    dependencies = [
        ('cil', '0009_contour_commune'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('public', '0005_regle_secret_vers_cil'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RegleSecret',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seuil', models.PositiveSmallIntegerField(default=10, help_text='Les effectifs inférieurs sont masqués.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='seuil')),
                        ('date_debut', models.DateField(verbose_name='en vigueur du')),
                        ('date_fin', models.DateField(blank=True, null=True, verbose_name='au')),
                        ('source', models.TextField(verbose_name='source')),
                        ('epci', models.ForeignKey(blank=True, help_text="Vide : la règle de la plateforme, pour les territoires qui n'en ont pas.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cil.epci', verbose_name='territoire')),
                    ],
                    options={
                        'verbose_name': 'règle du secret statistique',
                        'verbose_name_plural': 'règles du secret statistique',
                        'ordering': ['epci', '-date_debut'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('seuil__gte', 1)), name='regle_secret_seuil_positif')],
                        'db_table': 'public_reglesecret',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='reglesecret', table=None),
        migrations.AlterModelOptions(
            name='reglesecret',
            options={'ordering': ['-date_debut', 'pk'], 'verbose_name': 'règle du secret statistique', 'verbose_name_plural': 'règles du secret statistique'},
        ),
        migrations.AddConstraint(
            model_name='reglesecret',
            constraint=models.UniqueConstraint(condition=models.Q(('epci__isnull', False)), fields=('epci', 'date_debut'), name='regle_secret_un_par_debut', violation_error_message='Une ligne de ce paramètre commence déjà à cette date pour ce territoire.'),
        ),
        migrations.AddConstraint(
            model_name='reglesecret',
            constraint=models.UniqueConstraint(condition=models.Q(('epci__isnull', True)), fields=('date_debut',), name='regle_secret_national_un_par_debut', violation_error_message='Une valeur nationale de ce paramètre commence déjà à cette date.'),
        ),
        migrations.AddConstraint(
            model_name='reglesecret',
            constraint=models.CheckConstraint(condition=models.Q(('date_fin__isnull', True), ('date_fin__gte', models.F('date_debut')), _connector='OR'), name='regle_secret_fin_apres_debut', violation_error_message='La date de fin précède la date de début.'),
        ),
        migrations.RunPython(deplacer_type, rendre_type),
    ]
