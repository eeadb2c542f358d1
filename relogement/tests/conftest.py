"""A small territory for the relocation tests, built directly (the full reference import is slow).

Actors: EPCI staff, a partner landlord's staff (Actis), a partner reservation holder's staff, the relocation
officer (an outside social operator, no membership), and an outsider landlord (SDH, not a partner).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from attributions.models import Logement
from cil.models import Bailleur, Commune, Epci, Membership, PerimetreEpci, Qpv, Reservataire, SeuilQuartile
from core.models import User
from core.roles import Role
from relogement import services
from relogement.models import Batiment, Operation, QuestionEnquete, Questionnaire

PASSWORD = "mot-de-passe-de-test-2026"


@dataclass
class Monde:
    epci: Epci
    autre_epci: Epci
    qpv: Qpv
    communes: dict
    actis: Bailleur
    sdh: Bailleur
    ville: Reservataire
    operation: Operation
    batiment: Batiment
    questionnaire: Questionnaire
    logement_hors_qpv_neuf: Logement
    logement_qpv: Logement
    logement_ancien: Logement
    staff: User
    partenaire: User
    partenaire_reservataire: User
    referent: User
    autre_referent: User
    etranger: User

    def menage(self, reference="M-001", referent=None, **kw):
        valeurs = {
            "nom": f"Ménage {reference}",
            "batiment": self.batiment,
            "nb_personnes_14_plus": 2,
            "nb_enfants_moins_14": 2,
            "ressources_mensuelles": Decimal("1800"),
            "loyer_avant": Decimal("420"),
            "charges_avant": Decimal("130"),
            "apl_avant": Decimal("150"),
        }
        valeurs.update(kw)
        return services.creer_menage(
            operation=self.operation,
            acteur=self.staff,
            referent=referent or self.referent,
            reference=reference,
            **valeurs,
        )


def _user(username, first="", last=""):
    return User.objects.create_user(username=username, password=PASSWORD, first_name=first, last_name=last)


@pytest.fixture
def monde(db):
    epci = Epci.objects.create(siren="200040715", nom="Grenoble-Alpes-Métropole", type="MET")
    autre = Epci.objects.create(siren="200046977", nom="Métropole de Lyon", type="MET")
    communes = {}
    for code, nom, e in [
        ("38185", "Grenoble", epci),
        ("38151", "Échirolles", epci),
        ("38169", "Fontaine", epci),
        ("69123", "Lyon", autre),
    ]:
        communes[code] = Commune.objects.create(code_insee=code, nom=nom, departement=code[:2], epci=e)
        PerimetreEpci.objects.create(epci=e, commune=communes[code], millesime=2025)
    qpv = Qpv.objects.create(code="QN03807M", nom="Villeneuve", carte="2024", epci=epci)
    qpv.communes.add(communes["38185"])
    for annee, seuil in [(2024, "10455"), (2025, "10716"), (2026, "10980")]:
        SeuilQuartile.objects.create(
            epci=epci, annee=annee, seuil_q1=Decimal(seuil), arrete=f"arrêté {annee}", source="test"
        )
    actis = Bailleur.objects.create(siren="999900012", nom="Actis")
    sdh = Bailleur.objects.create(siren="999900038", nom="Société Dauphinoise pour l'Habitat")
    for b in (actis, sdh):
        b.epcis.add(epci)
    ville = Reservataire.objects.create(type="COMMUNE", code="38185", nom="Ville de Grenoble")
    ville.epcis.add(epci)
    operation = Operation.objects.create(
        epci=epci,
        nom="NPNRU Villeneuve",
        type="NPNRU",
        qpv=qpv,
        commune=communes["38185"],
        date_lancement=dt.date(2025, 1, 1),
    )
    operation.bailleurs.add(actis)
    operation.reservataires.add(ville)
    batiment = Batiment.objects.create(operation=operation, nom="Arlequin 50", bailleur=actis, nb_logements=60)
    questionnaire = Questionnaire.objects.create(nom="Enquête commune", version=1)
    for ordre, (code, libelle, type_, choix, obligatoire) in enumerate(
        [
            ("composition", "Composition du ménage", "TEXTE_LONG", [], True),
            ("sante", "Santé, handicap", "TEXTE_LONG", [], False),
            ("dette", "Dette locative", "OUI_NON", [], False),
            ("mobilite", "Souhait de mobilité", "CHOIX", ["Rester", "Partir", "Indifférent"], True),
        ],
        start=1,
    ):
        QuestionEnquete.objects.create(
            questionnaire=questionnaire,
            ordre=ordre,
            code=code,
            libelle=libelle,
            type=type_,
            choix=choix,
            obligatoire=obligatoire,
        )
    hors_qpv_neuf = Logement.objects.create(
        identifiant="NEUF-FONTAINE-1",
        bailleur=actis,
        commune=communes["38169"],
        epci=epci,
        typologie="T4",
        carte_2024_connue=True,
        loyer=Decimal("480"),
        date_premiere_location=dt.date(2024, 9, 1),
    )
    en_qpv = Logement.objects.create(
        identifiant="VILLENEUVE-7",
        bailleur=actis,
        commune=communes["38185"],
        epci=epci,
        qpv=qpv,
        typologie="T4",
        carte_2024_connue=True,
        date_premiere_location=dt.date(1972, 1, 1),
    )
    ancien = Logement.objects.create(
        identifiant="ECHIROLLES-3",
        bailleur=sdh,
        commune=communes["38151"],
        epci=epci,
        typologie="T3",
        carte_2024_connue=True,
        date_premiere_location=dt.date(1990, 1, 1),
        date_conventionnement=dt.date(1995, 1, 1),
    )
    staff = _user("claire", "Claire", "Rousseau")
    Membership.objects.create(user=staff, role=Role.EPCI, epci=epci)
    partenaire = _user("julien", "Julien", "Bernard")
    Membership.objects.create(user=partenaire, role=Role.BAILLEUR, epci=epci, bailleur=actis)
    partenaire_res = _user("sophie", "Sophie", "Girard")
    Membership.objects.create(user=partenaire_res, role=Role.RESERVATAIRE, epci=epci, reservataire=ville)
    referent = _user("nadia", "Nadia", "Benhamou")  # an outside social operator: no membership
    autre_referent = _user("thomas", "Thomas", "Vidal")
    etranger = _user("paul", "Paul", "Lefèvre")
    Membership.objects.create(user=etranger, role=Role.BAILLEUR, epci=epci, bailleur=sdh)
    return Monde(
        epci=epci,
        autre_epci=autre,
        qpv=qpv,
        communes=communes,
        actis=actis,
        sdh=sdh,
        ville=ville,
        operation=operation,
        batiment=batiment,
        questionnaire=questionnaire,
        logement_hors_qpv_neuf=hors_qpv_neuf,
        logement_qpv=en_qpv,
        logement_ancien=ancien,
        staff=staff,
        partenaire=partenaire,
        partenaire_reservataire=partenaire_res,
        referent=referent,
        autre_referent=autre_referent,
        etranger=etranger,
    )


REPONSES = {"composition": "Deux adultes, deux enfants de 6 et 9 ans", "sante": "Asthme sévère", "mobilite": "Partir"}
