import datetime as dt

from django.db import migrations

SOURCE = (
    "Décision 11 de la plateforme (secret statistique) : sur toute publication qui sort des services de l'EPCI, "
    "les effectifs inférieurs à 10 sont masqués, avec un masquage secondaire pour qu'aucune case masquée ne "
    "puisse être recalculée à partir des totaux ; seuil par défaut de 10, comme les données ouvertes de la DRIHL "
    "et les tableaux de la DREAL Hauts-de-France."
)


def creer(apps, schema_editor):
    RegleSecret = apps.get_model("public", "RegleSecret")
    if not RegleSecret.objects.filter(epci__isnull=True).exists():
        RegleSecret.objects.create(epci=None, seuil=10, date_debut=dt.date(2000, 1, 1), source=SOURCE)


class Migration(migrations.Migration):
    dependencies = [("public", "0001_initial")]

    operations = [migrations.RunPython(creer, migrations.RunPython.noop)]
