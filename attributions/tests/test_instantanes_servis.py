"""The objectives pages and API are served from the stored snapshot while it is fresh, never from a stale one.

A snapshot is fresh when the freshness marker of its EPCI-year (``VersionDecisions``, raised by every write to a
decision counted in that year) and the first-quartile threshold are those it counted with. A partial view (a
landlord's, a holder's) is derived from the snapshot's rows of that organisation only.
"""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attributions import selectors, services
from attributions.models import DecisionCaleol, InstantaneObjectifs, VersionDecisions
from attributions.selectors import calcule_objectifs_epci
from attributions.services import import_attributions, objectifs_servis
from cil.models import Bailleur, SeuilQuartile
from tests.fixtures.f1 import fichier_f1, ligne_f1

from .conftest import BAILLEUR_A, BAILLEUR_B

pytestmark = pytest.mark.django_db

TABLE_DECISIONS = DecisionCaleol._meta.db_table
# session, user, memberships, the EPCI, threshold, marker, snapshot, names, legal and local targets, sectors
REQUETES_API = {"epci": 14, "bailleur_a": 14}
REQUETES_TABLEAU = {"epci": 23, "commune": 22}


def _comptent_les_decisions(requetes) -> list[str]:
    return [q["sql"] for q in requetes if TABLE_DECISIONS in q["sql"]]


def _nouvelle_decision(**champs) -> DecisionCaleol:
    """A copy of an existing decision (another household), saved through the ORM as the services do."""
    modele = DecisionCaleol.objects.get(numero_unique="1")
    decision = DecisionCaleol(
        **{f.attname: getattr(modele, f.attname) for f in DecisionCaleol._meta.concrete_fields if not f.primary_key}
    )
    decision.numero_unique = "NOUVEAU"
    for cle, valeur in champs.items():
        setattr(decision, cle, valeur)
    decision.save()
    return decision


def test_la_page_compte_une_fois_puis_sert_le_stockage(acteurs):
    epci = acteurs["epci"].memberships.get().epci
    premier, calcule_le = objectifs_servis(acteurs["epci"], epci, 2025)
    instantane = InstantaneObjectifs.objects.get(annee=2025)
    assert instantane.declencheur == InstantaneObjectifs.Declencheur.LECTURE
    assert instantane.calcule_le == calcule_le
    assert premier == calcule_objectifs_epci(epci, 2025)  # the stored rows give exactly the live figures

    with CaptureQueriesContext(connection) as requetes:
        second, calcule_le_2 = objectifs_servis(acteurs["epci"], epci, 2025)
    assert second == premier
    assert calcule_le_2 == calcule_le
    assert _comptent_les_decisions(requetes.captured_queries) == []  # nothing counted again
    assert InstantaneObjectifs.objects.count() == 1


def test_une_decision_enregistree_apres_l_instantane_apparait_aussitot(acteurs):
    epci = acteurs["epci"].memberships.get().epci
    avant, _ = objectifs_servis(acteurs["epci"], epci, 2025)
    _nouvelle_decision()  # after the snapshot
    apres, _ = objectifs_servis(acteurs["epci"], epci, 2025)
    assert apres["hors_qpv"]["base"] == avant["hors_qpv"]["base"] + 1
    assert apres == calcule_objectifs_epci(epci, 2025)
    # the new figure is stored: the next reader is served from it
    with CaptureQueriesContext(connection) as requetes:
        assert objectifs_servis(acteurs["epci"], epci, 2025)[0] == apres
    assert _comptent_les_decisions(requetes.captured_queries) == []


