"""A territory with three years of allocations, imported through the real F1 import."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from attributions.models import Logement
from attributions.services import import_attributions
from cil.models import Bailleur, Membership, RegleSecret, Reservataire, Secteur, SeuilQuartile
from core.roles import Role
from tests.fixtures.f1 import fichier_f1, ligne_f1

from .monde_indicateurs import monde_obs  # noqa: F401 (a fixture)

BAILLEURS = [("552081317", "Alpes Isère Habitat"), ("779994416", "Grenoble Habitat"), ("542107651", "SDH")]
RESERVATAIRES = [
    ("ETAT", ""),
    ("ACTION_LOGEMENT", ""),
    ("COMMUNE", "38185"),
    ("EPCI", "200040715"),
    ("DEPARTEMENT", "38"),
    ("BAILLEUR", ""),
]
COMMUNES_QPV = {"38185": "QN03807M", "38151": "QN03810M", "38169": ""}
TYPOLOGIES = ["T1", "T2", "T2", "T3", "T3", "T3", "T4", "T4", "T5"]


def lignes_annee(annee: int, n: int, seed: int) -> list[dict]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        decision = dt.date(annee, 1, 1) + dt.timedelta(days=rnd.randrange(0, 330))
        depot = decision - dt.timedelta(days=rnd.randrange(60, 1400))
        bail = (decision + dt.timedelta(days=rnd.randrange(5, 30))).isoformat() if rnd.random() < 0.85 else ""
        commune = rnd.choices(list(COMMUNES_QPV), weights=[6, 3, 1])[0]
        qpv = COMMUNES_QPV[commune] if rnd.random() < 0.35 else ""
        rtype, rid = rnd.choice(RESERVATAIRES)
        n14 = rnd.choice([1, 1, 1, 2, 2, 3])
        nm14 = rnd.choice([0, 0, 1, 2, 3])
        mensuel = Decimal(rnd.randrange(30000, 350000)) / 100
        type_ = rnd.choices(
            ["ATTRIBUTION", "ATTRIBUTION_RANG", "ATTRIBUTION_CONDITION", "NON_ATTRIBUTION"], [7, 2, 1, 1]
        )[0]
        rows.append(
            ligne_f1(
                numero_unique=f"D{annee}-{i:05d}",
                date_depot=depot.isoformat(),
                date_decision=decision.isoformat(),
                type_decision=type_,
                rang="1" if type_ == "ATTRIBUTION_RANG" else "",
                date_bail=bail if type_ != "NON_ATTRIBUTION" else "",
                logement_id=f"L{annee}-{i:05d}",
                bailleur_siren=rnd.choice(BAILLEURS)[0],
                commune_insee=commune,
                qpv_code=qpv,
                typologie=rnd.choice(TYPOLOGIES),
                reservataire_type=rtype,
                reservataire_id=rid,
                ressources_mensuelles=str(mensuel),
                nb_personnes_14_plus=n14,
                nb_enfants_moins_14=nm14,
                dalo="1" if rnd.random() < 0.12 else "0",
                prioritaire="1" if rnd.random() < 0.2 else "0",
                relogement=rnd.choice(["", "", "", "", "", "", "", "", "ANRU", "LHI"]),
                mutation="1" if rnd.random() < 0.2 else "0",
            )
        )
    return rows


def peuple(terr, par_annee=(120, 150, 180)):
    epci = terr["epci"]
    SeuilQuartile.objects.create(
        epci=epci,
        annee=2023,
        seuil_q1=Decimal("9864"),
        arrete="arrêté 2023",
        date_effet=dt.date(2023, 1, 1),
        source="test",
    )
    rows = []
    for k, (annee, n) in enumerate(zip((2023, 2024, 2025), par_annee, strict=True)):
        rows += lignes_annee(annee, n, seed=k)
    import_attributions(contenu=fichier_f1(rows), nom_fichier="extrait-f1-2023-2025.csv", recalculer=False)
    for siren, nom in BAILLEURS:
        Bailleur.objects.filter(siren=siren).update(nom=nom)
    rnd = random.Random(42)
    logements = list(Logement.objects.all())
    for logement in logements:
        logement.financement = rnd.choice(["PLAI", "PLUS", "PLUS", "PLS", ""])
        logement.date_premiere_location = rnd.choice(
            [None, dt.date(1965, 1, 1), dt.date(1985, 1, 1), dt.date(2015, 6, 1)]
        )
    Logement.objects.bulk_update(logements, ["financement", "date_premiere_location"])
    nord = Secteur.objects.create(epci=epci, nom="Secteur Nord")
    nord.communes.add(terr["communes"]["38185"])
    sud = Secteur.objects.create(epci=epci, nom="Secteur Sud")
    sud.communes.add(terr["communes"]["38151"], terr["communes"]["38169"])
    # the territory's own statistical-secrecy rule (Platform decision 11: a setting of the territory, dated):
    # counts below 5 masked in its balance sheets, instead of the platform's 10
    RegleSecret.objects.create(epci=epci, seuil=5, date_debut=dt.date(2020, 1, 1), source="CIL (test)")
    return terr


@pytest.fixture
def donnees(territoire_minimal):
    return peuple(territoire_minimal)


@pytest.fixture
def acteurs(donnees, django_user_model):
    """EPCI staff, a landlord's staff, a reservation holder's staff, and an outsider."""
    epci = donnees["epci"]
    bailleur = Bailleur.objects.get(siren=BAILLEURS[0][0])
    autre_bailleur = Bailleur.objects.get(siren=BAILLEURS[1][0])
    reservataire = Reservataire.objects.get(type="ACTION_LOGEMENT")
    users = {}
    for nom, role, extra in [
        ("agent_epci", Role.EPCI, {}),
        ("bailleur", Role.BAILLEUR, {"bailleur": bailleur}),
        ("autre_bailleur", Role.BAILLEUR, {"bailleur": autre_bailleur}),
        ("reservataire", Role.RESERVATAIRE, {"reservataire": reservataire}),
    ]:
        user = django_user_model.objects.create_user(username=nom, password="x", first_name=nom.capitalize())
        Membership.objects.create(user=user, role=role, epci=epci, **extra)
        users[nom] = user
    users["exterieur"] = django_user_model.objects.create_user(username="exterieur", password="x")
    return {
        **users,
        "epci": epci,
        "bailleur_obj": bailleur,
        "autre_bailleur_obj": autre_bailleur,
        "reservataire_obj": reservataire,
    }


@pytest.fixture
def celery_eager():
    from config.celery import app

    ancien = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = ancien
