"""National parameters of allocations, as data with their sources (docs/droit/regles.md: never constants in code)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

PARAMETRES = [
    (
        "PART_MAX_ETAT",
        Decimal("0.30"),
        "R. 441-5-2 CCH (décret n° 2020-145 du 20 février 2020) : le contingent préfectoral représente au plus "
        "30 % du flux annuel de logements de chaque bailleur, dont au plus 5 % pour les agents civils et "
        "militaires de l'État. docs/droit/regles.md, §1.4 et §5.",
    ),
    (
        "PART_MAX_ETAT_AGENTS",
        Decimal("0.05"),
        "R. 441-5-2 CCH (décret n° 2020-145) : au plus 5 % du flux pour les agents civils et militaires de l'État.",
    ),
    (
        "NB_CANDIDATS_MIN",
        Decimal("3"),
        "R. 441-3 CCH : sauf insuffisance du nombre des candidats, la commission examine au moins trois demandes "
        "pour un même logement ; exceptions : candidats DALO désignés par le préfet, logements PLAI adaptés.",
    ),
    (
        "PIECES_EN_SUS_MAX",
        Decimal("1"),
        "L. 621-2 CCH : un logement est insuffisamment occupé lorsque le nombre de pièces habitables dépasse de "
        "plus d'une le nombre de personnes qui y ont leur résidence principale.",
    ),
    (
        "SURFACE_UNE_PERSONNE",
        Decimal("9"),
        "R. 822-25 CCH (ex-R. 831-13-1 CSS) : surface habitable d'au moins 9 m² pour une personne seule.",
    ),
    (
        "SURFACE_DEUX_PERSONNES",
        Decimal("16"),
        "R. 822-25 CCH : au moins 16 m² pour un ménage sans enfant ou deux personnes.",
    ),
    (
        "SURFACE_PERSONNE_SUP",
        Decimal("9"),
        "R. 822-25 CCH : 9 m² de plus par personne supplémentaire, dans la limite de 70 m² pour huit personnes "
        "et plus.",
    ),
]


def charger(apps, schema_editor):
    Parametre = apps.get_model("attributions", "ParametreAttribution")
    for code, valeur, source in PARAMETRES:
        Parametre.objects.get_or_create(
            code=code,
            epci=None,
            # flows: décret 2020-145 (JO of 22 February 2020); the other rules are older
            date_debut=dt.date(2020, 2, 23) if code.startswith("PART_") else dt.date(2000, 1, 1),
            defaults={"valeur": valeur, "source": source},
        )


def retirer(apps, schema_editor):
    Parametre = apps.get_model("attributions", "ParametreAttribution")
    Parametre.objects.filter(epci=None, code__in=[p[0] for p in PARAMETRES]).delete()


class Migration(migrations.Migration):
    dependencies = [("attributions", "0003_flux_vacances_commission")]
    operations = [migrations.RunPython(charger, retirer)]