def test_une_decision_supprimee_ou_deplacee_d_annee_rend_l_instantane_perime(acteurs):
    epci = acteurs["epci"].memberships.get().epci
    decision = _nouvelle_decision()
    base_2025 = objectifs_servis(acteurs["epci"], epci, 2025)[0]["hors_qpv"]["base"]
    # its lease moves to the next year: 2025 loses it (the year it leaves is marked, not only the one it enters)
    decision.date_bail = dt.date(2026, 1, 15)
    decision.save()
    assert objectifs_servis(acteurs["epci"], epci, 2025)[0]["hors_qpv"]["base"] == base_2025 - 1
    decision.date_bail = dt.date(2025, 6, 1)
    decision.save()
    assert objectifs_servis(acteurs["epci"], epci, 2025)[0]["hors_qpv"]["base"] == base_2025
    decision.delete()
    assert objectifs_servis(acteurs["epci"], epci, 2025)[0]["hors_qpv"]["base"] == base_2025 - 1


def test_un_import_apres_l_instantane_le_rend_perime(acteurs):
    epci = acteurs["epci"].memberships.get().epci
    avant, _ = objectifs_servis(acteurs["epci"], epci, 2025)
    version = VersionDecisions.objects.get(epci=epci, annee=2025).version
    lignes = [ligne_f1(numero_unique="50", bailleur_siren=BAILLEUR_A, logement_id="L50", ressources_mensuelles="700")]
    import_attributions(contenu=fichier_f1(lignes), nom_fichier="e.csv", recalculer=False)  # bulk writes
    assert VersionDecisions.objects.get(epci=epci, annee=2025).version > version
    apres, _ = objectifs_servis(acteurs["epci"], epci, 2025)
    assert apres["hors_qpv"]["base"] == avant["hors_qpv"]["base"] + 1
    assert apres == calcule_objectifs_epci(epci, 2025)


def test_une_ecriture_pendant_le_comptage_ne_laisse_pas_un_instantane_frais(acteurs, monkeypatch):
    """The marker is read before counting: a write that commits while the snapshot is being counted leaves it
    stale, so the next reader counts again instead of keeping a figure that may miss that write."""
    epci = acteurs["epci"].memberships.get().epci
    compte = selectors.compte_cube

    def compte_puis_ecriture(*args, **kwargs):
        cube = compte(*args, **kwargs)
        _nouvelle_decision()  # written (and committed) after the count, before the snapshot is stored
        return cube

    monkeypatch.setattr(selectors, "compte_cube", compte_puis_ecriture)
    services.enregistrer_instantane(epci=epci, annee=2025, declencheur="NUIT", simulation=False)
    monkeypatch.setattr(selectors, "compte_cube", compte)
    servi, _ = objectifs_servis(acteurs["epci"], epci, 2025)
    assert servi == calcule_objectifs_epci(epci, 2025)
    assert servi["hors_qpv"]["base"] == DecisionCaleol.objects.filter(selectors.q_base_hors_qpv(2025)).count()


def test_un_nouveau_seuil_rend_l_instantane_perime(acteurs):
    epci = acteurs["epci"].memberships.get().epci
    objectifs_servis(acteurs["epci"], epci, 2025)
    SeuilQuartile.objects.filter(epci=epci, annee=2025).update(seuil_q1=1)  # nobody is under it any more
    servi, _ = objectifs_servis(acteurs["epci"], epci, 2025)
    assert servi == calcule_objectifs_epci(epci, 2025)
    assert servi["seuil_q1"] == 1


def test_le_recalcul_de_nuit_est_servi_tel_quel(acteurs):
    epci = acteurs["epci"].memberships.get().epci
    nuit = services.enregistrer_instantane(epci=epci, annee=2025, declencheur="NUIT")
    with CaptureQueriesContext(connection) as requetes:
        servi, calcule_le = objectifs_servis(acteurs["epci"], epci, 2025)
    assert calcule_le == nuit.calcule_le
    assert _comptent_les_decisions(requetes.captured_queries) == []
    assert servi == {k: v for k, v in nuit.resultat.items() if k != "simulation_seuil"}


# --- Scoping through the stored path: an organisation's share, never another's ------------------------------


@pytest.fixture
def instantane_du_territoire(acteurs):
    """The territory's snapshot exists and is fresh before the partial views are read."""
    epci = acteurs["epci"].memberships.get().epci
    services.enregistrer_instantane(epci=epci, annee=2025, declencheur="NUIT", simulation=False)
    return epci


