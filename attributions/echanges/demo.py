"""Demo of the exchange bourse: a few social tenants of Actis and Grenoble Habitat ready to exchange.

- a pair: an Actis tenant in a T3 who wants a T2, a Grenoble Habitat tenant in that T2 who wants a T3; the
  exchange is proposed and Grenoble Habitat has accepted, so that the demo account ``bailleur`` (Actis) can
  accept in turn and see the two vacancies go to the commission;
- a three-way cycle between an Actis tenant and two Grenoble Habitat tenants, found by the bourse, not proposed.

Runs after the vacancies' seeder (``attributions.vacances.demo``): dwellings with an open vacancy are skipped.
Deterministic (dwellings in identifier order) and idempotent: nothing is added when the territory has offers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TextIO

from django.db.models import Exists, OuterRef
from django.utils import timezone

from cil.demo import SIREN_ACTIS, SIREN_GRENOBLE_HABITAT
from demandes import services as demandes_services

from ..models import Logement, OffreEchange, Vacance
from . import services

# (landlord SIREN, typology of the dwelling left) for each tenant; what they seek is the next one's dwelling
PAIRE = [(SIREN_ACTIS, "T3"), (SIREN_GRENOBLE_HABITAT, "T2")]
CYCLE = [(SIREN_ACTIS, "T4"), (SIREN_GRENOBLE_HABITAT, "T3"), (SIREN_GRENOBLE_HABITAT, "T5")]
NOMS = ["Lambert", "Moreau", "Garnier", "Chevalier", "Rousseau"]


def _ecrire(stdout, texte):
    if stdout is not None:
        stdout.write(texte + "\n")


def _logements(territory, besoins, deja: set[int]) -> list[Logement] | None:
    ouvertes = Vacance.objects.filter(logement=OuterRef("pk")).exclude(statut=Vacance.Statut.BAIL_SIGNE)
    choisis = []
    communes_prises: set[int] = set()
    for siren, typologie in besoins:
        logement = (
            Logement.objects.filter(bailleur=territory.bailleur(siren), epci=territory.epci, typologie=typologie)
            .exclude(pk__in=deja)
            .exclude(commune_id__in=communes_prises)
            .exclude(Exists(ouvertes))
            .select_related("commune", "bailleur")
            .order_by("identifiant")
            .first()
        )
        if logement is None:
            return None
        choisis.append(logement)
        deja.add(logement.pk)
        communes_prises.add(logement.commune_id)
    return choisis


def _locataire(territory, nom: str, logement: Logement, souhait: Logement):
    guichet = next(g for g in territory.guichets if g.enregistreur)
    return demandes_services.enregistrer_demande(
        guichet=guichet,
        donnees={
            "nom": nom,
            "prenom": "Sacha",
            "date_naissance": dt.date(1979, 4, 12),
            "sexe": "F",
            "nationalite": "FR",
            "adresse": logement.adresse or "Résidence du parc social",
            "code_postal": "38000",
            "ville": logement.commune.nom,
            "situation_familiale": "MARIE",
            "situation_professionnelle": "CDI",
            "logement_actuel": "LOCATAIRE_HLM",
            "est_mutation": True,
            "bailleur_actuel": logement.bailleur,
            "loyer_actuel": logement.loyer,
            "motifs": ["TROP_GRAND" if logement.typologie > souhait.typologie else "TROP_PETIT"],
            # the territory's common transfer criteria (demandes.CritereMutation, default list)
            "criteres_mutation": [
                "sous-occupation" if logement.typologie > souhait.typologie else "sur-occupation",
            ],
            "typologies": [souhait.typologie],
        },
        ressources=[{"membre_index": None, "nature": "SALAIRE", "montant_mensuel": Decimal("1850")}],
        communes=[souhait.commune],
        acteur=None,
        date_depot=timezone.localdate() - dt.timedelta(days=400),
    )


def _offres(territory, logements: list[Logement], noms: list[str]) -> list[OffreEchange]:
    n = len(logements)
    offres = []
    for i, logement in enumerate(logements):
        demande = _locataire(territory, noms[i], logement, logements[(i + 1) % n])
        offres.append(
            services.deposer_offre(
                demande=demande, identifiant=logement.identifiant, etage=i + 1, ascenseur=True, acteur=None
            )
        )
    return offres


def seed(territory, *, stdout: TextIO | None = None) -> None:
    if OffreEchange.objects.filter(epci=territory.epci).exists():
        _ecrire(stdout, "Bourse d'échange : déjà présente, rien n'est ajouté.")
        return
    deja: set[int] = set()
    paire = _logements(territory, PAIRE, deja)
    cycle = _logements(territory, CYCLE, deja)
    if paire is None or cycle is None:
        _ecrire(stdout, "Bourse d'échange : pas assez de logements d'Actis et de Grenoble Habitat, rien n'est ajouté.")
        return
    offres_paire = _offres(territory, paire, NOMS[:2])
    _offres(territory, cycle, NOMS[2:])
    echange = services.proposer_echange(offres=offres_paire, acteur=territory.account("epci").user)
    grenoble_habitat = echange.participations.get(offre=offres_paire[1])
    services.repondre(participation=grenoble_habitat, accepte=True, acteur=None)
    _ecrire(
        stdout,
        f"Bourse d'échange : 5 locataires (une paire, échange n° {echange.pk} accepté par Grenoble Habitat, en "
        "attente d'Actis ; un échange possible à trois).",
    )
