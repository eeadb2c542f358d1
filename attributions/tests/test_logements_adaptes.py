"""Adapted dwellings (docs/logements_adaptes.md): the pure matching rule, its SQL side, the two-way lists in the
territory's order, their scoping and query counts, and the alert."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attributions import rules, services
from attributions.models import Logement, TransitionVacance, Vacance
from attributions.rules import Accessibilite, Adequation, Besoins, NiveauAccessibilite
from attributions.vacances import adaptes, flux
from demandes.models import Demande

from .fabrique import creer_demande, enfant

A = Adequation
F = NiveauAccessibilite
JOUR = dt.date(2026, 1, 15)
UN_ENFANT = [enfant("Jade", dt.date(2018, 5, 4))]

FAUTEUIL = Besoins(fauteuil=True, capacite_marche="1")
MARCHE_IMPOSSIBLE = Besoins(capacite_marche="1")
MARCHES = Besoins(capacite_marche="2")
PREMIER = Besoins(capacite_marche="3")
DOUCHE = Besoins(equipements=frozenset({"3"}))
ASCENSEUR = Besoins(equipements=frozenset({"4"}))
PARKING_FAUTEUIL = Besoins(fauteuil=True, equipements=frozenset({"6"}))
COMPLET = Accessibilite(F.FAUTEUIL, 0, None, True, True, 90, True)


# --- The pure rule: a table of cases ------------------------------------------------------------------------

CAS = [
    # (dwelling, needs, verdict)
    (COMPLET, Besoins(), A.SANS_BESOIN),
    (COMPLET, Besoins(capacite_marche="4"), A.SANS_BESOIN),  # more than one floor: no adapted dwelling needed
    (COMPLET, Besoins(equipements=frozenset({"5"})), A.SANS_BESOIN),  # a third person's room: size, not access
    (COMPLET, FAUTEUIL, A.SATISFAITS),
    (COMPLET, PARKING_FAUTEUIL, A.SATISFAITS),
    (Accessibilite(F.FAUTEUIL, 4, True), FAUTEUIL, A.SATISFAITS),
    (Accessibilite(F.FAUTEUIL, 0, None, True, True, 70, True), FAUTEUIL, A.NON_SATISFAITS),  # doors too narrow
    (Accessibilite(F.FAUTEUIL, 0, None, True, True, 80, True), FAUTEUIL, A.SATISFAITS),  # the minimum itself
    (Accessibilite(F.ADAPTABLE, 0), FAUTEUIL, A.PARTIELS),  # works needed
    (Accessibilite(F.MOBILITE_REDUITE, 0), FAUTEUIL, A.NON_SATISFAITS),
    (Accessibilite(F.NON_ACCESSIBLE, 0), FAUTEUIL, A.NON_SATISFAITS),
    (Accessibilite(F.NON_RENSEIGNE), FAUTEUIL, A.NON_SATISFAITS),  # as before: not known accessible
    (Accessibilite(F.FAUTEUIL, 0, None, None, None, None, None), PARKING_FAUTEUIL, A.PARTIELS),  # parking unknown
    (Accessibilite(F.FAUTEUIL, 0, None, None, None, None, False), PARKING_FAUTEUIL, A.PARTIELS),  # no parking
    (Accessibilite(F.MOBILITE_REDUITE, 2, True), MARCHE_IMPOSSIBLE, A.SATISFAITS),
    (Accessibilite(F.NON_RENSEIGNE, 0), MARCHE_IMPOSSIBLE, A.SATISFAITS),  # ground floor
    (Accessibilite(F.NON_RENSEIGNE, 3, True), MARCHE_IMPOSSIBLE, A.SATISFAITS),  # served by a lift
    (Accessibilite(F.NON_ACCESSIBLE, 3, False), MARCHE_IMPOSSIBLE, A.NON_SATISFAITS),  # stairs impossible
    (Accessibilite(F.NON_RENSEIGNE, 3, None), MARCHE_IMPOSSIBLE, A.PARTIELS),  # lift not known
    (Accessibilite(F.NON_RENSEIGNE), MARCHES, A.PARTIELS),  # nothing known
    (Accessibilite(F.NON_ACCESSIBLE, 1, False), MARCHES, A.NON_SATISFAITS),
    (Accessibilite(F.NON_ACCESSIBLE, 1, False), PREMIER, A.SATISFAITS),  # first floor: can climb it
    (Accessibilite(F.NON_ACCESSIBLE, 2, False), PREMIER, A.NON_SATISFAITS),
    (Accessibilite(F.NON_RENSEIGNE, 2, None), PREMIER, A.PARTIELS),
    (Accessibilite(F.NON_ACCESSIBLE, 2, False), ASCENSEUR, A.NON_SATISFAITS),
    (Accessibilite(F.NON_ACCESSIBLE, 0, False), ASCENSEUR, A.SATISFAITS),
    (Accessibilite(F.NON_RENSEIGNE, 2, None), ASCENSEUR, A.PARTIELS),
    (Accessibilite(F.MOBILITE_REDUITE, 1, True, True), DOUCHE, A.SATISFAITS),
    (Accessibilite(F.MOBILITE_REDUITE, 1, True, False), DOUCHE, A.PARTIELS),
    (Accessibilite(F.NON_ACCESSIBLE, 3, False, True), DOUCHE, A.SATISFAITS),  # a shower need is not about stairs
]


@pytest.mark.parametrize(("logement", "besoins", "attendu"), CAS)
def test_apparier_table_de_cas(logement, besoins, attendu):
    verdict = rules.apparier(logement, besoins, largeur_min_fauteuil_cm=80)
    assert verdict.adequation == attendu
    assert bool(verdict.bloquants) == (attendu == A.NON_SATISFAITS)
    assert verdict.convient == (attendu in (A.SATISFAITS, A.PARTIELS))


def test_apparier_dit_ce_qui_manque():
    verdict = rules.apparier(Accessibilite(F.ADAPTABLE, 3, False), FAUTEUIL, largeur_min_fauteuil_cm=80)
    # an adaptable level is reached without a step by definition: only the works are missing
    assert verdict.adequation == A.PARTIELS
    assert verdict.manques == ("logement adaptable : travaux d'adaptation au fauteuil à prévoir",)
    verdict = rules.apparier(Accessibilite(F.NON_ACCESSIBLE, 3, False), MARCHES, largeur_min_fauteuil_cm=80)
    assert verdict.bloquants == ("étage 3 sans ascenseur",)


@pytest.mark.parametrize(
    ("adapte", "sans_besoin", "en_attente", "attendu"),
    [
        (False, 2, 5, None),
        (True, 0, 5, None),
        (True, 2, 0, None),
        (
            True,
            1,
            1,
            "Logement adapté : 1 ménage qui en a besoin attend sur le territoire, alors que 1 candidat n'en a",
        ),
        (
            True,
            3,
            4,
            "Logement adapté : 4 ménages qui en ont besoin attendent sur le territoire, alors que 3 candidats",
        ),
    ],
)
def test_alerte_table_de_cas(adapte, sans_besoin, en_attente, attendu):
    alerte = rules.alerte_logement_adapte(logement_adapte=adapte, nb_sans_besoin=sans_besoin, nb_en_attente=en_attente)
    assert (alerte is None) if attendu is None else alerte.startswith(attendu)


# --- The world: adapted dwellings freed, applicants who need them ---------------------------------------------


def _decrire(logement, **valeurs):
    services.decrire_accessibilite(logement=logement, donnees=valeurs, acteur=None)
    logement.refresh_from_db()


@pytest.fixture
def monde_adaptes(monde_attributions):
    """AH-0001 (Alpes Habitat) wheelchair-accessible on the ground floor, routed to Action Logement; GH-0001
    (Grenoble Habitat) reduced mobility on the 2nd floor with a lift, routed to the city; AH-0002 not adapted."""
    m = monde_attributions
    s = m["staff"]
    _decrire(m["logement"], niveau_accessibilite=F.FAUTEUIL, etage=0, salle_de_bain_adaptee=True, largeur_portes_cm=90)
    _decrire(m["logement_b"], niveau_accessibilite=F.MOBILITE_REDUITE, etage=2, ascenseur=True)
    _decrire(m["logement_qpv"], niveau_accessibilite=F.NON_ACCESSIBLE, etage=3, ascenseur=False)
    m["v_al"] = services.declarer_vacance(logement=m["logement"], date_liberation=dt.date(2026, 1, 5), acteur=None)
    services.orienter_vacance(vacance=m["v_al"], reservataire=m["al"], acteur=s["bailleur"])
    m["v_b"] = services.declarer_vacance(logement=m["logement_b"], date_liberation=dt.date(2026, 1, 7), acteur=None)
    services.orienter_vacance(vacance=m["v_b"], reservataire=m["ville"], acteur=s["autre_bailleur"])
    m["v_qpv"] = services.declarer_vacance(logement=m["logement_qpv"], date_liberation=dt.date(2026, 1, 6), acteur=None)

    def demande(nom, depot, **besoins):
        return creer_demande(m, nom, date_depot=depot, membres=UN_ENFANT, **besoins)

    m["fauteuil_ancien"] = demande("Roule", dt.date(2019, 3, 1), aides_techniques=["4"], capacite_marche="1")
    m["fauteuil_recent"] = demande("Electrique", dt.date(2023, 3, 1), aides_techniques=["5"], capacite_marche="1")
    m["marches"] = demande("Marche", dt.date(2021, 3, 1), capacite_marche="2", equipements_handicap=["4"])
    m["sans_besoin"] = demande("Valide", dt.date(2018, 3, 1))
    m["sensoriel"] = demande("Voit", dt.date(2018, 6, 1), handicap_sensoriel=True)
    return m


@pytest.mark.django_db
def test_fauteuil_derive_des_aides_techniques_et_accessible_pmr_du_niveau(monde_adaptes):
    m = monde_adaptes
    assert m["fauteuil_ancien"].accessibilite_pmr and not m["marches"].accessibilite_pmr
    assert Logement.objects.get(pk=m["logement"].pk).accessible_pmr  # derived by the database
    assert not Logement.objects.get(pk=m["logement_b"].pk).accessible_pmr
    d = m["marches"]
    d.aides_techniques = ["5"]
    d.save(update_fields=["aides_techniques"])
    assert Demande.objects.get(pk=d.pk).accessibilite_pmr


@pytest.mark.django_db
def test_besoin_en_sql_comme_la_regle_pure(monde_adaptes):
    sql = set(Demande.objects.besoin_logement_adapte().values_list("pk", flat=True))
    pur = {d.pk for d in Demande.objects.all() if d.a_besoin_logement_adapte}
    assert sql == pur == {monde_adaptes[k].pk for k in ("fauteuil_ancien", "fauteuil_recent", "marches")}


@pytest.mark.django_db
def test_recherche_de_candidats_exclut_ce_que_la_regle_exclut(monde_adaptes):
    m = monde_adaptes
    parametres = flux.parametres_en_vigueur(JOUR, m["epci"].pk)
    for vacance in (m["v_al"], m["v_b"], m["v_qpv"]):
        candidats = set(flux.candidats_possibles(vacance, jour=JOUR).values_list("pk", flat=True))
        for demande in Demande.objects.all():
            verdict = flux.appariement(vacance.logement, demande, parametres)
            assert (demande.pk in candidats) == (verdict.adequation != A.NON_SATISFAITS), (vacance, demande, verdict)
    # the 3rd floor without a lift is out for wheelchairs and who cannot climb steps; a fit household stays
    qpv = set(flux.candidats_possibles(m["v_qpv"], jour=JOUR).values_list("pk", flat=True))
    assert m["sans_besoin"].pk in qpv and m["marches"].pk not in qpv and m["fauteuil_ancien"].pk not in qpv


@pytest.mark.django_db
def test_les_listes_suivent_l_ordre_du_territoire(monde_adaptes):
    m = monde_adaptes
    # no score yet: seniority
    besoin = list(adaptes.demandeurs_qui_en_ont_besoin(m["v_al"], jour=JOUR))
    assert besoin == [m["fauteuil_ancien"], m["marches"], m["fauteuil_recent"]]
    # the same order as the candidate search itself, restricted to who needs the dwelling
    ordre = [d for d in flux.candidats_possibles(m["v_al"], jour=JOUR) if d.a_besoin_logement_adapte]
    assert besoin == ordre
    # a score puts the most recent first (scored before unscored, then by seniority)
    Demande.objects.filter(pk=m["fauteuil_recent"].pk).update(score=40)
    Demande.objects.filter(pk=m["marches"].pk).update(score=10)
    besoin = list(adaptes.demandeurs_qui_en_ont_besoin(m["v_al"], jour=JOUR))
    assert besoin == [m["fauteuil_recent"], m["marches"], m["fauteuil_ancien"]]
    bourse = adaptes.bourse(Vacance.objects.all(), jour=JOUR)
    assert [ligne.demande for ligne in bourse.demandeurs] == besoin
    assert [v.pk for v in bourse.vacances] == [m["v_al"].pk, m["v_b"].pk]  # not adapted: AH-0002 out
    assert bourse.nb_par_vacance == {m["v_al"].pk: 3, m["v_b"].pk: 1}  # reduced mobility: not for wheelchairs
    par_demande = {ligne.demande.pk: [v.pk for v in ligne.vacances] for ligne in bourse.demandeurs}
    assert par_demande[m["marches"].pk] == [m["v_al"].pk, m["v_b"].pk]
    assert par_demande[m["fauteuil_recent"].pk] == [m["v_al"].pk]


PAGES_VISIBLES = {
    # who: (vacancies listed on the exchange page, the vacancy lists each may open)
    "bailleur": {"AH-0001"},
    "autre_bailleur": {"GH-0001"},
    "al": {"AH-0001"},
    "ville": {"GH-0001"},
    "epci": {"AH-0001", "GH-0001"},
    "dehors": set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("qui", sorted(PAGES_VISIBLES))
def test_pages_limitees_a_ce_que_chacun_voit(client, monde_adaptes, qui):
    m = monde_adaptes
    client.force_login(m["staff"][qui])
    page = client.get(reverse("attributions:logements_adaptes"))
    assert page.status_code == 200
    assert {v.logement.identifiant for v in page.context["bourse"].vacances} == PAGES_VISIBLES[qui]
    for vacance in (m["v_al"], m["v_b"]):
        reponse = client.get(reverse("attributions:vacance_besoins", args=[vacance.pk]))
        attendu = 200 if vacance.logement.identifiant in PAGES_VISIBLES[qui] else 404
        assert reponse.status_code == attendu, (qui, vacance.logement.identifiant)


@pytest.mark.django_db
def test_accessibilite_decrite_par_le_seul_bailleur_et_journalisee(client, monde_adaptes):
    m = monde_adaptes
    url = reverse("attributions:logement_accessibilite", args=[m["logement"].pk])
    client.force_login(m["staff"]["autre_bailleur"])
    assert client.get(url).status_code == 404
    client.force_login(m["staff"]["epci"])
    assert client.get(url).status_code == 403
    client.force_login(m["staff"]["bailleur"])
    mauvais = client.post(url, {"niveau_accessibilite": "FAUTEUIL", "largeur_portes_cm": "9"})
    assert mauvais.status_code == 200
    assert "La largeur des portes s&#x27;exprime en centimètres" in mauvais.content.decode()
    reponse = client.post(
        url, {"niveau_accessibilite": "ADAPTABLE", "etage": "1", "ascenseur": "oui", "stationnement_adapte": "non"}
    )
    assert reponse.status_code == 302
    logement = Logement.objects.get(pk=m["logement"].pk)
    assert (logement.niveau_accessibilite, logement.etage, logement.ascenseur, logement.stationnement_adapte) == (
        "ADAPTABLE", 1, True, False,
    )  # fmt: skip
    assert not logement.accessible_pmr
    note = TransitionVacance.objects.filter(vacance=m["v_al"], action="ACCESSIBILITE").latest("pk")
    assert note.acteur == m["staff"]["bailleur"] and "niveau d'accessibilité" in note.motif


@pytest.mark.django_db
def test_nombre_de_requetes_fixe_sur_les_pages_de_listes(client, monde_adaptes):
    m = monde_adaptes
    client.force_login(m["staff"]["epci"])
    urls = [reverse("attributions:logements_adaptes"), reverse("attributions:vacance_besoins", args=[m["v_al"].pk])]
    for url in urls:
        client.get(url)  # warm the session and the scope caches
    petits = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        petits.append(len(ctx))
    # more applicants who need the dwellings, and another adapted dwelling freed
    for i in range(6):
        creer_demande(m, f"Besoin{i}", date_depot=dt.date(2020, 1, 1 + i), membres=UN_ENFANT, aides_techniques=["4"])
    _decrire(m["logement_qpv"], niveau_accessibilite=F.ADAPTABLE)
    grands = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url)
        grands.append(len(ctx))
    assert len(page.context["lignes"]) == 9
    assert grands == petits, (petits, grands)
    assert petits[0] <= 14 and petits[1] <= 14, petits


@pytest.mark.django_db
def test_alerte_a_la_designation_sur_la_fiche_et_en_commission(client, monde_adaptes):
    m = monde_adaptes
    client.force_login(m["staff"]["al"])
    url = reverse("attributions:vacance_candidats", args=[m["v_al"].pk])
    page = client.get(url)
    assert page.context["nb_besoin_adapte"] == 3
    html = page.content.decode()
    assert "3 ménages qui" in html and "besoin d'un logement adapté : besoins satisfaits" in html
    reponse = client.post(
        url,
        {"demande": [m["sans_besoin"].pk], "exception": "INSUFFISANCE", "justification": "Peu de demandes"},
        follow=True,
    )
    avertissements = [str(x) for x in get_messages(reponse.wsgi_request) if x.level_tag == "warning"]
    assert avertissements == [
        "Logement adapté : 3 ménages qui en ont besoin attendent sur le territoire, alors que 1 candidat n'en a "
        "pas besoin. Vérifiez ce choix avant l'attribution."
    ]
    m["v_al"].refresh_from_db()
    assert m["v_al"].statut == Vacance.Statut.CANDIDATS_DESIGNES  # a warning, never a block
    # on the vacancy's page, for the landlord
    client.force_login(m["staff"]["bailleur"])
    fiche = client.get(reverse("attributions:vacance", args=[m["v_al"].pk]))
    assert "3 ménages qui en ont besoin attendent" in fiche.context["alerte_adapte"]
    # at the commission
    seance = services.creer_seance(
        bailleur=m["bailleur"], epci=m["epci"], date=dt.date(2026, 2, 10), lieu="Siège", acteur=m["staff"]["bailleur"]
    )
    services.inscrire_en_seance(seance=seance, vacance=m["v_al"], acteur=m["staff"]["bailleur"])
    page = client.get(reverse("attributions:seance", args=[seance.pk]))
    assert "3 ménages qui en ont besoin attendent" in page.content.decode()


@pytest.mark.django_db
def test_pas_d_alerte_pour_un_menage_qui_en_a_besoin_ni_pour_un_logement_ordinaire(monde_adaptes):
    m = monde_adaptes
    services.designer_candidats(
        vacance=m["v_al"], demandes=[m["fauteuil_ancien"]], exception="INSUFFISANCE", justification="x", acteur=None
    )
    assert adaptes.alerte(m["v_al"], jour=JOUR) is None
    services.orienter_vacance(vacance=m["v_qpv"], reservataire=m["ville"], acteur=None)
    services.designer_candidats(
        vacance=m["v_qpv"], demandes=[m["sans_besoin"]], exception="INSUFFISANCE", justification="x", acteur=None
    )
    assert adaptes.alerte(m["v_qpv"], jour=JOUR) is None
