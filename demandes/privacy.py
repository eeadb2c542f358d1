"""The demands' retention periods for the public privacy notice (read from ``ParametresDemande``)."""

from __future__ import annotations

import datetime as dt

from core.privacy import DureeConservation


def _mois(n: int) -> str:
    return f"{n} mois" if n % 12 else (f"{n // 12} an" if n == 12 else f"{n // 12} ans")


def durees(epci_id: int | None, jour: dt.date) -> list[DureeConservation]:
    from .selectors import parametres_pour

    p = parametres_pour(epci_id, jour)
    return [
        DureeConservation(
            "Demande de logement social active (formulaire, ménage, ressources, pièces, historique)",
            f"{_mois(p.validite_mois)}, prolongée à chaque renouvellement",
            p.source,
        ),
        DureeConservation(
            "Demande radiée (attribution, renonciation, irrecevabilité, non-renouvellement)",
            f"{_mois(p.conservation_radiees_mois)} après la radiation, puis anonymisation irréversible "
            "(seules restent les données statistiques des attributions, sans nom ni coordonnées)",
            p.source,
        ),
        DureeConservation(
            "Appréciations sur les difficultés sociales (comptes rendus d'entretien, diagnostics)",
            "effacées à l'attribution du logement, sauf accompagnement social poursuivi",
            "Autorisation unique de la CNIL AU-2014-124, art. 4",
        ),
        DureeConservation(
            "Numéro de sécurité sociale (NIR)",
            "jamais enregistré (refusé à la saisie)",
            "Autorisation unique de la CNIL AU-2014-124",
        ),
    ]
