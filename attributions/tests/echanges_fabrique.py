"""Test data of the exchange bourse: transfer demands of tenants of the two landlords of ``monde_attributions``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from attributions.echanges import services
from attributions.models import Logement

from .fabrique import creer_demande


def locataire(monde, nom: str, bailleur, *, communes=None, typologies=("T3",), **overrides):
    donnees = {
        "logement_actuel": "LOCATAIRE_HLM",
        "est_mutation": True,
        "bailleur_actuel": bailleur,
        "motifs": ["TROP_GRAND"],
        "typologies": list(typologies),
        **overrides,
    }
    return creer_demande(
        monde,
        nom,
        date_depot=dt.date(2025, 3, 1),
        communes=communes if communes is not None else [monde["communes"]["38185"]],
        **donnees,
    )


def logement(monde, identifiant: str, bailleur, *, commune="38185", typologie="T3", loyer="450"):
    return Logement.objects.create(
        identifiant=identifiant,
        bailleur=bailleur,
        commune=monde["communes"][commune],
        epci=monde["epci"],
        typologie=typologie,
        loyer=Decimal(loyer),
        carte_2024_connue=True,
    )


def paire(monde):
    """Two tenants of two landlords, each wanting the other's dwelling: Martin (Alpes Habitat, AH-0001, a T3 in
    Grenoble, wants a T2 in Échirolles) and Petit (Grenoble Habitat, GH-0100, a T2 in Échirolles, wants a T3 in
    Grenoble)."""
    gh = logement(monde, "GH-0100", monde["autre_bailleur"], commune="38151", typologie="T2", loyer="380")
    martin = locataire(monde, "Martin", monde["bailleur"], communes=[monde["communes"]["38151"]], typologies=["T2"])
    petit = locataire(monde, "Petit", monde["autre_bailleur"], typologies=["T3"])
    offre_martin = services.deposer_offre(demande=martin, identifiant="AH-0001", acteur=monde["staff"]["guichet"])
    offre_petit = services.deposer_offre(demande=petit, identifiant=gh.identifiant, acteur=monde["staff"]["guichet"])
    return offre_martin, offre_petit
