"""The neighbourhood index: computed indicators against a hand-built territory, the run and its history, the pages,
their scoping, the class on the vacancy, candidate and commission screens, the nightly task and the balance sheet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from attributions import rules
from attributions.models import Candidature, DecisionCaleol, Logement, SeanceCaleol, Vacance
from attributions.services import rattacher_logements_aux_quartiers
from attributions.tests.fabrique import creer_demande, utilisateur
from cil import services_quartiers
from cil.models import ClassementQuartiers, NoteQuartier, Quartier, ResultatQuartier
from cil.quartiers import Seuil, note, score
from cil.quartiers import classe as classe_du_score
from core.models import TacheExecution
from core.roles import Role
from observatoire import quartiers
from observatoire.tasks import NOM_TACHE_QUARTIERS, classer_quartiers_nuit

pytestmark = pytest.mark.django_db

JOUR = dt.date(2025, 12, 31)  # three years observed: 1 January 2023 to 31 December 2025


def _decision(monde, logement, numero, jour, type_="ATTRIBUTION", *, mensuel="2000", rang=None, dalo=False,
              prioritaire=False):  # fmt: skip
    mensuel = D(mensuel)
    return DecisionCaleol.objects.create(
        numero_unique=numero,
        date_depot=jour - dt.timedelta(days=400),
        date_decision=jour,
        type_decision=type_,
        rang=rang,
        logement=logement,
        bailleur=logement.bailleur,
        commune=logement.commune,
        epci=logement.epci,
        qpv=logement.qpv,
        typologie=logement.typologie,
        reservataire=monde["al"],
        ressources_mensuelles=mensuel,
        ressources_annuelles_e4=rules.ressources_annuelles_e4(mensuel),
        nb_personnes_14_plus=1,
        nb_enfants_moins_14=0,
        uc_dixiemes=rules.unites_consommation_dixiemes(1, 0),
        dalo=dalo,
        prioritaire=prioritaire,
    )


def _vacance(monde, logement, liberation, bail):
    return Vacance.objects.create(
        logement=logement,
        bailleur=logement.bailleur,
        epci=logement.epci,
        statut="BAIL_SIGNE",
        date_declaration=liberation,
        date_liberation=liberation,
        reservataire=monde["al"],
        date_bail=bail,
    )


def _candidature(monde, vacance, demande, rang, type_, reponse, date_reponse, motif=""):
    return Candidature.objects.create(
        vacance=vacance,
        demande=demande,
        reservataire=monde["al"],
        rang_propose=rang,
        designee_le=timezone.now(),
        type_decision=type_,
        reponse=reponse,
        motif_refus=motif,
        date_reponse=date_reponse,
    )


@pytest.fixture
def monde_quartiers(monde_attributions):
    """Two neighbourhoods of the metropolis and one of Lyon.

    Villeneuve (QPV, its dwelling AH-0002 attached by default). Allocations counted in 2023-2025: d1 (2025, first
    quartile, priority), d2 (2024, above the threshold, DALO), d5 (2023, under condition: no threshold loaded for
    2023, so outside the first-quartile base); not counted: a second-ranked candidate, a non-allocation, an
    allocation of 2022. So PART_Q1 = 1/2 = 50.0, PART_PRIORITAIRES = 2/3 = 66.7, ROTATION = 3 x 100 / (1 dwelling
    x 3 years) = 100.0. Two vacancies let after 60 and 30 days: DUREE_VACANCE = 45.0. Proposals answered: one
    refusal, one acceptance (a non-allocation and an answer of 2022 do not count): TAUX_REFUS = 50.0.

    Centre (AH-0001 and GH-0001 attached by hand): one allocation of 2025 above the threshold, not priority:
    PART_Q1 = 0.0, PART_PRIORITAIRES = 0.0, ROTATION = 1 x 100 / (2 x 3) = 16.7; no vacancy, no proposal.
    """
    m = monde_attributions
    epci = m["epci"]
    villeneuve = Quartier.objects.create(
        epci=epci, nom="Villeneuve", type="QPV", commune=m["communes"]["38185"], qpv=m["qpv"]
    )
    centre = Quartier.objects.create(epci=epci, nom="Centre", type="AUTRE", commune=m["communes"]["38185"])
    lyon = Quartier.objects.create(epci=m["autre_epci"], nom="Duchère", type="VEILLE", commune=m["communes"]["69123"])
    Logement.objects.filter(pk__in=[m["logement"].pk, m["logement_b"].pk]).update(quartier=centre)
    assert rattacher_logements_aux_quartiers(epci_ids=[epci.pk]) == 1  # AH-0002, in the QPV Villeneuve
    qpv = m["logement_qpv"]
    _decision(m, qpv, "D1", dt.date(2025, 3, 3), mensuel="500", prioritaire=True)
    _decision(m, qpv, "D2", dt.date(2024, 6, 3), dalo=True)
    _decision(m, qpv, "D3", dt.date(2025, 5, 5), "ATTRIBUTION_RANG", rang=2, mensuel="500", prioritaire=True)
    _decision(m, qpv, "D4", dt.date(2025, 7, 7), "NON_ATTRIBUTION", mensuel="500")
    _decision(m, qpv, "D5", dt.date(2023, 4, 3), "ATTRIBUTION_CONDITION", mensuel="500")
    _decision(m, qpv, "D6", dt.date(2022, 12, 30), mensuel="500", dalo=True)
    _decision(m, m["logement"], "D7", dt.date(2025, 2, 3))
    v1 = _vacance(m, qpv, dt.date(2025, 1, 1), dt.date(2025, 3, 2))  # 60 days
    _vacance(m, qpv, dt.date(2024, 1, 1), dt.date(2024, 1, 31))  # 30 days
    _vacance(m, qpv, dt.date(2022, 1, 1), dt.date(2022, 6, 30))  # let before the period
    demandes = [creer_demande(m, f"Candidat{i}", date_depot=dt.date(2023, 1, 2)) for i in range(4)]
    _candidature(m, v1, demandes[0], 1, "ATTRIBUTION_RANG", "REFUS", dt.date(2025, 2, 1), "LOCALISATION")
    _candidature(m, v1, demandes[1], 2, "ATTRIBUTION_RANG", "ACCEPTATION", dt.date(2025, 2, 15))
    _candidature(m, v1, demandes[2], 3, "NON_ATTRIBUTION", "", None)
    _candidature(m, v1, demandes[3], 4, "ATTRIBUTION", "REFUS", dt.date(2022, 2, 1), "LOYER")
    referentiel = services_quartiers.creer_referentiel(epci=epci, date_debut=dt.date(2023, 1, 1), source="test")
    return {**m, "villeneuve": villeneuve, "centre": centre, "lyon": lyon, "referentiel": referentiel}


def _valeurs(resultat: ResultatQuartier) -> dict:
    return {i["code"]: i["valeur"] for i in resultat.indicateurs}


def test_les_indicateurs_calcules_valent_le_calcul_a_la_main(monde_quartiers, django_assert_max_num_queries):
    m = monde_quartiers
    with django_assert_max_num_queries(8):  # thresholds (3 years x 1-2) and four grouped queries
        calcules = quartiers.indicateurs_calcules(m["epci"], dt.date(2023, 1, 1), JOUR, nb_annees=3)
    villeneuve, centre = calcules[m["villeneuve"].pk], calcules[m["centre"].pk]
    assert villeneuve["PART_Q1"] == {"valeur": D("50.0"), "numerateur": 1, "base": 2}
    assert villeneuve["PART_PRIORITAIRES"] == {"valeur": D("66.7"), "numerateur": 2, "base": 3}
    assert villeneuve["ROTATION"] == {"valeur": D("100.0"), "numerateur": 3, "base": 1}
    assert villeneuve["DUREE_VACANCE"] == {"valeur": D("45.0"), "base": 2}
    assert villeneuve["TAUX_REFUS"] == {"valeur": D("50.0"), "numerateur": 1, "base": 2}
    assert centre["PART_Q1"]["valeur"] == D("0.0")
    assert centre["PART_PRIORITAIRES"]["valeur"] == D("0.0")
    assert centre["ROTATION"] == {"valeur": D("16.7"), "numerateur": 1, "base": 2}
    assert "TAUX_REFUS" not in centre and "DUREE_VACANCE" not in centre
    assert m["lyon"].pk not in calcules


def test_le_logement_en_qpv_est_rattache_au_quartier_de_son_qpv(monde_quartiers):
    m = monde_quartiers
    quartiers.classer_quartiers(m["epci"], declencheur="DEMANDE", jour=JOUR)
    assert Logement.objects.get(pk=m["logement_qpv"].pk).quartier == m["villeneuve"]
    # a neighbourhood chosen by hand is kept
    Logement.objects.filter(pk=m["logement_qpv"].pk).update(quartier=m["centre"])
    quartiers.classer_quartiers(m["epci"], declencheur="DEMANDE", jour=JOUR)
    assert Logement.objects.get(pk=m["logement_qpv"].pk).quartier == m["centre"]


def test_le_classement_combine_calcules_et_saisies_et_garde_l_historique(monde_quartiers):
    m = monde_quartiers
    epci_staff = utilisateur("agent", Role.EPCI, m["epci"])
    for code, valeur in (("FORME_URBAINE", "2"), ("TRANQUILLITE", "1")):
        services_quartiers.saisir_note(
            quartier=m["villeneuve"], code=code, valeur=D(valeur), date_valeur=dt.date(2025, 6, 1),
            source="Diagnostic 2025", acteur=epci_staff,
        )  # fmt: skip
    premier = quartiers.classer_quartiers(m["epci"], declencheur="DEMANDE", acteur=epci_staff, jour=JOUR)
    r = premier.resultats.get(quartier=m["villeneuve"])
    # by hand with the default version: marks PART_Q1 (10-50, unfavourable) 50 -> 0; priority (10-60) 66.7 -> 0;
    # refusals (10-60) 50 -> 20; vacancy (15-120 days) 45 -> 71.4; turnover (4-16) 100 -> 0; urban form 2 on
    # 1-5 -> 25; tranquillity 1 -> 0. Weights 2, 1, 2, 1, 1, 1, 2 (age and services without a value, left out).
    attendu = (0 * 2 + 0 + 20 * 2 + D("71.4") + 0 + 25 + 0 * 2) / 10
    assert r.score == D(attendu).quantize(D("0.1"))
    assert (r.classe_code, r.classe_libelle, r.vigilance) == ("VIGILANCE", "vigilance", True)
    lignes = {i["code"]: i for i in r.indicateurs}
    assert lignes["TRANQUILLITE"]["source"] == "Diagnostic 2025"
    assert lignes["AGE_PARC"]["valeur"] is None and lignes["AGE_PARC"]["note"] is None
    assert lignes["TAUX_REFUS"]["numerateur"] == 1 and lignes["TAUX_REFUS"]["base"] == 2
    # the score is the pure functions' on the stored marks
    paires = [(None if i["note"] is None else D(str(i["note"])), D(str(i["poids"]))) for i in r.indicateurs]
    assert r.score == score(paires)
    assert premier.resultats.filter(quartier=m["lyon"]).count() == 0  # another territory's neighbourhood
    # better marks entered later: the next run differs, the first one is kept as it was
    for code in ("FORME_URBAINE", "AGE_PARC", "SERVICES", "TRANQUILLITE"):
        services_quartiers.saisir_note(
            quartier=m["villeneuve"], code=code, valeur=D("5"), date_valeur=dt.date(2025, 12, 1), source="Enquête"
        )
    second = quartiers.classer_quartiers(m["epci"], declencheur="NUIT", jour=JOUR)
    r2 = second.resultats.get(quartier=m["villeneuve"])
    assert r2.score > r.score
    assert ResultatQuartier.objects.filter(quartier=m["villeneuve"]).count() == 2
    r.refresh_from_db()
    assert r.classe_code == "VIGILANCE" and _valeurs(r)["TRANQUILLITE"] == 1.0
    assert NoteQuartier.objects.filter(quartier=m["villeneuve"], code="TRANQUILLITE").count() == 2


def test_une_saisie_posterieure_au_jour_ne_compte_pas(monde_quartiers):
    m = monde_quartiers
    for jour, valeur in ((dt.date(2025, 1, 1), "4"), (dt.date(2026, 6, 1), "1")):
        services_quartiers.saisir_note(
            quartier=m["centre"], code="SERVICES", valeur=D(valeur), date_valeur=jour, source="x"
        )
    classement = quartiers.classer_quartiers(m["epci"], declencheur="DEMANDE", jour=JOUR)
    assert _valeurs(classement.resultats.get(quartier=m["centre"]))["SERVICES"] == 4.0


def test_chaque_classe_selon_les_seuils_configures(monde_quartiers):
    m = monde_quartiers
    referentiel = m["referentiel"]
    # only the entered urban form counts: marks 0, 50 and 100 give each of the three default classes
    referentiel.indicateurs.exclude(code="FORME_URBAINE").delete()
    autre = Quartier.objects.create(epci=m["epci"], nom="Mistral", type="VEILLE", commune=m["communes"]["38185"])
    for quartier, valeur in ((m["villeneuve"], "1"), (m["centre"], "3"), (autre, "5")):
        services_quartiers.saisir_note(
            quartier=quartier, code="FORME_URBAINE", valeur=D(valeur), date_valeur=JOUR, source="x"
        )
    classement = quartiers.classer_quartiers(m["epci"], declencheur="DEMANDE", jour=JOUR)
    classes = {r.quartier.nom: (r.score, r.classe_libelle) for r in classement.resultats.select_related("quartier")}
    assert classes == {
        "Villeneuve": (D("0.0"), "vigilance"),
        "Centre": (D("50.0"), "équilibre"),
        "Mistral": (D("100.0"), "attractif"),
    }
    seuils = [Seuil(c.code, c.libelle, c.score_min) for c in referentiel.classes.all()]
    assert classe_du_score(note(D("3"), D("1"), D("5"), "FAVORABLE"), seuils).libelle == "équilibre"


def test_saisie_refusee_avec_un_message_clair(monde_quartiers):
    m = monde_quartiers
    with pytest.raises(services_quartiers.QuartierRefuse, match="calculé par la plateforme"):
        services_quartiers.saisir_note(
            quartier=m["centre"], code="TAUX_REFUS", valeur=D("3"), date_valeur=JOUR, source="x"
        )
    with pytest.raises(services_quartiers.QuartierRefuse, match="Source"):
        services_quartiers.saisir_note(
            quartier=m["centre"], code="SERVICES", valeur=D("3"), date_valeur=JOUR, source=" "
        )
    assert not NoteQuartier.objects.exists()


def test_sans_version_en_vigueur_le_classement_est_refuse(monde_quartiers):
    with pytest.raises(quartiers.ReferentielAbsent, match="Aucune version du référentiel"):
        quartiers.classer_quartiers(monde_quartiers["epci"], declencheur="DEMANDE", jour=dt.date(2022, 6, 1))
    assert not ClassementQuartiers.objects.exists()


def test_une_nouvelle_version_ferme_la_precedente_et_copie_ses_regles(monde_quartiers):
    m = monde_quartiers
    v1 = m["referentiel"]
    v1.indicateurs.filter(code="TRANQUILLITE").update(poids=D("5"))
    v2 = services_quartiers.creer_referentiel(epci=m["epci"], date_debut=dt.date(2026, 1, 1), source="CIA 2026")
    v1.refresh_from_db()
    assert v1.date_fin == dt.date(2025, 12, 31) and v2.version == 2
    assert v2.indicateurs.get(code="TRANQUILLITE").poids == D("5")
    assert list(v2.classes.values_list("libelle", flat=True)) == ["vigilance", "équilibre", "attractif"]
    with pytest.raises(services_quartiers.QuartierRefuse, match="En vigueur du"):
        services_quartiers.creer_referentiel(epci=m["epci"], date_debut=dt.date(2025, 6, 1), source="x")
    assert quartiers.classer_quartiers(m["epci"], declencheur="DEMANDE", jour=JOUR).referentiel == v1


def test_la_tache_de_nuit_classe_chaque_territoire_et_se_journalise(monde_quartiers):
    m = monde_quartiers
    resultat = classer_quartiers_nuit.delay().get()
    assert resultat == {"classes": 1, "echecs": 0}
    classement = ClassementQuartiers.objects.get()
    assert (classement.epci, classement.declencheur, classement.jour) == (m["epci"], "NUIT", dt.date.today())
    assert classement.resultats.count() == 2
    execution = TacheExecution.objects.get(nom=NOM_TACHE_QUARTIERS)
    assert execution.statut == TacheExecution.Statut.REUSSIE
    assert execution.detail["classes"] == [{"epci": m["epci"].siren, "classement": classement.pk}]
    classer_quartiers_nuit.delay().get()
    assert ClassementQuartiers.objects.count() == 2  # every night kept


# --- Pages ---------------------------------------------------------------------------------------------------


@pytest.fixture
def classe(monde_quartiers):
    return quartiers.classer_quartiers(monde_quartiers["epci"], declencheur="DEMANDE", jour=JOUR)


def test_la_page_du_referentiel_liste_les_quartiers_en_requetes_fixes(
    client, monde_quartiers, classe, django_assert_num_queries
):
    m = monde_quartiers
    client.force_login(m["staff"]["epci"])
    client.get(reverse("observatoire:quartiers"))  # warm the session and permission caches
    with django_assert_num_queries(9):
        reponse = client.get(reverse("observatoire:quartiers"))
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "Villeneuve" in texte and "Centre" in texte and "Duchère" not in texte
    assert "Recalculer maintenant" in texte
    assert "Part des ménages du premier quartile parmi les attributions" in texte
    Quartier.objects.create(epci=m["epci"], nom="Mistral", type="VEILLE", commune=m["communes"]["38185"])
    quartiers.classer_quartiers(m["epci"], declencheur="DEMANDE", jour=JOUR)
    with django_assert_num_queries(9):  # one more neighbourhood, the same queries
        assert "Mistral" in client.get(reverse("observatoire:quartiers")).content.decode()


def test_recalculer_maintenant_ajoute_un_classement(client, monde_quartiers, classe):
    m = monde_quartiers
    client.force_login(m["staff"]["epci"])
    reponse = client.post(reverse("observatoire:quartiers_recalculer"), {"epci": m["epci"].pk})
    assert reponse.status_code == 302
    dernier = ClassementQuartiers.objects.order_by("-calcule_le", "-pk").first()
    assert dernier.pk != classe.pk and dernier.demande_par == m["staff"]["epci"]
    assert ClassementQuartiers.objects.count() == 2
    # the former run stays readable
    ancien = client.get(reverse("observatoire:quartiers"), {"epci": m["epci"].pk, "classement": classe.pk})
    assert "ancien classement" in ancien.content.decode()


def test_saisie_d_une_note_par_la_page(client, monde_quartiers, classe):
    m = monde_quartiers
    client.force_login(m["staff"]["epci"])
    url = reverse("observatoire:quartier", args=[m["villeneuve"].pk])
    page = client.get(url)
    assert page.status_code == 200 and "Valeurs derrière la classe" in page.content.decode()
    reponse = client.post(
        url, {"code": "SERVICES", "valeur": "4", "date_valeur": "2025-11-02", "source": "Diagnostic de quartier"}
    )
    assert reponse.status_code == 302
    note_ = NoteQuartier.objects.get()
    assert (note_.valeur, note_.saisie_par, note_.source) == (D("4"), m["staff"]["epci"], "Diagnostic de quartier")
    mauvaise = client.post(url, {"code": "TAUX_REFUS", "valeur": "4", "date_valeur": "2025-11-02", "source": "x"})
    assert mauvaise.status_code == 400  # a computed indicator is not among the choices
    assert NoteQuartier.objects.count() == 1


def test_un_bailleur_lit_le_referentiel_mais_ne_le_modifie_pas(client, monde_quartiers, classe):
    m = monde_quartiers
    client.force_login(m["staff"]["bailleur"])
    assert client.get(reverse("observatoire:quartiers")).status_code == 200
    url = reverse("observatoire:quartier", args=[m["villeneuve"].pk])
    page = client.get(url)
    assert page.status_code == 200 and "Saisir une valeur" not in page.content.decode()
    saisie = {"code": "SERVICES", "valeur": "4", "date_valeur": "2025-11-02", "source": "x"}
    assert client.post(url, saisie).status_code == 403
    reponse = client.post(reverse("observatoire:quartiers_recalculer"), {"epci": m["epci"].pk})
    assert reponse.status_code == 403
    assert not NoteQuartier.objects.exists() and ClassementQuartiers.objects.count() == 1


def test_un_autre_territoire_ne_voit_ni_ne_recalcule_rien(client, monde_quartiers, classe):
    m = monde_quartiers
    client.force_login(m["staff"]["dehors"])  # EPCI staff of the Métropole de Lyon
    assert client.get(reverse("observatoire:quartier", args=[m["villeneuve"].pk])).status_code == 404
    assert client.get(reverse("observatoire:quartiers"), {"epci": m["epci"].pk}).status_code == 404
    assert client.post(reverse("observatoire:quartiers_recalculer"), {"epci": m["epci"].pk}).status_code == 404
    url = reverse("observatoire:quartier", args=[m["villeneuve"].pk])
    saisie = {"code": "SERVICES", "valeur": "4", "date_valeur": "2025-11-02", "source": "x"}
    assert client.post(url, saisie).status_code == 404
    assert client.get(reverse("observatoire:quartiers"), {"classement": classe.pk}).status_code == 404
    assert ClassementQuartiers.objects.count() == 1 and not NoteQuartier.objects.exists()


def test_un_agent_d_accueil_n_ouvre_pas_le_referentiel(client, monde_quartiers, classe):
    client.force_login(monde_quartiers["staff"]["guichet"])
    assert client.get(reverse("observatoire:quartiers")).status_code == 403


# --- The class on the allocation screens -----------------------------------------------------------------------


def test_la_classe_est_affichee_sur_le_logement_vacant_les_candidats_et_la_commission(client, monde_quartiers):
    m = monde_quartiers
    referentiel = m["referentiel"]
    referentiel.indicateurs.exclude(code="TRANQUILLITE").delete()
    services_quartiers.saisir_note(
        quartier=m["villeneuve"], code="TRANQUILLITE", valeur=D("1"), date_valeur=JOUR, source="x"
    )
    classement = quartiers.classer_quartiers(m["epci"], declencheur="DEMANDE", jour=JOUR)
    vacance = Vacance.objects.create(
        logement=m["logement_qpv"], bailleur=m["bailleur"], epci=m["epci"], statut="ORIENTEE",
        date_declaration=dt.date(2026, 1, 5), date_liberation=dt.date(2026, 2, 1), reservataire=m["al"],
    )  # fmt: skip
    phrase = "Ce logement est situé dans le quartier Villeneuve, classé « vigilance »"
    date = f"classement du {timezone.localtime(classement.calcule_le):%d/%m/%Y}"
    client.force_login(m["staff"]["bailleur"])
    texte = client.get(reverse("attributions:vacance", args=[vacance.pk])).content.decode()
    assert phrase in texte and date in texte and "Quartier en vigilance." in texte
    client.force_login(m["staff"]["al"])  # the holder designating the candidates
    reponse = client.get(reverse("attributions:vacance_candidats", args=[vacance.pk]))
    assert reponse.status_code == 200 and phrase in reponse.content.decode()
    seance = SeanceCaleol.objects.create(bailleur=m["bailleur"], epci=m["epci"], date=dt.date(2026, 2, 10))
    seance.vacances.add(vacance)
    client.force_login(m["staff"]["bailleur"])
    assert phrase in client.get(reverse("attributions:seance", args=[seance.pk])).content.decode()
    # a dwelling outside any classified neighbourhood: no sentence
    autre = Vacance.objects.create(
        logement=Logement.objects.create(
            identifiant="AH-9", bailleur=m["bailleur"], commune=m["communes"]["38151"], epci=m["epci"], typologie="T2"
        ),
        bailleur=m["bailleur"], epci=m["epci"], statut="DECLAREE", date_declaration=dt.date(2026, 1, 5),
        date_liberation=dt.date(2026, 2, 1),
    )  # fmt: skip
    assert (
        "Ce logement est situé dans le quartier"
        not in client.get(reverse("attributions:vacance", args=[autre.pk])).content.decode()
    )


# --- The balance sheet -------------------------------------------------------------------------------------------


def test_le_bilan_annuel_montre_la_classe_de_chaque_quartier(monde_quartiers):
    from observatoire import document, exports, selectors

    m = monde_quartiers
    assert "quartiers" not in [s.code for s in selectors.bilan(m["epci"], 2025).sections]
    services_quartiers.saisir_note(
        quartier=m["centre"], code="TRANQUILLITE", valeur=D("5"), date_valeur=JOUR, source="x"
    )
    classement = quartiers.classer_quartiers(m["epci"], declencheur="DEMANDE", jour=JOUR)
    quartiers.classer_quartiers(m["epci"], declencheur="DEMANDE", jour=dt.date(2026, 3, 1))  # after the year
    bilan = document.assembler(selectors.bilan(m["epci"], 2025))
    section = next(s for s in bilan.sections if s.code == "quartiers")
    tableau = section.tableaux[0]
    attendus = {
        r.quartier.nom: [r.quartier.nom, r.quartier.get_type_display(), "Grenoble", float(r.score), r.classe_libelle]
        for r in classement.resultats.select_related("quartier")
    }
    assert tableau.lignes == [attendus["Centre"], attendus["Villeneuve"]]
    assert f"données du 01/01/2023 au 31/12/2025, version {m['referentiel'].version}" in tableau.note
    assert section.paragraphes and "référentiel des quartiers" in section.paragraphes[0]
    assert "Classe de chaque quartier" in exports.csv_bilan(bilan)
