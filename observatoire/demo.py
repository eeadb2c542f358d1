"""Demo: the CIL's balance sheet of the last full year, already produced, so CIL members can open it at first start."""

from __future__ import annotations

from .models import BilanAnnuel
from .services import demander_bilan

ANNEE_DEMO = 2025  # the demo's last full year (attributions.demo)


def seed(territory, *, stdout=None):
    if BilanAnnuel.objects.filter(epci=territory.epci, annee=ANNEE_DEMO, kind=BilanAnnuel.Kind.CIL).exists():
        return  # idempotent: the demo keeps the balance sheet it produced the first time
    auteur = territory.account("epci").user
    demander_bilan(kind=BilanAnnuel.Kind.CIL, epci=territory.epci, annee=ANNEE_DEMO, acteur=auteur)
    if stdout is not None:
        stdout.write(f"Bilan annuel {ANNEE_DEMO} de la CIL demandé : il est produit dès la fin de la préparation.")
