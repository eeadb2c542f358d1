# The communes' outlines, formerly public.ContourCommune: the model takes over the existing table
# (public_contourcommune, rows kept) and renames it cil_contourcommune.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cil', '0009_referentiel_des_quartiers'),
        ('public', '0004_contours_vers_cil'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ContourCommune',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('polygones', models.JSONField(help_text='[[anneau extérieur, trous…], …], points [lon, lat].', verbose_name='polygones')),
                        ('source', models.CharField(max_length=300, verbose_name='source')),
                        ('importe_le', models.DateTimeField(auto_now=True, verbose_name='importé le')),
                        ('commune', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='contour', to='cil.commune')),
                    ],
                    options={
                        'verbose_name': 'contour de commune',
                        'verbose_name_plural': 'contours de communes',
                        'db_table': 'public_contourcommune',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='contourcommune', table=None),
    ]
