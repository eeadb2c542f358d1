"""The registry of indicator kinds: each live figure is the one its selector computes, when read; a value
entered by hand carries its date and source; small counts of a commune are masked."""

import datetime as dt
from decimal import Decimal

import pytest

from attributions.selectors import calcule_objectifs_epci
from cil.models import RegleSecret
from politique import indicateurs, services
from politique.models import Indicateur
from politique.rules import RegleError
from tests.fixtures.politique import adopter_cia

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def _indicateur(action, **champs):
    return Indicateur(action=action, libelle="test", **champs)


def test_objectifs_du_territoire_et_d_un_bailleur(monde_politique):
    version = adopter_cia(monde_politique)
    action = version.actions.get()
    contexte = indicateurs.Contexte(epci=monde_politique["epci"], annee=2025)
    r = calcule_objectifs_epci(monde_politique["epci"], 2025)
    for nature, code in [
        ("OBJECTIF_A", "hors_qpv"),
        ("OBJECTIF_B", "qpv"),
        ("OBJECTIF_C", "prioritaires"),
        ("MUTATIONS", "mutations"),
    ]:
        mesure = indicateurs.mesure(_indicateur(action, nature=nature), contexte)
        assert (mesure.base, mesure.numerateur) == (r[code]["base"], r[code]["numerateur"]), nature
    mesure = indicateurs.mesure(
        _indicateur(action, nature="OBJECTIF_C", bailleur=monde_politique["bailleur"], valeur_cible=Decimal("0.425")),
        contexte,
    )
    assert (mesure.numerateur, mesure.base, mesure.texte, mesure.atteint) == (4, 10, f"40,0{NBSP}%", False)
    assert mesure.valeur == Decimal("0.4") and f"bailleur={monde_politique['bailleur'].pk}" in mesure.lien
    mesure = indicateurs.mesure(
        _indicateur(
            action, nature="OBJECTIF_C", reservataire=monde_politique["action_logement"], valeur_cible=Decimal("0.4")
        ),
        contexte,
    )
    assert (mesure.numerateur, mesure.base, mesure.atteint) == (4, 10, True)  # exactly at the target: reached
    # one computation of the engine per year for all of them
    assert list(contexte._objectifs) == [2025]


def test_une_annee_sans_seuil_le_dit(monde_politique):
    version = adopter_cia(monde_politique)
    contexte = indicateurs.Contexte(epci=monde_politique["epci"], annee=2019)
    mesure = indicateurs.mesure(_indicateur(version.actions.get(), nature="OBJECTIF_A"), contexte)
    assert mesure.valeur is None and "Seuil du premier quartile non chargé" in mesure.remarque


def test_delai_median_d_une_commune_et_secret_statistique(monde_politique):
    version = adopter_cia(monde_politique)
    action = version.actions.get()
    grenoble = monde_politique["communes"]["38185"]
    # the territory's rules: 5 until 31 May 2026, 11 from 1 June; each context reads the rule of its own day
    epci = monde_politique["epci"]
    RegleSecret.objects.create(
        epci=epci, seuil=5, date_debut=dt.date(2000, 1, 1), date_fin=dt.date(2026, 5, 31), source="t"
    )
    RegleSecret.objects.create(epci=epci, seuil=11, date_debut=dt.date(2026, 6, 1), source="CIL du 3 mars")
    contexte = indicateurs.Contexte(epci=epci, annee=2025, maintenant=dt.datetime(2026, 5, 31, 12, tzinfo=dt.UTC))
    # ten allocations filed on 15 January 2024, leases signed on 1 April 2025: 14.5 months each
    mesure = indicateurs.mesure(
        _indicateur(action, nature="DELAI_MEDIAN", commune=grenoble, valeur_cible=Decimal("12")), contexte
    )
    assert (mesure.base, mesure.valeur, mesure.texte, mesure.atteint) == (10, Decimal("14.5"), f"14,5{NBSP}mois", False)
    contexte = indicateurs.Contexte(epci=epci, annee=2025, maintenant=dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
    mesure = indicateurs.mesure(_indicateur(action, nature="DELAI_MEDIAN", commune=grenoble), contexte)
    assert mesure.valeur is None and mesure.remarque.startswith("Secret statistique : Les effectifs inférieurs à 11")
    mesure = indicateurs.mesure(_indicateur(action, nature="OBJECTIF_C", commune=grenoble), contexte)
    assert mesure.valeur is None and mesure.texte == "< 11"
    vide = indicateurs.mesure(
        _indicateur(action, nature="DELAI_MEDIAN", commune=monde_politique["communes"]["38151"]), contexte
    )
    assert vide.valeur is None and vide.base == 0


def test_valeur_saisie_avec_sa_date_et_sa_source(monde_politique):
    version = adopter_cia(monde_politique)
    action = version.actions.get()
    acteur = monde_politique["users"]["epci"]
    with pytest.raises(RegleError, match="ne se modifie plus"):
        services.ajouter_indicateur(action, acteur=acteur, libelle="Rendez-vous", nature="SAISIE")
    calcule = action.indicateurs.get()
    with pytest.raises(RegleError, match="calculé par la plateforme"):
        services.saisir_valeur(calcule, acteur=acteur, valeur=Decimal("3"), date=dt.date(2025, 12, 31), source="x")
    saisi = Indicateur.objects.create(
        action=action, libelle="Rendez-vous tenus", nature="SAISIE", valeur_cible=Decimal("90")
    )
    with pytest.raises(RegleError, match="d'où vient la valeur"):
        services.saisir_valeur(saisi, acteur=acteur, valeur=Decimal("87"), date=dt.date(2025, 12, 31), source=" ")
    services.saisir_valeur(saisi, acteur=acteur, valeur=Decimal("87"), date=dt.date(2025, 12, 31), source="Relevé")
    mesure = indicateurs.mesure(saisi, indicateurs.Contexte(epci=monde_politique["epci"], annee=2025))
    assert (mesure.texte, mesure.atteint, mesure.date, mesure.source) == ("87", False, dt.date(2025, 12, 31), "Relevé")


@pytest.mark.parametrize(
    ("nature", "portee", "message"),
    [
        ("OBJECTIF_A", "reservataire", "ne se mesure pas"),  # objective A is not per reservation holder
        ("DELAI_MEDIAN", "bailleur", "ne se mesure pas"),
        ("INCONNUE", None, "inconnue"),
    ],
)
def test_natures_et_perimetres_refuses(monde_politique, nature, portee, message):
    version = adopter_cia(monde_politique)
    orgs = {"reservataire": monde_politique["action_logement"], "bailleur": monde_politique["bailleur"]}
    indicateur = _indicateur(version.actions.get(), nature=nature, **({portee: orgs[portee]} if portee else {}))
    with pytest.raises(RegleError, match=message):
        indicateurs.verifie(indicateur)


def test_cible_d_un_taux_entre_0_et_100(monde_politique):
    version = adopter_cia(monde_politique)
    with pytest.raises(RegleError, match="entre 0 et 100"):
        indicateurs.verifie(_indicateur(version.actions.get(), nature="OBJECTIF_A", valeur_cible=Decimal("42.5")))
    assert (
        indicateurs.cible_texte(_indicateur(None, nature="OBJECTIF_A", valeur_cible=Decimal("0.425"))) == "42,5\u00a0%"
    )
    assert (
        indicateurs.cible_texte(_indicateur(None, nature="DELAI_MEDIAN", valeur_cible=Decimal("18"))) == "18\u00a0mois"
    )
