"""A small territory for the conference tests, built directly.

Actors: the EPCI's staff (the CIL's secretariat), a CIL member, a landlord's staff of the same territory, and the
staff and a CIL member of another territory. The plenary has seven titulars in three colleges plus the State,
with co-chairs, and one substitute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from cil.models import Bailleur, Epci, Membership, Reservataire
from conference import services
from conference.models import College, Instance, Membre, Seance
from core.models import User
from core.roles import Role

PASSWORD = "mot-de-passe-de-test-2026"
DEBUT_MANDATS = dt.date(2020, 9, 15)


@dataclass
class Monde:
    epci: Epci
    autre_epci: Epci
    bailleur: Bailleur
    reservataire: Reservataire
    staff: User
    membre_cil: User
    personnel_bailleur: User
    staff_autre: User
    membre_autre: User
    pleniere: Instance
    membres: dict[str, Membre]

    def seance(self, *, date=None, points=(), convoquer=True, instance=None, **kw) -> Seance:
        instance = instance or self.pleniere
        seance = services.creer_seance(
            instance,
            acteur=self.staff,
            date=date or timezone.localdate(),
            heure=dt.time(14, 30),
            lieu=kw.pop("lieu", "Salle du conseil"),
            **kw,
        )
        for titre, type_ in points:
            services.ajouter_point(seance, acteur=self.staff, titre=titre, type=type_, projet_decision=f"{titre} : oui")
        if convoquer:
            services.convoquer(seance, acteur=self.staff)
            seance.refresh_from_db()
        return seance


def _user(username, role, epci, **org) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=username.title())
    Membership.objects.create(user=user, role=role, epci=epci, **org)
    return user


@pytest.fixture
def monde(db, settings, tmp_path) -> Monde:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "prive")
    epci = Epci.objects.create(siren="200040715", nom="Grenoble-Alpes-Métropole", type="MET")
    autre = Epci.objects.create(siren="200046977", nom="Métropole de Lyon", type="MET")
    bailleur = Bailleur.objects.create(siren="552100554", nom="Actis")
    bailleur.epcis.add(epci)
    reservataire = Reservataire.objects.create(type=Reservataire.Type.ACTION_LOGEMENT, code="", nom="Action Logement")
    reservataire.epcis.add(epci)
    staff = _user("claire", Role.EPCI, epci)
    pleniere = services.creer_instance(
        epci=epci,
        type=Instance.Type.PLENIERE,
        nom="Conférence intercommunale du logement",
        acteur=staff,
        date_regle=dt.date(2020, 1, 1),
    )
    membres = {}
    for cle, nom, college, extra in [
        ("prefet", "Louise Préfète", College.ETAT, {"copresidence": "PREFET", "qualite": "Préfète de l'Isère"}),
        ("president", "Marc Président", College.COLLECTIVITES, {"copresidence": "PRESIDENT_EPCI"}),
        ("maire", "Anne Maire", College.COLLECTIVITES, {"qualite": "Maire d'Échirolles"}),
        ("actis", "Paul Bailleur", College.PROFESSIONNELS, {"bailleur": bailleur}),
        ("al", "Inès Réservataire", College.PROFESSIONNELS, {"reservataire": reservataire}),
        ("cnl", "Yves Locataire", College.USAGERS, {"organisation": "CNL Isère"}),
        ("asso", "Sara Association", College.USAGERS, {"organisation": "Un toit pour tous"}),
    ]:
        membres[cle] = services.designer_membre(
            pleniere,
            acteur=staff,
            nom=nom,
            college=college,
            debut_mandat=DEBUT_MANDATS,
            email=f"{cle}@example.org",
            **extra,
        )
    membres["suppleant"] = services.designer_membre(
        pleniere,
        acteur=staff,
        nom="Hugo Suppléant",
        college=College.COLLECTIVITES,
        titulaire=False,
        suppleant_de=membres["maire"],
        debut_mandat=DEBUT_MANDATS,
        email="suppleant@example.org",
    )
    return Monde(
        epci=epci,
        autre_epci=autre,
        bailleur=bailleur,
        reservataire=reservataire,
        staff=staff,
        membre_cil=_user("paul", Role.MEMBRE_CIL, epci),
        personnel_bailleur=_user("julien", Role.BAILLEUR, epci, bailleur=bailleur),
        staff_autre=_user("lyon", Role.EPCI, autre),
        membre_autre=_user("membre_lyon", Role.MEMBRE_CIL, autre),
        pleniere=pleniere,
        membres=membres,
    )


def presences(monde, **statuts):
    """``{membre_id: (presence, pouvoir_a_id)}``: everyone present unless named (``cle="EXCUSE"`` or
    ``cle=("REPRESENTE", "holder")``)."""
    resultat = {}
    for cle, membre in monde.membres.items():
        if not membre.titulaire:
            resultat[membre.pk] = (statuts.get(cle, "ABSENT"), None)
            continue
        valeur = statuts.get(cle, "PRESENT")
        if isinstance(valeur, tuple):
            resultat[membre.pk] = (valeur[0], monde.membres[valeur[1]].pk)
        else:
            resultat[membre.pk] = (valeur, None)
    return resultat
