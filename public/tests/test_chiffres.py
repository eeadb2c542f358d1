"""The nightly figures per commune and typology: what is counted, on which date, masked how; in SQL.

Run on SQLite and PostgreSQL (percentiles: PostgreSQL's percentile_cont, core.db.Percentile on SQLite)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cil import secret
from cil.models import RegleSecret
from cil.selectors import regle_secret
from demandes import selectors as demandes_selectors
from demandes.models import Demande
from public import chiffres, selectors, services
from public.models import ChiffresPublics

from .conftest import JOUR

COMPTES = ("demandes_en_cours", "attributions_12_mois")


def _sans_secret(territoire):
    RegleSecret.objects.create(epci=territoire.epci, seuil=1, date_debut=dt.date(2020, 1, 1), source="test")


def _ligne(lignes, code, typo):
    return next(li for li in lignes if li["code_geo"] == code and li["typologie"] == typo)


def _radier(demande, jour):
    Demande.objects.filter(pk=demande.pk).update(statut="RADIEE", motif_radiation="RENONCIATION", date_radiation=jour)


@pytest.fixture
def jeu(territoire):
    t = territoire
    t.demande(["38185", "38151"], ["T3", "T2"])  # counted in both communes, as a T3
    t.demande(["38185"], ["T3"], depot=dt.date(2020, 1, 1), salaire="800")  # five years or more, Q1
    t.demande(["38151"], ["T6"], depot=dt.date(2026, 1, 1), salaire="1000", enfants=2)  # T5+, Q1 (1.6 UC)
    t.demande(["38185"], [])  # no typology: not in the table
    t.demande(["38185"], ["T1"], depot=dt.date(2026, 11, 15))  # filed after the date
    _radier(t.demande(["38185"], ["T3"]), dt.date(2026, 9, 1))  # radiated before the date
    _radier(t.demande(["38185"], ["T3"]), dt.date(2026, 11, 10))  # radiated after: in force on the date
    t.demande(["38158"], ["T2"], salaire="893.00")  # exactly at the threshold: first quartile
    d = t.demande(["38158"], ["T2"], salaire="950")  # an expected child does not count before its birth
    d.membres.create(lien="ENFANT", nom="X", prenom="Y", date_naissance=dt.date(2026, 12, 15), enfant_a_naitre=True)

    a = t.attribution
    a("38185", "T3", depot=dt.date(2025, 1, 1), decision=dt.date(2026, 3, 1), bail=dt.date(2026, 4, 1))  # 455 d
    a("38185", "T3", depot=dt.date(2024, 1, 1), decision=dt.date(2026, 5, 1))  # 851 days, no lease
    a("38185", "T3", depot=dt.date(2026, 1, 1), decision=dt.date(2026, 10, 1), bail=dt.date(2026, 11, 15))  # 273
    a("38185", "T3", depot=dt.date(2024, 1, 1), decision=dt.date(2025, 10, 31))  # outside the 12 months
    a("38185", "T3", depot=dt.date(2024, 1, 1), decision=dt.date(2026, 6, 1), type_="ATTRIBUTION_RANG", rang=2)
    a("38185", "T3", depot=dt.date(2024, 1, 1), decision=dt.date(2026, 6, 1), type_="NON_ATTRIBUTION")
    a("38151", "T6", depot=dt.date(2025, 11, 1), decision=dt.date(2026, 2, 1), ressources="800")  # T5+, Q1
    a("38151", "T3", depot=dt.date(2025, 1, 1), decision=dt.date(2025, 12, 15), ressources="850")  # Q1 (2025)
    return t


def test_ce_qui_est_compte(jeu):
    _sans_secret(jeu)
    lignes, parametres = chiffres.tableau_publie(jeu.epci, JOUR, 1)
    assert len(lignes) == 4 * 6  # three communes and the territory, five typologies and the whole

    grenoble_t3 = _ligne(lignes, "38185", "T3")
    assert grenoble_t3["demandes_en_cours"] == 3
    assert grenoble_t3["attributions_12_mois"] == 3
    assert grenoble_t3["demandes_par_attribution"] == 1.0
    assert grenoble_t3["delai_median_mois"] == 14.9  # 455 days
    assert grenoble_t3["delai_80e_centile_mois"] == 22.8  # 455 + 0.6 x (851 - 455) = 692.6 days
    assert grenoble_t3["part_demandes_5_ans_ou_plus"] == 33.3
    assert grenoble_t3["part_q1_demandes"] == 33.3
    assert grenoble_t3["part_q1_attributions"] == 0.0
    assert _ligne(lignes, "38185", "T1")["demandes_en_cours"] == 0
    assert _ligne(lignes, "38185", "T1")["delai_median_mois"] is None  # nothing observed: no figure

    echirolles = _ligne(lignes, "38151", "T5+")
    assert (echirolles["demandes_en_cours"], echirolles["attributions_12_mois"]) == (1, 1)
    assert echirolles["part_q1_demandes"] == 100.0 and echirolles["part_q1_attributions"] == 100.0
    assert _ligne(lignes, "38151", "T3")["part_q1_attributions"] == 100.0  # judged on the 2025 threshold
    assert _ligne(lignes, "38151", "ensemble")["demandes_en_cours"] == 2

    eybens = _ligne(lignes, "38158", "T2")
    assert eybens["demandes_en_cours"] == 2 and eybens["part_q1_demandes"] == 50.0

    # the territory's row counts each demand once (the communes' rows count it in each wished commune)
    territoire = _ligne(lignes, "200040715", "ensemble")
    assert territoire["niveau"] == "epci"
    assert territoire["demandes_en_cours"] == 6
    assert sum(_ligne(lignes, c, "ensemble")["demandes_en_cours"] for c in ("38185", "38151", "38158")) == 7
    assert territoire["attributions_12_mois"] == 5
    assert territoire["part_q1_demandes"] == 50.0
    assert _ligne(lignes, "200040715", "T3")["delai_median_mois"] == 13.2  # 273, 349, 455, 851 days
    assert parametres["fenetre_attributions"] == ["2025-10-31", "2026-10-31"]


def _valeurs_publiees(lignes, champ):
    return {(li["code_geo"], li["typologie"]): li[champ] for li in lignes}


def _verifie_secret(lignes, seuil, codes, siren):
    for li in lignes:
        for champ in COMPTES:
            v = li[champ]
            assert v == chiffres.SECRET or v == 0 or v >= seuil, (li, champ)
        if li["attributions_12_mois"] == chiffres.SECRET:
            for champ in ("delai_median_mois", "delai_80e_centile_mois", "demandes_par_attribution"):
                assert li[champ] == chiffres.SECRET
        if li["demandes_en_cours"] == chiffres.SECRET:
            assert li["part_demandes_5_ans_ou_plus"] == chiffres.SECRET
    # no masked count can be recomputed from the printed ones
    for champ, additives in (("demandes_en_cours", False), ("attributions_12_mois", True)):
        publiees = _valeurs_publiees(lignes, champ)
        valeurs, masques = {}, set()
        for (code, typo), v in publiees.items():
            cle = (secret.TOTAL if code == siren else code, typo)
            valeurs[cle] = 0 if v == chiffres.SECRET else v
            if v == chiffres.SECRET:
                masques.add(cle)
        relations = secret.relations_grille(codes, chiffres.TYPOLOGIES, colonnes_additives=additives)
        assert not secret.recalculables(valeurs, relations, masques)
        for relation in relations:
            assert sum(m in masques for m in relation.membres) != 1


def test_aucune_case_sous_le_seuil_n_est_publiee(territoire):
    t = territoire
    for i in range(12):
        t.demande(["38185"], ["T3"], salaire="800" if i % 2 else "2500")
    for _ in range(3):
        t.demande(["38185"], ["T2"])
    for _ in range(11):
        t.demande(["38151"], ["T3"])
    for i in range(14):
        t.attribution("38185", "T3", depot=dt.date(2025, 1, 1), decision=dt.date(2026, 3, 1 + i))
    t.attribution("38151", "T2", depot=dt.date(2025, 1, 1), decision=dt.date(2026, 3, 1))

    resultat = services.calculer_chiffres(t.epci, JOUR)
    assert resultat.seuil_secret == 10  # the platform's default rule (Platform decision 11)
    assert "inférieurs à 10" in resultat.regle_secret
    lignes = resultat.lignes
    _verifie_secret(lignes, 10, ["38185", "38151", "38158"], "200040715")

    grenoble = {li["typologie"]: li for li in lignes if li["code_geo"] == "38185"}
    assert grenoble["T2"]["demandes_en_cours"] == chiffres.SECRET  # 3: primary
    assert grenoble["T3"]["demandes_en_cours"] == chiffres.SECRET  # 12: secondary, else 15 - 12 = 3
    assert grenoble["ensemble"]["demandes_en_cours"] == 15
    assert _ligne(lignes, "38151", "T3")["demandes_en_cours"] == 11
    # one allocation in Échirolles: masked, and so is a second cell of its row, column and the margins
    assert _ligne(lignes, "38151", "T2")["attributions_12_mois"] == chiffres.SECRET
    assert resultat.parametres["cases_masquees"] > 0


def test_le_seuil_est_un_reglage_du_territoire_avec_ses_dates(territoire):
    RegleSecret.objects.create(epci=territoire.epci, seuil=5, date_debut=dt.date(2026, 1, 1), source="CIL du 3 mars")
    assert regle_secret(territoire.epci, JOUR).seuil == 5
    assert regle_secret(territoire.epci, dt.date(2025, 12, 31)).seuil == 10


def test_calcul_en_sql_le_nombre_de_requetes_ne_depend_pas_du_volume(jeu):
    services.calculer_chiffres(jeu.epci, JOUR)  # then both measures below rewrite the stored row
    with CaptureQueriesContext(connection) as petit:
        services.calculer_chiffres(jeu.epci, JOUR)
    for _ in range(15):
        jeu.demande(["38185", "38151"], ["T4"], enfants=1)
        jeu.attribution("38158", "T4", depot=dt.date(2025, 1, 1), decision=dt.date(2026, 4, 1))
    with CaptureQueriesContext(connection) as grand:
        services.calculer_chiffres(jeu.epci, JOUR)
    assert len(grand) == len(petit) <= 20


def test_calcul_de_nuit_hier_la_fin_du_mois_et_l_elagage(jeu):
    aujourd_hui = dt.date(2026, 11, 20)
    vieux = dt.date(2026, 11, 2)
    ChiffresPublics.objects.create(
        epci=jeu.epci, jour=vieux, calcule_le="2026-11-03T04:15:00Z", seuil_secret=10, regle_secret="r"
    )
    services.calculer_nuit(aujourd_hui)
    jours = set(ChiffresPublics.objects.filter(epci=jeu.epci).values_list("jour", flat=True))
    assert jours == {dt.date(2026, 11, 19), dt.date(2026, 10, 31)}  # 2 November pruned, the month end kept
    assert selectors.fichiers_mensuels(jeu.epci) == [dt.date(2026, 10, 31)]
    premier = ChiffresPublics.objects.get(epci=jeu.epci, jour=dt.date(2026, 10, 31)).lignes
    services.calculer_nuit(dt.date(2026, 11, 21))  # idempotent: the month end is not recomputed …
    assert ChiffresPublics.objects.get(epci=jeu.epci, jour=dt.date(2026, 10, 31)).lignes == premier
    # … and recomputing it from the database gives the same file
    assert services.calculer_chiffres(jeu.epci, dt.date(2026, 10, 31)).lignes == premier


@pytest.mark.parametrize("jour", [dt.date(2026, 2, 28), dt.date(2028, 2, 29)])
def test_quatorze_ans(jour):
    limite = demandes_selectors._quatorze_ans_avant(jour)
    from attributions.rules import age_au

    assert age_au(limite, jour) == 14
    assert age_au(limite + dt.timedelta(days=1), jour) == 13


def test_tache_de_nuit_planifiee(jeu, settings):
    from public.tasks import calculer_chiffres_publics

    planifiee = settings.CELERY_BEAT_SCHEDULE["chiffres-publics-chaque-nuit"]
    assert planifiee["task"] == calculer_chiffres_publics.name
    assert calculer_chiffres_publics.delay().get() >= 1  # eager in tests: yesterday, plus the last month end
    assert selectors.derniers_chiffres(jeu.epci) is not None
