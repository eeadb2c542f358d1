"""Legal minimum rates of the allocation objectives, as data with their sources (docs/droit/regles.md §1)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

LOI_LEC = "Loi n° 2017-86 du 27 janvier 2017 relative à l'égalité et à la citoyenneté, art. 70 ; article L. 441-1 du CCH"
TAUX = [
    ("HORS_QPV", Decimal("0.25"), LOI_LEC + " : 25 % des attributions suivies de baux signés hors QPV au 1er quartile "
     "ou aux ménages relogés (renouvellement urbain, ORCOD). La CIL peut relever ce taux, pas l'abaisser (loi ELAN)."),
    ("QPV", Decimal("0.50"), LOI_LEC + " : à défaut d'orientations de la CIL, 50 % des attributions en QPV aux "
     "demandeurs des quartiles 2 à 4."),
    ("PRIORITAIRES", Decimal("0.25"), LOI_LEC + " : 25 % des attributions de chaque réservataire (collectivités, "
     "Action Logement) et du stock non réservé du bailleur aux ménages DALO, à défaut prioritaires."),
    ("PRIORITAIRES_ETAT", Decimal("1.00"), "Articles L. 441-1 et R. 441-5 du CCH : le contingent préfectoral est "
     "destiné aux ménages bénéficiant d'une décision DALO ou prioritaires."),
    ("MUTATIONS", Decimal("0.25"), "Objectif indicatif de l'accord national sur les mutations (25 % des "
     "attributions) ; à remplacer par la cible de la CIA."),
]


def charger(apps, schema_editor):
    TauxLegal = apps.get_model("cil", "TauxLegal")
    for objectif, taux, source in TAUX:
        TauxLegal.objects.get_or_create(
            objectif=objectif,
            date_debut=dt.date(2017, 1, 29),
            defaults={"taux": taux, "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("cil", "0002_initial")]
    operations = [migrations.RunPython(charger, migrations.RunPython.noop)]