@pytest.mark.parametrize("role", ["bailleur_a", "commune"])
def test_la_part_d_une_organisation_est_servie_du_stockage_et_exacte(acteurs, instantane_du_territoire, role):
    user = acteurs[role]
    epci = instantane_du_territoire
    with CaptureQueriesContext(connection) as requetes:
        servi, _ = objectifs_servis(user, epci, 2025)
    assert _comptent_les_decisions(requetes.captured_queries) == []
    organisations = {
        "bailleur": set(user.memberships.exclude(bailleur=None).values_list("bailleur", flat=True)),
        "reservataire": set(user.memberships.exclude(reservataire=None).values_list("reservataire", flat=True)),
    }
    live = calcule_objectifs_epci(
        epci, 2025, queryset=DecisionCaleol.objects.for_user(user), organisations=organisations
    )
    assert servi == live
    assert InstantaneObjectifs.objects.count() == 1


def test_un_bailleur_ne_voit_jamais_un_autre_bailleur_par_l_instantane(client, acteurs, instantane_du_territoire):
    autre = Bailleur.objects.get(siren=BAILLEUR_B)
    client.force_login(acteurs["bailleur_a"])
    page = client.get(reverse("attributions:tableau_de_bord"), {"annee": "2025"})
    api = client.get(reverse("api-objectifs"), {"epci": "200040715", "annee": "2025", "details": "1"})
    assert page.status_code == api.status_code == 200
    r = page.context["r"]
    assert [b["id"] for b in r["bailleurs"]] == [BAILLEUR_A]
    assert (r["hors_qpv"]["base"], r["qpv"]["base"]) == (2, 0)  # only its two decisions
    corps = json.dumps(api.json())
    assert api.json()["perimetre"] == "organisation"
    assert [b["id"] for b in api.json()["bailleurs"]] == [BAILLEUR_A]
    for texte in (page.content.decode(), corps):
        assert BAILLEUR_B not in texte and autre.nom not in texte
    assert "Instantanés enregistrés" not in page.content.decode()


def test_le_reservataire_ne_voit_que_ses_attributions(client, acteurs, instantane_du_territoire):
    client.force_login(acteurs["commune"])
    api = client.get(reverse("api-objectifs"), {"epci": "200040715", "annee": "2025", "details": "1"}).json()
    assert [(x["type"], x["base"]) for x in api["reservataires"]] == [("COMMUNE", 1)]
    assert [b["id"] for b in api["bailleurs"]] == [BAILLEUR_B]  # the landlord of its one allocation
    assert api["hors_qpv"]["base"] == 1


def test_la_page_dit_quand_les_chiffres_ont_ete_calcules(client, acteurs, instantane_du_territoire):
    client.force_login(acteurs["epci"])
    response = client.get(reverse("attributions:tableau_de_bord"), {"epci": "200040715", "annee": "2025"})
    contenu = response.content.decode()
    assert 'id="calcule-le"' in contenu and "Chiffres calculés le" in contenu
    assert "Recalculer et enregistrer maintenant" in contenu
    assert response.context["calcule_le"] == InstantaneObjectifs.objects.get(annee=2025).calcule_le


@pytest.mark.parametrize("role", ["epci", "bailleur_a", "commune"])
@pytest.mark.parametrize("annee", [2024, 2025])
def test_les_chiffres_de_la_comparaison_des_annees_sont_ceux_du_moteur(acteurs, role, annee):
    """The dashboard's comparison of years reads each year's four figures without local targets or breakdowns
    (``figures_servies``): the same counts, rates and displayed rates as the engine's, for the whole territory
    and for an organisation's share (never another organisation's decisions)."""
    user = acteurs[role]
    epci = acteurs["epci"].memberships.get().epci
    moteur, _ = objectifs_servis(user, epci, annee, details=False)
    figures = services.figures_servies(user, epci, annee)
    assert figures["annee"] == annee and figures["provisoire"] == moteur["provisoire"]
    for code in ("hors_qpv", "qpv", "prioritaires", "mutations"):
        sans_cible_locale = {k: v for k, v in moteur[code].items() if k not in ("cible_locale", "locale")}
        assert {k: v for k, v in figures[code].items() if k not in ("cible_locale", "locale")} == sans_cible_locale
        assert figures[code]["locale"] is None
    assert set(figures) == {"annee", "provisoire", "hors_qpv", "qpv", "prioritaires", "mutations"}


