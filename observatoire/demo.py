"""Demo: the CIL's balance sheet of the last full year, already produced, so CIL members can open it at first start;
the indicators of the last two full years and of the current one (the nightly job's work, done at once), and a few
reference figures of the département and the region, marked as demo values."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from .models import BilanAnnuel, ChiffreReference, Indicateur
from .services import calculer_indicateurs, demander_bilan

ANNEE_DEMO = 2025  # the demo's last full year (attributions.demo)
SOURCE_DEMO = "Valeur fictive de démonstration (à remplacer par la publication de la DDETS ou de la DREAL)"
# (indicator, level, territory, value): orders of magnitude of the published figures, not the figures themselves
REFERENCES_DEMO = [
    (Indicateur.PRESSION, ChiffreReference.Echelon.DEPARTEMENT, "Isère", "4.6"),
    (Indicateur.PRESSION, ChiffreReference.Echelon.REGION, "Auvergne-Rhône-Alpes", "4.9"),
    (Indicateur.DELAI_MEDIAN, ChiffreReference.Echelon.DEPARTEMENT, "Isère", "14.0"),
    (Indicateur.PART_Q1_ATTRIBUTIONS, ChiffreReference.Echelon.DEPARTEMENT, "Isère", "17.0"),
    (Indicateur.PART_PRIORITAIRES_ATTRIBUTIONS, ChiffreReference.Echelon.REGION, "Auvergne-Rhône-Alpes", "21.0"),
]


def seed(territory, *, stdout=None):
    epci = territory.epci
    for indicateur, echelon, nom, valeur in REFERENCES_DEMO:
        ChiffreReference.objects.get_or_create(
            epci=epci,
            indicateur=indicateur,
            echelon=echelon,
            annee=ANNEE_DEMO,
            defaults={"territoire": nom, "valeur": Decimal(valeur), "source": SOURCE_DEMO},
        )
    aujourd_hui = timezone.localdate()
    annees = sorted(a for a in {ANNEE_DEMO - 1, ANNEE_DEMO, aujourd_hui.year} if a <= aujourd_hui.year)
    for annee in annees:
        calculer_indicateurs(epci, annee, aujourd_hui=aujourd_hui)
    if stdout is not None:
        stdout.write(f"Indicateurs de l'observatoire calculés : {', '.join(str(a) for a in annees)}.")
    if BilanAnnuel.objects.filter(epci=epci, annee=ANNEE_DEMO, kind=BilanAnnuel.Kind.CIL).exists():
        return  # idempotent: the demo keeps the balance sheet it produced the first time
    auteur = territory.account("epci").user
    demander_bilan(kind=BilanAnnuel.Kind.CIL, epci=epci, annee=ANNEE_DEMO, acteur=auteur)
    if stdout is not None:
        stdout.write(f"Bilan annuel {ANNEE_DEMO} de la CIL demandé : il est produit dès la fin de la préparation.")
