"""Test data for the vacancies and flows: landlords, holders, dwellings, demands and the people who act on them.

Built through the public services of ``demandes`` (registration, priority, DALO) so that the demands are
exactly what a reception desk would have recorded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cil.models import Bailleur, Guichet, Membership, Reservataire
from core.models import User
from core.roles import Role
from demandes import services as demandes_services

from ..models import ConventionReservation, Logement

BAILLEUR_A = "552081317"
BAILLEUR_B = "779994416"
PASSWORD = "mot-de-passe-de-test-2026"


def donnees_demandeur(nom: str, **overrides) -> dict:
    donnees = {
        "nom": nom,
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
        "typologies": ["T3"],
    }
    donnees.update(overrides)
    return donnees


def creer_demande(
    monde,
    nom: str,
    *,
    date_depot: dt.date,
    ressources: str = "1500",
    membres=(),
    communes=None,
    **overrides,
):
    ressources_lignes = [{"membre_index": None, "nature": "SALAIRE", "montant_mensuel": Decimal(ressources)}]
    ressources_lignes.append({"membre_index": None, "nature": "AIDE_LOGEMENT", "montant_mensuel": Decimal("200")})
    return demandes_services.enregistrer_demande(
        guichet=monde["guichet"],
        donnees=donnees_demandeur(nom, **overrides),
        membres=list(membres),
        ressources=ressources_lignes,
        communes=communes if communes is not None else [monde["communes"]["38185"]],
        acteur=None,
        date_depot=date_depot,
    )


def enfant(prenom: str, naissance: dt.date) -> dict:
    return {"lien": "ENFANT", "nom": "Enfant", "prenom": prenom, "date_naissance": naissance}


def utilisateur(username: str, role: str, epci, **orgs) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=username.capitalize())
    Membership.objects.create(user=user, role=role, epci=epci, **orgs)
    return user


def construire_monde(territoire) -> dict:
    epci = territoire["epci"]
    communes = territoire["communes"]
    bailleur = Bailleur.objects.create(siren=BAILLEUR_A, nom="Alpes Habitat")
    autre_bailleur = Bailleur.objects.create(siren=BAILLEUR_B, nom="Grenoble Habitat")
    for b in (bailleur, autre_bailleur):
        b.epcis.add(epci)
    al = Reservataire.objects.create(type="ACTION_LOGEMENT", code="", nom="Action Logement Services")
    etat = Reservataire.objects.create(type="ETAT", code="", nom="État (contingent préfectoral)")
    agents = Reservataire.objects.create(type="ETAT_AGENTS", code="", nom="État (agents de l'État)")
    ville = Reservataire.objects.create(
        type="COMMUNE", code="38185", nom="Commune de Grenoble", commune=communes["38185"]
    )
    for r in (al, etat, agents, ville):
        r.epcis.add(epci)
    guichet = Guichet.objects.create(
        epci=epci,
        nom="Maison de l'habitat",
        niveau=2,
        enregistreur=True,
        adresse="1 place de Verdun",
        commune=communes["38185"],
    )
    logement = Logement.objects.create(
        identifiant="AH-0001",
        bailleur=bailleur,
        commune=communes["38185"],
        epci=epci,
        typologie="T3",
        adresse="12 rue Très-Cloîtres, Grenoble",
        surface=Decimal("64.50"),
        financement="PLUS",
        loyer=Decimal("452.30"),
        carte_2024_connue=True,
        carte_2015_connue=True,
    )
    logement_qpv = Logement.objects.create(
        identifiant="AH-0002",
        bailleur=bailleur,
        commune=communes["38185"],
        epci=epci,
        typologie="T3",
        surface=Decimal("66"),
        financement="PLAI",
        loyer=Decimal("390"),
        qpv=territoire["qpv"],
        carte_2024_connue=True,
    )
    logement_b = Logement.objects.create(
        identifiant="GH-0001",
        bailleur=autre_bailleur,
        commune=communes["38185"],
        epci=epci,
        typologie="T3",
        surface=Decimal("70"),
        loyer=Decimal("480"),
        carte_2024_connue=True,
    )
    staff = {
        "bailleur": utilisateur("bailleur", Role.BAILLEUR, epci, bailleur=bailleur),
        "autre_bailleur": utilisateur("autrebailleur", Role.BAILLEUR, epci, bailleur=autre_bailleur),
        "al": utilisateur("actionlogement", Role.RESERVATAIRE, epci, reservataire=al),
        "ville": utilisateur("ville", Role.RESERVATAIRE, epci, reservataire=ville),
        "epci": utilisateur("epci", Role.EPCI, epci),
        "guichet": utilisateur("guichet", Role.AGENT_ACCUEIL, epci, guichet=guichet),
        "dehors": utilisateur("dehors", Role.EPCI, territoire["autre_epci"]),
    }
    return {
        **territoire,
        "bailleur": bailleur,
        "autre_bailleur": autre_bailleur,
        "al": al,
        "etat": etat,
        "agents": agents,
        "ville": ville,
        "guichet": guichet,
        "logement": logement,
        "logement_qpv": logement_qpv,
        "logement_b": logement_b,
        "staff": staff,
    }


def convention(bailleur, reservataire, part: str, *, departement="38", epci=None, annee=2025):
    return ConventionReservation.objects.create(
        bailleur=bailleur,
        reservataire=reservataire,
        departement="" if epci else departement,
        epci=epci,
        part_flux=Decimal(part),
        date_debut=dt.date(annee, 1, 1),
        date_fin=dt.date(annee, 12, 31),
        date_signature=dt.date(annee - 1, 11, 20),
    )
