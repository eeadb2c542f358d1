"""The abnormally long delay (L. 441-1-4): the préfet's order as dated data, the pure rule that picks a demand's
delay, and the nightly detection (idempotent, radiated demands leave the list)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import TacheExecution
from demandes import rules, selectors, services
from demandes.models import DelaiAnormalementLong, DelaiDepasse, Demande
from demandes.tasks import NOM_TACHE_DELAIS, detecter_delais_anormalement_longs
from demandes.tests.factories import DemandeFactory

R = rules.RegleDelai
DEP = [R(24), R(36, typologie="T5")]
TERRITOIRE = [R(24), R(18, epci_id=7), R(30, epci_id=7, typologie="T4"), R(36, typologie="T5")]


@pytest.mark.parametrize(
    ("regles", "epci_id", "typologies", "attendu"),
    [
        ([], 1, ["T2"], None),  # no order in force
        (DEP, 1, ["T2"], 24),  # the département's delay
        (DEP, 1, ["T5"], 36),  # a typology's own delay
        (DEP, 1, ["T2", "T5"], 24),  # several typologies: the shortest
        (DEP, 1, [], 24),  # no typology: the delay for every typology
        ([R(36, typologie="T5")], 1, ["T2"], None),  # only another typology is set
        ([R(36, typologie="T5")], 1, [], None),
        (TERRITOIRE, 7, ["T2"], 18),  # the territory's row wins over the département's
        (TERRITOIRE, 7, ["T4"], 30),  # territory and typology: the most specific
        (TERRITOIRE, 7, ["T5"], 18),  # the territory's row for every typology beats the département's T5
        (TERRITOIRE, 8, ["T4"], 24),  # another territory: the département's rows only
        (TERRITOIRE, 8, ["T5", "T4"], 24),
        (TERRITOIRE, None, ["T5"], 36),
    ],
)
def test_delai_applicable(regles, epci_id, typologies, attendu):
    assert rules.delai_applicable(regles, epci_id, typologies) == attendu


@pytest.mark.parametrize(
    ("jour", "mois", "limite"),
    [
        (dt.date(2026, 6, 15), 24, dt.date(2024, 6, 15)),
        (dt.date(2026, 2, 28), 1, dt.date(2026, 1, 31)),  # 31 January + 1 month = 28 February
        (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 2, 29), 12, dt.date(2027, 2, 28)),
        (dt.date(2026, 3, 1), 12, dt.date(2025, 3, 1)),
    ],
)
def test_depot_limite(jour, mois, limite):
    assert rules.depot_limite(jour, mois) == limite


def test_depot_limite_equivaut_a_l_echeance_atteinte():
    """For every filing date around month ends: filed on or before the limit <=> the delay is reached."""
    jour = dt.date(2026, 3, 30)
    for mois in (1, 6, 12, 24):
        limite = rules.depot_limite(jour, mois)
        for decalage in range(-70, 5):
            depot = limite + dt.timedelta(days=decalage)
            assert (depot <= limite) == (rules.echeance_delai(depot, mois) <= jour), (mois, depot)


def test_jours_au_dela():
    assert rules.jours_au_dela(dt.date(2026, 1, 1), dt.date(2026, 1, 31)) == 30
    assert rules.jours_au_dela(dt.date(2026, 1, 1), dt.date(2025, 12, 31)) == -1


def _delai(mois=24, **kw):
    valeurs = {"departement": "38", "date_debut": dt.date(2020, 1, 1), "source": "Arrêté préfectoral de test"}
    valeurs.update(kw)
    return DelaiAnormalementLong.objects.create(mois=mois, **valeurs)


def test_deux_periodes_qui_se_chevauchent_sont_refusees(db):
    _delai()
    doublon = DelaiAnormalementLong(departement="38", mois=30, date_debut=dt.date(2024, 1, 1), source="x")
    with pytest.raises(ValidationError, match="chevauche"):
        doublon.full_clean()
    autre_typo = DelaiAnormalementLong(
        departement="38", typologie="T5", mois=36, date_debut=dt.date(2024, 1, 1), source="x"
    )
    autre_typo.full_clean()  # another typology is another parameter


@pytest.fixture
def stock(monde_demandes):
    today = timezone.localdate()
    ancien = today - dt.timedelta(days=365 * 3)
    g = monde_demandes.guichet
    return {
        "ancienne": DemandeFactory(guichet=g, date_depot=ancien, nom="Ancienne", prioritaire=True),
        "recente": DemandeFactory(guichet=g, date_depot=today - dt.timedelta(days=200), nom="Recente"),
        "grande": DemandeFactory(guichet=g, date_depot=ancien, nom="Grande", typologies=["T5"]),
        "radiee": DemandeFactory(guichet=g, date_depot=ancien, nom="Radiee"),
        "ailleurs": DemandeFactory(guichet=monde_demandes.guichet_autre, date_depot=ancien, nom="Ailleurs"),
        "sans_typo": DemandeFactory(guichet=g, date_depot=ancien, nom="Sanstypo", typologies=[]),
    }


def test_detection_idempotente_et_radiation(monde_demandes, stock):
    _delai(24)
    _delai(48, typologie="T5")
    services.radier(stock["radiee"], motif="RENONCIATION", acteur=monde_demandes.agent)
    premier = services.detecter_delais_depasses()
    listees = set(DelaiDepasse.objects.values_list("demande__nom", flat=True))
    # "Ailleurs" is in département 38 as well (Voiron): the order is the département's
    assert listees == {"Ancienne", "Ailleurs", "Sanstypo"}
    assert premier["nouvelles"] == 3 and premier["retirees"] == 0
    ligne = DelaiDepasse.objects.get(demande=stock["ancienne"])
    assert ligne.delai_mois == 24
    assert ligne.echeance == rules.add_months(stock["ancienne"].date_depot, 24)

    # a rerun (a retry, the next night) creates nothing and keeps the first detection date
    DelaiDepasse.objects.filter(pk=ligne.pk).update(detectee_le=dt.date(2026, 1, 2))
    second = services.detecter_delais_depasses()
    assert second["nouvelles"] == 0 and second["depassees"] == 3
    assert DelaiDepasse.objects.count() == 3
    assert DelaiDepasse.objects.get(pk=ligne.pk).detectee_le == dt.date(2026, 1, 2)

    # housed or radiated: the demand leaves the list at the next run
    services.radier(stock["ancienne"], motif="ATTRIBUTION", acteur=monde_demandes.agent)
    troisieme = services.detecter_delais_depasses()
    assert troisieme["retirees"] == 1
    assert not DelaiDepasse.objects.filter(demande=stock["ancienne"]).exists()


def test_un_delai_propre_au_territoire(monde_demandes, stock):
    _delai(48)
    _delai(12, epci=monde_demandes.epci)
    services.detecter_delais_depasses()
    listees = set(DelaiDepasse.objects.values_list("demande__nom", flat=True))
    # the territory's 12 months apply to its demands; Voiron's demand keeps the département's 48 months
    assert listees == {"Ancienne", "Grande", "Sanstypo", "Radiee"}
    assert DelaiDepasse.objects.get(demande=stock["grande"]).delai_mois == 12


def test_la_condition_sql_suit_la_regle_pure(monde_demandes, stock):
    _delai(24)
    _delai(30, typologie="T3", epci=monde_demandes.epci)
    _delai(40, typologie="T5")
    jour = timezone.localdate()
    par_dep = selectors.regles_delai_par_departement(jour)
    en_sql = set(
        Demande.objects.actives().filter(selectors.q_delai_depasse(jour, par_dep)).values_list("pk", flat=True)
    )
    attendues = set()
    for d in Demande.objects.actives().select_related("guichet__commune"):
        mois = rules.delai_applicable(par_dep[d.guichet.commune.departement], d.epci_id, d.typologies)
        if mois is not None and rules.echeance_delai(d.date_depot, mois) <= jour:
            attendues.add(d.pk)
    assert en_sql == attendues and stock["ancienne"].pk in en_sql and stock["grande"].pk not in en_sql


def test_tache_journalisee(monde_demandes, stock):
    _delai(24)
    resultat = detecter_delais_anormalement_longs.delay().get()
    execution = TacheExecution.objects.get(nom=NOM_TACHE_DELAIS)
    assert execution.statut == TacheExecution.Statut.REUSSIE
    assert execution.detail["depassees"] == resultat["depassees"] == DelaiDepasse.objects.count() > 0