def test_la_comparaison_des_annees_d_un_bailleur_ne_compte_que_ses_attributions(client, acteurs):
    client.force_login(acteurs["bailleur_a"])
    page = client.get(reverse("attributions:tableau_de_bord"), {"annee": "2025"})
    epci = acteurs["epci"].memberships.get().epci
    territoire = services.figures_servies(acteurs["epci"], epci, 2025)
    ligne = next(h for h in page.context["historique"] if h["annee"] == 2025)
    assert ligne["hors_qpv"]["base"] == 2 < territoire["hors_qpv"]["base"]  # only its two decisions
    anterieures = [h for h in page.context["historique"] if h["annee"] < 2025]
    assert anterieures  # the years before, with a threshold of their own in the fixture
    for h in anterieures:
        assert h == services.figures_servies(acteurs["bailleur_a"], epci, h["annee"])


# --- Pinned numbers of queries: served from the snapshot, a page's cost does not grow with the decisions ----------


@pytest.mark.parametrize("role", ["epci", "bailleur_a"])
def test_api_servie_du_stockage_en_requetes_fixes(
    client, acteurs, instantane_du_territoire, role, django_assert_num_queries
):
    client.force_login(acteurs[role])
    parametres = {"epci": "200040715", "annee": "2025", "details": "1"}
    client.get(reverse("api-objectifs"), parametres)  # the session's first request
    _nouvelle_decision(date_decision=dt.date(2025, 3, 1))  # more decisions: the same number of queries
    client.get(reverse("api-objectifs"), parametres)  # counted once again after the write, and stored
    with django_assert_num_queries(REQUETES_API[role]):
        assert client.get(reverse("api-objectifs"), parametres).status_code == 200


@pytest.mark.parametrize("role", ["epci", "commune"])
def test_tableau_de_bord_servi_du_stockage_en_requetes_fixes(
    client, acteurs, instantane_du_territoire, role, django_assert_num_queries
):
    client.force_login(acteurs[role])
    parametres = {"epci": "200040715", "annee": "2025"}
    client.get(reverse("attributions:tableau_de_bord"), parametres)  # the history's years counted and stored
    with django_assert_num_queries(REQUETES_TABLEAU[role]):
        assert client.get(reverse("attributions:tableau_de_bord"), parametres).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_des_lecteurs_simultanes_d_une_annee_perimee_comptent_une_seule_fois(acteurs, monkeypatch):
    """PostgreSQL: the readers of a stale year queue on the EPCI-year's advisory lock; the first counts and stores,
    the others find the stored snapshot (one count, one snapshot), and every reader gets the same figures."""
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's (SQLite serialises its writers)")
    epci = acteurs["epci"].memberships.get().epci
    compte, comptages, resultats = selectors.compte_cube, [], []

    def compte_lent(*args, **kwargs):
        comptages.append(1)
        cube = compte(*args, **kwargs)
        threading.Event().wait(0.5)  # the others arrive while it counts
        return cube

    monkeypatch.setattr(selectors, "compte_cube", compte_lent)

    def lecteur():
        try:
            resultats.append(objectifs_servis(acteurs["epci"], epci, 2025)[0])
        finally:
            connection.close()

    fils = [threading.Thread(target=lecteur) for _ in range(4)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    assert len(resultats) == 4 and all(r == resultats[0] for r in resultats)
    assert len(comptages) == 1
    assert InstantaneObjectifs.objects.filter(annee=2025).count() == 1
