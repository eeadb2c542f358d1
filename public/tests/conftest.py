"""A small territory for the public pages: three communes, reception points, demands and allocations.

Demands are registered through ``demandes.services`` (as a desk would); allocations are written as the F1
import writes them (``attributions.DecisionCaleol``)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from attributions import rules as arules
from attributions.models import DecisionCaleol, Logement
from cil.models import Bailleur, Commune, ContourCommune, Epci, Guichet, Reservataire, SeuilQuartile
from demandes import services as demandes_services

JOUR = dt.date(2026, 10, 31)
SEUIL_Q1 = Decimal("10716.00")


@dataclass
class Territoire:
    epci: Epci
    communes: dict[str, Commune]
    guichets: list[Guichet]
    bailleur: Bailleur
    reservataire: Reservataire
    logements: dict = field(default_factory=dict)
    _numeros: itertools.count = field(default_factory=lambda: itertools.count(1))

    def demande(self, commune_codes, typologies, *, depot=dt.date(2025, 6, 1), salaire="2500", enfants=0, **kw):
        membres = [
            {"lien": "ENFANT", "nom": "Enfant", "prenom": f"E{i}", "date_naissance": dt.date(2018, 1, 1)}
            for i in range(enfants)
        ]
        donnees = {
            "nom": f"Demandeur{next(self._numeros)}",
            "prenom": "Camille",
            "date_naissance": dt.date(1985, 6, 1),
            "sexe": "F",
            "nationalite": "FR",
            "adresse": "3 rue des Alliés",
            "code_postal": "38100",
            "ville": "Grenoble",
            "situation_familiale": "CELIBATAIRE",
            "situation_professionnelle": "CDI",
            "logement_actuel": "LOCATAIRE_PRIVE",
            "motifs": ["TROP_CHER"],
            "typologies": list(typologies),
            **kw,
        }
        return demandes_services.enregistrer_demande(
            guichet=self.guichets[0],
            donnees=donnees,
            membres=membres,
            ressources=[
                {"membre_index": None, "nature": "SALAIRE", "montant_mensuel": Decimal(salaire)},
                {"membre_index": None, "nature": "AIDE_LOGEMENT", "montant_mensuel": Decimal("300")},
            ],
            communes=[self.communes[c] for c in commune_codes],
            acteur=None,
            date_depot=depot,
        )

    def attribution(
        self, code, typologie, *, depot, decision, bail=None, ressources="2500", type_="ATTRIBUTION", rang=None
    ):
        n = next(self._numeros)
        cle = (code, typologie, n)
        logement = Logement.objects.create(
            identifiant=f"L{n:05d}",
            bailleur=self.bailleur,
            commune=self.communes[code],
            epci=self.epci,
            typologie=typologie,
        )
        self.logements[cle] = logement
        mensuelles = Decimal(ressources)
        return DecisionCaleol.objects.create(
            numero_unique=f"03826{n:07d}",
            date_depot=depot,
            date_decision=decision,
            type_decision=type_,
            rang=rang,
            date_bail=bail,
            logement=logement,
            bailleur=self.bailleur,
            commune=self.communes[code],
            epci=self.epci,
            typologie=typologie,
            reservataire=self.reservataire,
            ressources_mensuelles=mensuelles,
            ressources_annuelles_e4=int(mensuelles * 12 * 10000),
            nb_personnes_14_plus=1,
            nb_enfants_moins_14=0,
            uc_dixiemes=arules.unites_consommation_dixiemes(1, 0),
        )


CARRE = {
    "38185": [[[5.70, 45.17], [5.75, 45.17], [5.75, 45.20], [5.70, 45.20], [5.70, 45.17]]],
    "38151": [[[5.70, 45.12], [5.75, 45.12], [5.75, 45.17], [5.70, 45.17], [5.70, 45.12]]],
    "38158": [[[5.75, 45.12], [5.80, 45.12], [5.80, 45.17], [5.75, 45.17], [5.75, 45.12]]],
}


@pytest.fixture
def territoire(db) -> Territoire:
    epci = Epci.objects.create(siren="200040715", nom="Grenoble-Alpes-Métropole", type=Epci.Type.METROPOLE)
    communes = {
        code: Commune.objects.create(code_insee=code, nom=nom, departement="38", epci=epci)
        for code, nom in [("38185", "Grenoble"), ("38151", "Échirolles"), ("38158", "Eybens")]
    }
    for code, polygone in CARRE.items():
        ContourCommune.objects.create(commune=communes[code], polygones=[polygone], source="test")
    for annee in (2025, 2026):
        SeuilQuartile.objects.create(epci=epci, annee=annee, seuil_q1=SEUIL_Q1, arrete=f"arrêté {annee}", source="test")
    guichets = [
        Guichet.objects.create(
            epci=epci,
            nom="Accueil logement de Grenoble",
            niveau=3,
            enregistreur=True,
            adresse="11 boulevard Jean Pain, 38000 Grenoble",
            commune=communes["38185"],
            horaires="Du lundi au vendredi, de 8 h 30 à 17 h.",
            telephone="04 65 71 00 01",
            latitude=Decimal("45.186800"),
            longitude=Decimal("5.736300"),
        ),
        Guichet.objects.create(
            epci=epci,
            nom="Service habitat d'Échirolles",
            niveau=2,
            enregistreur=True,
            adresse="1 place des Cinq Fontaines, 38130 Échirolles",
            commune=communes["38151"],
            horaires="Lundi et jeudi, de 9 h à 12 h.",
            telephone="04 65 71 00 02",
        ),
        Guichet.objects.create(
            epci=epci,
            nom="Point information d'Eybens",
            niveau=1,
            enregistreur=False,
            adresse="1 avenue de la République, 38320 Eybens",
            commune=communes["38158"],
            latitude=Decimal("45.147000"),
            longitude=Decimal("5.750000"),
        ),
    ]
    bailleur = Bailleur.objects.create(siren="552081317", nom="Alpes Habitat")
    bailleur.epcis.add(epci)
    reservataire = Reservataire.objects.create(type="ACTION_LOGEMENT", code="", nom="Action Logement")
    return Territoire(epci, communes, guichets, bailleur, reservataire)
