"""Demo data of the public pages (``seed_demo``, last of ``settings.DEMO_SEEDERS``): the communes' outlines of
the Isère, the reception points on the map, then the nightly job's figures, so that ``make demo`` shows them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cil import contours

from . import selectors, services

# Approximate positions of the demo reception points' addresses (the points themselves are made up, cil/demo.py).
COORDONNEES = {
    "Accueil logement de la Ville de Grenoble": ("45.186700", "5.736000"),
    "Service habitat de la Ville d'Échirolles": ("45.143500", "5.719500"),
    "Agence Actis – Villeneuve": ("45.165800", "5.737800"),
    "Point information logement de Saint-Martin-d'Hères": ("45.167300", "5.765300"),
    "Maison de l'habitat de Fontaine": ("45.192500", "5.685600"),
    "Espace habitat du Sud-Est – Vizille": ("45.077700", "5.770800"),
}
MOIS_PUBLIES = 3  # month ends computed for the open-data page, besides yesterday


def seed(territory, *, stdout=None) -> None:
    contours.importer_contours_livres(list(territory.communes))
    for guichet in territory.guichets:
        if guichet.nom in COORDONNEES and guichet.latitude is None:
            lat, lon = COORDONNEES[guichet.nom]
            guichet.latitude, guichet.longitude = Decimal(lat), Decimal(lon)
            guichet.save(update_fields=["latitude", "longitude"])
    hier = timezone.localdate() - dt.timedelta(days=1)
    jours = {hier}
    fin = hier if selectors.est_fin_de_mois(hier) else services.fin_du_mois_precedent(hier)
    for _ in range(MOIS_PUBLIES):
        jours.add(fin)
        fin = services.fin_du_mois_precedent(fin)
    for jour in sorted(jours):
        chiffres = services.calculer_chiffres(territory.epci, jour)
        if stdout is not None:
            stdout.write(f"  chiffres publics au {jour:%d/%m/%Y} : {chiffres.duree_ms} ms\n")
