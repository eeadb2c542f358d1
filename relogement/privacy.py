"""The relocation files' retention period for the public privacy notice (read from ``ParametresRelogement``)."""

from __future__ import annotations

import datetime as dt

from core.privacy import DureeConservation


def durees(epci_id: int | None, jour: dt.date) -> list[DureeConservation]:
    from .selectors import conservation_mois

    return [
        DureeConservation(
            "Relogement (renouvellement urbain, habitat indigne) : réponses à l'enquête sociale et diagnostics",
            f"{conservation_mois(epci_id, jour)} mois après la clôture du dossier",
            "Paramètres du relogement du territoire (délibération, registre des traitements)",
        )
    ]
