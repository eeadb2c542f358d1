"""Scoring pages: the breakdown on the demand's file (sensitive lines masked), the grids (who sees and edits
what), the simulation with its CSV export, the information sheet's score (PDF read back)."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from demandes import services
from demandes.models import CritereCotation, Demande, GrilleCotation

from .conftest import connecte
from .factories import creer_demande
from .test_cotation_services import grille_test


@pytest.fixture
def adoptee(monde_demandes, django_capture_on_commit_callbacks):
    grille = grille_test(monde_demandes.epci, acteur=monde_demandes.staff)
    CritereCotation.objects.create(
        grille=grille, ordre=9, code="violences", libelle="Violences au sein du couple", type="PRIORITE", points=50,
        valeurs=["VIOLENCES_COUPLE"],
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.adopter_grille(grille, acteur=monde_demandes.staff, deliberation="Délibération du 1er février 2026")
    return grille


def test_fiche_detail_du_score_et_ligne_sensible_masquee(client, monde_demandes, adoptee):
    demande = creer_demande(monde_demandes.guichet, date_depot=dt.date(2025, 1, 1), logement_actuel="HEBERGE_TIERS")
    demande.communes_souhaitees.set([monde_demandes.commune])
    services.reconnaitre_priorite(
        demande,
        critere="VIOLENCES_COUPLE",
        source="GUICHET",
        reconnu_le=dt.date(2025, 2, 1),
        acteur=monde_demandes.agent,
    )
    demande.refresh_from_db()
    attendu = demande.score
    assert attendu >= 100 + 50 + 20
    url = reverse("demandes:fiche", args=[demande.pk])
    html = connecte(client, monde_demandes.agent).get(url).content.decode()
    assert f"{attendu} points" in html and "Violences au sein du couple" in html
    assert "rang 1 sur 1" not in html  # a single similar demand: under the secrecy threshold, no rank
    assert "trop peu pour indiquer un rang" in html
    page = connecte(client, monde_demandes.bailleur_user).get(url)
    html = page.content.decode()
    assert f"{attendu} points" in html
    assert "Violences" not in html and "Critère de priorité, détail réservé" in html
    lignes = page.context["cotation"].lignes
    assert sum(ligne.points for ligne in lignes) == attendu


def test_fiche_sans_grille(client, monde_demandes, demande):
    html = connecte(client, monde_demandes.agent).get(reverse("demandes:fiche", args=[demande.pk])).content.decode()
    assert "Aucune grille de cotation n'est adoptée" in html


def test_grilles_lecture_pour_tous_brouillons_pour_l_epci(client, monde_demandes, adoptee):
    brouillon = services.creer_brouillon(epci=monde_demandes.epci, acteur=monde_demandes.staff, nom="Projet 2027")
    for user in (monde_demandes.agent, monde_demandes.bailleur_user, monde_demandes.reservataire_user):
        html = connecte(client, user).get(reverse("demandes:grilles")).content.decode()
        assert adoptee.nom in html and "Projet 2027" not in html
        assert client.get(reverse("demandes:grille", args=[adoptee.pk])).status_code == 200
        assert client.get(reverse("demandes:grille", args=[brouillon.pk])).status_code == 404
        assert client.get(reverse("demandes:grille_simulation", args=[adoptee.pk])).status_code == 403
    for user in (monde_demandes.outsider, monde_demandes.membre_cil):
        connecte(client, user)
        assert client.get(reverse("demandes:grille", args=[adoptee.pk])).status_code == 404
    assert client.get(reverse("demandes:grilles")).status_code == 403
    html = connecte(client, monde_demandes.staff).get(reverse("demandes:grilles")).content.decode()
    assert "Projet 2027" in html


def test_l_epci_modifie_un_brouillon_et_l_adopte_pas_une_grille_adoptee(client, monde_demandes, adoptee):
    connecte(client, monde_demandes.staff)
    reponse = client.post(
        reverse("demandes:grille_creer", args=[monde_demandes.epci.pk]), {f"epci{monde_demandes.epci.pk}-nom": "V2"}
    )
    brouillon = GrilleCotation.objects.get(nom="V2")
    assert reponse.url == reverse("demandes:grille", args=[brouillon.pk]) and brouillon.criteres.count() == 5
    critere = brouillon.criteres.get(code="anciennete")
    url = reverse("demandes:grille", args=[brouillon.pk])
    p = f"c{critere.pk}"
    donnees = {"critere": critere.pk, f"{p}-ordre": 2, f"{p}-code": "anciennete", f"{p}-libelle": "Ancienneté",
               f"{p}-type": "ANCIENNETE", f"{p}-points": 5, f"{p}-plafond": 200}  # fmt: skip
    assert client.post(url, donnees).status_code == 302
    critere.refresh_from_db()
    assert (critere.points, critere.plafond) == (5, 200)
    ajout = {"nouveau-ordre": 9, "nouveau-code": "refus", "nouveau-libelle": "Refus", "nouveau-type": "REFUS",
             "nouveau-points": 10, "nouveau-duree_mois": 12}  # fmt: skip
    page = client.post(url, ajout)
    assert page.status_code == 400 and "malus" in page.content.decode()
    ajout["nouveau-points"] = -10
    ajout["nouveau-valeurs"] = ["SITUATION"]
    assert client.post(url, ajout).status_code == 302
    assert brouillon.criteres.get(code="refus").valeurs == ["SITUATION"]
    reponse = client.post(url, {"action": "adopter", "date_debut": "2026-03-01", "deliberation": "CIL du 2 mars"})
    assert reponse.status_code == 302
    brouillon.refresh_from_db()
    adoptee.refresh_from_db()
    assert brouillon.statut == "ADOPTEE" and adoptee.statut == "ARCHIVEE"
    # an adopted grid cannot be changed from the page
    assert client.post(url, donnees).status_code == 403
    # nor by someone who is not EPCI staff
    connecte(client, monde_demandes.agent)
    assert client.post(reverse("demandes:grille_creer", args=[monde_demandes.epci.pk])).status_code == 403


def test_simulation_et_export_csv(client, monde_demandes, adoptee):
    for i in range(6):
        creer_demande(monde_demandes.guichet, nom=f"Stock{i}", date_depot=dt.date(2020 + i, 1, 1),
                      logement_actuel="HEBERGE_TIERS" if i % 2 else "LOCATAIRE_PRIVE")  # fmt: skip
    projet = services.creer_brouillon(epci=monde_demandes.epci, acteur=monde_demandes.staff, nom="Projet hébergés")
    projet.criteres.filter(code="heberge").update(points=400)
    connecte(client, monde_demandes.staff)
    page = client.get(reverse("demandes:grille_simulation", args=[projet.pk]))
    assert page.status_code == 200
    sim = page.context["sim"]
    assert sim.total == 6 and sim.reference == adoptee
    html = page.content.decode()
    assert "Répartition des scores" in html and html.count("<svg") >= 2
    autres = next(g for g in sim.groupes if g.libelle == "Autres ménages")
    assert autres.effectif == 6
    heberges = [li for li in sim.lignes if Demande.objects.get(pk=li.demande_id).logement_actuel == "HEBERGE_TIERS"]
    assert all(li.rang_projet <= 3 for li in heberges)  # 400 points put the hosted households first
    assert "Aucune attribution enregistrée" in html
    csv = client.get(reverse("demandes:grille_simulation_csv", args=[projet.pk]))
    lignes = [ligne.split(";") for ligne in csv.getvalue().decode("utf-8-sig").strip().split("\r\n")]
    assert lignes[0] == [
        "population", "numero_unique", "date_decision", "score_grille_adoptee", "score_projet",
        "rang_grille_adoptee", "rang_projet", "places_gagnees", "prioritaire", "premier_quartile",
    ]  # fmt: skip
    demandes = {d.numero_unique: d for d in Demande.objects.filter(epci=monde_demandes.epci)}
    assert sorted(ligne[1] for ligne in lignes[1:]) == sorted(demandes)
    for population, numero, date_decision, score_adoptee, score_projet, rang_a, rang_p, gagnees, prio, q1 in lignes[1:]:
        demande = demandes[numero]
        bonus = 380 if demande.logement_actuel == "HEBERGE_TIERS" else 0  # hosted: 400 points instead of 20
        assert (population, date_decision, prio, q1) == ("stock", "", "non", "")  # no threshold: quartile unknown
        assert (int(score_adoptee), int(score_projet)) == (demande.score, demande.score + bonus)
        assert int(gagnees) == int(rang_a) - int(rang_p)
    rangs_heberges = [int(ligne[6]) for ligne in lignes[1:] if demandes[ligne[1]].logement_actuel == "HEBERGE_TIERS"]
    assert sorted(rangs_heberges) == [1, 2, 3]


def test_fiche_d_information_pdf_donne_le_score(client, monde_demandes, adoptee):
    from pypdf import PdfReader

    demande = creer_demande(monde_demandes.guichet, date_depot=dt.date(2025, 1, 1), logement_actuel="HEBERGE_TIERS")
    demande.communes_souhaitees.set([monde_demandes.commune])
    demande.refresh_from_db()
    reponse = connecte(client, monde_demandes.agent).post(reverse("demandes:fiche_information", args=[demande.pk]))
    texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(reponse.content)).pages)
    texte = " ".join(texte.split())
    assert "Votre cotation" in texte and f"{demande.score} points" in texte
    assert "trop peu de demandes comparables" in texte


def test_simulation_des_attributions_de_l_an_dernier(client, monde_demandes, adoptee):
    from decimal import Decimal

    from attributions.models import DecisionCaleol, Logement
    from cil.models import Reservataire

    an_dernier = dt.date(dt.date.today().year - 1, 6, 15)
    logee = creer_demande(
        monde_demandes.guichet, nom="Logee", date_depot=dt.date(2022, 6, 15), logement_actuel="HEBERGE_TIERS"
    )
    logement = Logement.objects.create(
        identifiant="L1",
        bailleur=monde_demandes.bailleur,
        commune=monde_demandes.commune,
        epci=monde_demandes.epci,
        typologie="T2",
    )
    prefet = Reservataire.objects.create(type="ETAT", nom="Préfet")
    for numero in (logee.numero_unique, "038202100099999"):
        DecisionCaleol.objects.create(
            numero_unique=numero, date_depot=dt.date(2022, 6, 15), date_decision=an_dernier,
            type_decision="ATTRIBUTION", logement=logement, bailleur=monde_demandes.bailleur,
            commune=monde_demandes.commune, epci=monde_demandes.epci, typologie="T2", reservataire=prefet,
            ressources_mensuelles=Decimal(1000),
            ressources_annuelles_e4=120000000, nb_personnes_14_plus=1, nb_enfants_moins_14=0, uc_dixiemes=10,
        )  # fmt: skip
    projet = services.creer_brouillon(epci=monde_demandes.epci, acteur=monde_demandes.staff)
    projet.criteres.filter(code="anciennete").update(points=10, plafond=None)
    page = connecte(client, monde_demandes.staff).get(reverse("demandes:grille_simulation", args=[projet.pk]))
    sim = page.context["sim"]
    assert sim.attributions_sans_demande == 1
    (attribution,) = sim.attributions
    # scored as it stood on the decision date: 36 months of seniority, hosted by a third party
    assert (attribution.numero_unique, attribution.score_reference, attribution.score_projet) == (
        logee.numero_unique, 36 * 2 + 20, 36 * 10 + 20,
    )  # fmt: skip
    html = page.content.decode()
    assert f"1 attribution de {an_dernier.year}" in html and "pas de demande correspondante" in html
    assert logee.numero_unique in html


def test_explication_publique_sans_connexion(client, monde_demandes, adoptee):
    brouillon = services.creer_brouillon(epci=monde_demandes.epci, acteur=monde_demandes.staff, nom="Projet secret")
    brouillon.criteres.filter(code="dalo").update(libelle="Critère du projet")
    services.enregistrer_critere(
        grille=adoptee if adoptee.modifiable else brouillon,
        acteur=monde_demandes.staff,
        donnees={"code": "refus", "libelle": "Refus", "type": "REFUS", "points": -30, "duree_mois": 12},
    )
    page = client.get(reverse("demandes:cotation_publique", args=[monde_demandes.epci.pk]), follow=True)
    # the old address answers a permanent redirect to the territory's public pages (readable address)
    assert page.redirect_chain == [("/territoires/grenoble-alpes-metropole/cotation/", 301)]
    html = page.content.decode()
    assert page.status_code == 200 and "Délibération du 1er février 2026" in html
    assert "2 par mois d'ancienneté, 120 au plus" in html
    assert "Critère du projet" not in html and "Refuser un logement ne change pas votre cotation." in html
    autre = client.get(reverse("demandes:cotation_publique", args=[monde_demandes.autre_epci.pk]), follow=True)
    assert "Aucune grille de cotation n'est encore adoptée sur ce territoire." in autre.content.decode()


def test_grille_valeurs_retenues_en_libelles(client, monde_demandes, adoptee):
    """The scoring grid names the values it retains, never their codes."""
    html = connecte(client, monde_demandes.agent).get(reverse("demandes:grille", args=[adoptee.pk])).content.decode()
    assert "VIOLENCES_COUPLE" not in html
    assert "f) Victime de violences au sein du couple" in html


def test_introduction_publique_dite_une_fois(client, monde_demandes, adoptee):
    """The public scoring page says its introduction once, with no '))'."""
    GrilleCotation.objects.filter(pk=adoptee.pk).update(
        description="Grille de démonstration : ses critères sont fictifs.",
        deliberation="Délibération du conseil communautaire adoptant le PPGDID (démonstration)",
    )
    page = client.get(reverse("demandes:cotation_publique", args=[monde_demandes.epci.pk]), follow=True)
    html = " ".join(page.content.decode().split())
    assert "))" not in html
    assert html.count("elle ne crée pas un droit") == 1
    assert "adoptée par la décision suivante : Délibération du conseil communautaire adoptant le PPGDID" in html


def test_fiche_notee_nombre_de_requetes_fixe(client, monde_demandes, adoptee):
    """The file of a scored demand reads its household, priorities and DALO decisions once (the score's
    breakdown is taken from them): a pinned number of queries, the same with more of each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from demandes.models import CriterePriorite, DecisionDalo

    demande = creer_demande(monde_demandes.guichet, date_depot=dt.date(2025, 1, 1), logement_actuel="HEBERGE_TIERS")
    demande.communes_souhaitees.set([monde_demandes.commune])
    url = reverse("demandes:fiche", args=[demande.pk])
    agent = connecte(client, monde_demandes.agent)
    agent.get(url)
    comptes = []
    for i in range(2):
        demande.membres.create(lien="ENFANT", nom="X", prenom=f"E{i}", date_naissance=dt.date(2015, 3, 1 + i))
        CriterePriorite.objects.create(
            demande=demande, critere="HANDICAP", source="GUICHET", reconnu_le=dt.date(2025, 2, 1 + i)
        )
        DecisionDalo.objects.create(demande=demande, date_decision=dt.date(2025, 3, 1 + i), commission="C")
        with CaptureQueriesContext(connection) as requetes:
            page = agent.get(url)
        assert page.context["cotation"] is not None and len(page.context["membres"]) == i + 1
        comptes.append(len(requetes))
    assert comptes == [25, 25], comptes
