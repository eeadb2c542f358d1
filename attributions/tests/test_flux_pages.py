"""Pages, exports and API of the vacancies and flows, scoped per organisation: a holder never sees another
holder's vacancies."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attributions import services
from attributions.models import Candidature, Logement, SeanceCaleol, Vacance

from .fabrique import convention, creer_demande, enfant

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde_vacances(monde_attributions):
    """Three vacancies: AH-0001 routed to Action Logement, AH-0002 (QPV) and GH-0001 to the city."""
    m = monde_attributions
    s = m["staff"]
    m["v_al"] = services.declarer_vacance(logement=m["logement"], date_liberation=dt.date(2026, 1, 5), acteur=None)
    services.orienter_vacance(vacance=m["v_al"], reservataire=m["al"], acteur=s["bailleur"])
    m["v_ville"] = services.declarer_vacance(
        logement=m["logement_qpv"], date_liberation=dt.date(2026, 1, 6), acteur=None
    )
    services.orienter_vacance(vacance=m["v_ville"], reservataire=m["ville"], acteur=s["bailleur"])
    m["v_b"] = services.declarer_vacance(logement=m["logement_b"], date_liberation=dt.date(2026, 1, 7), acteur=None)
    services.orienter_vacance(vacance=m["v_b"], reservataire=m["ville"], acteur=s["autre_bailleur"])
    return m


VISIBLES = {
    "al": {"AH-0001"},
    "ville": {"AH-0002", "GH-0001"},
    "bailleur": {"AH-0001", "AH-0002"},
    "autre_bailleur": {"GH-0001"},
    "epci": {"AH-0001", "AH-0002", "GH-0001"},
}


@pytest.mark.parametrize("qui", sorted(VISIBLES))
def test_chacun_ne_voit_que_ses_logements_vacants_page_export_api(client, monde_vacances, qui):
    client.force_login(monde_vacances["staff"][qui])
    page = client.get(reverse("attributions:vacances"))
    assert page.status_code == 200
    vus = {v.logement.identifiant for v in page.context["page"]}
    assert vus == VISIBLES[qui]
    export = client.get(reverse("attributions:vacances_export")).getvalue().decode("utf-8-sig")
    lignes = export.strip().splitlines()[1:]
    assert {ligne.split(";")[0] for ligne in lignes} == VISIBLES[qui]
    api = client.get("/api/vacances/").json()
    assert {v["logement"] for v in api["results"]} == VISIBLES[qui]
    for nom, vacance in (
        ("AH-0001", monde_vacances["v_al"]),
        ("AH-0002", monde_vacances["v_ville"]),
        ("GH-0001", monde_vacances["v_b"]),
    ):
        attendu = 200 if nom in VISIBLES[qui] else 404
        assert client.get(reverse("attributions:vacance", args=[vacance.pk])).status_code == attendu


def test_export_des_logements_vacants_valeurs(client, monde_vacances):
    """The export's values, newest declaration first; one vacancy has three candidates."""
    m = monde_vacances
    services.designer_candidats(
        vacance=m["v_al"],
        demandes=[creer_demande(m, nom, date_depot=dt.date(2022, 3, 1)) for nom in ("Martin", "Bernard", "Petit")],
        acteur=m["staff"]["al"],
    )
    client.force_login(m["staff"]["epci"])
    export = client.get(reverse("attributions:vacances_export")).getvalue().decode("utf-8-sig")
    orientee, aujourd_hui = "Orientée vers un réservataire", timezone.localdate().isoformat()
    assert [ligne.split(";") for ligne in export.strip().split("\r\n")] == [
        ["Logement", "Bailleur", "Commune", "Typologie", "Statut", "Réservataire", "Libéré le", "Orienté le",
         "Bail signé le", "Candidats"],
        ["GH-0001", "Grenoble Habitat", "Grenoble", "T3", orientee, "Commune de Grenoble", "2026-01-07", aujourd_hui,
         "", "0"],
        ["AH-0002", "Alpes Habitat", "Grenoble", "T3", orientee, "Commune de Grenoble", "2026-01-06", aujourd_hui,
         "", "0"],
        ["AH-0001", "Alpes Habitat", "Grenoble", "T3", "Candidats désignés", "Action Logement Services",
         "2026-01-05", aujourd_hui, "", "3"],
    ]  # fmt: skip


def test_un_guichet_ne_voit_rien(client, monde_vacances):
    client.force_login(monde_vacances["staff"]["guichet"])
    assert client.get(reverse("attributions:vacances")).status_code == 403
    assert client.get(reverse("attributions:vacances_export")).status_code == 403
    assert client.get("/api/vacances/").json()["results"] == []
    assert client.get(reverse("attributions:vacance", args=[monde_vacances["v_al"].pk])).status_code == 404
    assert client.get(reverse("attributions:flux")).status_code == 403


def test_l_epci_d_un_autre_territoire_ne_voit_rien(client, monde_vacances):
    client.force_login(monde_vacances["staff"]["dehors"])
    assert list(client.get(reverse("attributions:vacances")).context["page"]) == []
    export = client.get(reverse("attributions:vacances_export")).getvalue().decode("utf-8-sig")
    assert len(export.strip().splitlines()) == 1  # the header only
    assert client.get("/api/vacances/").json()["results"] == []
    assert client.get(reverse("attributions:vacance", args=[monde_vacances["v_al"].pk])).status_code == 404
    assert client.get(reverse("attributions:flux")).context["bailleur"] is None
    reponse = client.get("/api/flux/", {"bailleur": monde_vacances["bailleur"].siren, "annee": 2026})
    assert reponse.status_code == 403


def test_anonyme_redirige_vers_la_connexion(client, monde_vacances):
    assert client.get(reverse("attributions:vacances")).status_code == 302
    assert client.get("/api/vacances/").status_code == 403


def test_un_reservataire_ne_peut_ni_orienter_ni_designer_pour_un_autre(client, monde_vacances):
    client.force_login(monde_vacances["staff"]["al"])
    url = reverse("attributions:vacance_action", args=[monde_vacances["v_al"].pk, "orienter"])
    assert client.post(url, {"reservataire": monde_vacances["ville"].pk}).status_code == 403
    assert client.get(reverse("attributions:vacance_candidats", args=[monde_vacances["v_ville"].pk])).status_code == 404
    client.force_login(monde_vacances["staff"]["bailleur"])  # the landlord routes, the holder designates
    assert client.get(reverse("attributions:vacance_candidats", args=[monde_vacances["v_al"].pk])).status_code == 403


UN_ENFANT = [enfant("Jade", dt.date(2018, 5, 4))]


def _demandes_correspondantes(monde_vacances, n, debut=0):
    return [
        creer_demande(
            monde_vacances,
            f"Candidat{debut + i:02d}",
            date_depot=dt.date(2020, 1, 1) + dt.timedelta(days=debut + i),
            membres=UN_ENFANT,  # two persons: a T3 suits them (L. 621-2)
        )
        for i in range(n)
    ]


def test_recherche_de_candidats_filtree_classee_et_nombre_de_requetes_fixe(client, monde_vacances):
    m = monde_vacances
    bons = _demandes_correspondantes(m, 3)
    # not matching: a single person (under-occupation), another commune, a T5 wish, a household too large
    # for 64.5 m², a rent cap too low, a wheelchair user, a radiated demand
    creer_demande(m, "Seul", date_depot=dt.date(2019, 1, 1))
    creer_demande(m, "Ailleurs", date_depot=dt.date(2019, 1, 1), membres=UN_ENFANT, communes=[m["communes"]["38151"]])
    creer_demande(m, "Grand", date_depot=dt.date(2019, 1, 1), membres=UN_ENFANT, typologies=["T5"])
    naissances = [dt.date(2012 + i % 10, 1, 1) for i in range(7)]
    creer_demande(
        m, "Nombreux", date_depot=dt.date(2019, 1, 1), membres=[enfant(f"E{i}", d) for i, d in enumerate(naissances)]
    )
    creer_demande(m, "Econome", date_depot=dt.date(2019, 1, 1), membres=UN_ENFANT, loyer_max=400)
    creer_demande(m, "Fauteuil", date_depot=dt.date(2019, 1, 1), membres=UN_ENFANT, aides_techniques=["4"])
    radiee = creer_demande(m, "Radiee", date_depot=dt.date(2019, 1, 1), membres=UN_ENFANT)
    from demandes.services import radier

    radier(radiee, "RENONCIATION", acteur=None)
    client.force_login(m["staff"]["al"])
    url = reverse("attributions:vacance_candidats", args=[m["v_al"].pk])
    client.get(url)  # warm the session and the user's scope caches
    with CaptureQueriesContext(connection) as petit:
        page = client.get(url)
    assert page.status_code == 200
    assert [c.demande.pk for c in page.context["candidats"]] == [d.pk for d in bons]  # by seniority
    html = page.content.decode()
    assert "Classement par cotation (grille adoptée par l'EPCI), puis par ancienneté" in html  # no grid: unscored
    assert "Hors QPV : candidat des quartiles 2 à 4, ne compte pas pour l&#x27;objectif A." in html
    assert "Ni DALO ni prioritaire : ne compte pas pour les 25 % de Action Logement Services." in html
    # the score the list is ranked by is shown, and each demand opens its file
    for d in bons:
        assert f'href="{reverse("demandes:fiche", args=[d.pk])}"' in html
    assert '<th scope="col" class="num">Cotation</th>' in html

    _demandes_correspondantes(m, 30, debut=10)
    with CaptureQueriesContext(connection) as grand:
        page = client.get(url)
    assert page.context["page"].paginator.count == 33 and len(page.context["candidats"]) == 20
    # 12 for the page (with the dwelling's neighbourhood class, the territory's allocation parameters and the
    # first-quartile threshold in one query), 2 for the GDPR read log (the reader's organisation, one row for the
    # territory); the same whatever the number of rows
    assert len(grand) == len(petit) == 14, [q["sql"][:120] for q in grand.captured_queries]

    reponse = client.post(url, {"demande": [d.pk for d in bons]})
    assert reponse.status_code == 302
    m["v_al"].refresh_from_db()
    assert m["v_al"].statut == Vacance.Statut.CANDIDATS_DESIGNES
    assert list(Candidature.objects.filter(vacance=m["v_al"]).values_list("demande_id", flat=True)) == [
        d.pk for d in bons
    ]


def test_seance_decisions_reponses_et_bail_par_les_pages(client, monde_vacances):
    m = monde_vacances
    bons = _demandes_correspondantes(m, 3)
    services.designer_candidats(vacance=m["v_al"], demandes=bons, acteur=m["staff"]["al"])
    client.force_login(m["staff"]["bailleur"])
    reponse = client.post(reverse("attributions:seances"), {"date": "2026-02-10", "lieu": "Siège"})
    seance = SeanceCaleol.objects.get()
    assert reponse.url == reverse("attributions:seance", args=[seance.pk])
    client.post(reverse("attributions:vacance_action", args=[m["v_al"].pk, "inscrire"]), {"seance": seance.pk})
    c1, c2, c3 = Candidature.objects.order_by("rang_propose")
    url = reverse("attributions:seance", args=[seance.pk])
    client.post(url, {"candidature": c1.pk, "type_decision": "ATTRIBUTION"})
    page = client.post(url, {"candidature": c2.pk, "type_decision": "NON_ATTRIBUTION"}, follow=True)
    assert "Motivez la décision" in page.content.decode()
    client.post(url, {"candidature": c2.pk, "type_decision": "NON_ATTRIBUTION", "motif": "Ressources insuffisantes"})
    client.post(url, {"action": "tenue", "membres_presents": "Mme A\nM. B", "compte_rendu": "Trois dossiers"})
    vacance_url = reverse("attributions:vacance_action", args=[m["v_al"].pk, "reponse"])
    client.post(vacance_url, {"candidature": c1.pk, "reponse": "ACCEPTATION", "date_reponse": "2026-02-12"})
    bail_url = reverse("attributions:vacance_action", args=[m["v_al"].pk, "bail"])
    page = client.post(bail_url, {"candidature": c1.pk, "date": "2026-03-01"}, follow=True)
    assert "Bail enregistré" in page.content.decode()
    m["v_al"].refresh_from_db()
    assert m["v_al"].statut == "BAIL_SIGNE" and m["v_al"].date_bail == dt.date(2026, 3, 1)
    seance.refresh_from_db()
    assert seance.statut == "TENUE" and seance.membres_presents == "Mme A\nM. B"
    c1.refresh_from_db()
    assert c1.decision.source == "PLATEFORME" and c1.decision.date_bail == dt.date(2026, 3, 1)
    # a holder reads the session's decisions on its vacancy but cannot record any
    client.force_login(m["staff"]["al"])
    assert client.get(url).status_code == 404
    client.force_login(m["staff"]["epci"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"candidature": c3.pk, "type_decision": "ATTRIBUTION"}).status_code == 403


def test_une_seance_tenue_fige_ses_decisions_jusqu_a_sa_reouverture_tracee(client, monde_vacances):
    m = monde_vacances
    bons = _demandes_correspondantes(m, 3)
    services.designer_candidats(vacance=m["v_al"], demandes=bons, acteur=m["staff"]["al"])
    client.force_login(m["staff"]["bailleur"])
    client.post(reverse("attributions:seances"), {"date": "2026-02-10", "lieu": "Siège"})
    seance = SeanceCaleol.objects.get()
    client.post(reverse("attributions:vacance_action", args=[m["v_al"].pk, "inscrire"]), {"seance": seance.pk})
    c1, c2, _c3 = Candidature.objects.order_by("rang_propose")
    url = reverse("attributions:seance", args=[seance.pk])
    client.post(url, {"candidature": c1.pk, "type_decision": "ATTRIBUTION"})
    client.post(url, {"candidature": c2.pk, "type_decision": "NON_ATTRIBUTION", "motif": "Ressources insuffisantes"})
    client.post(url, {"action": "tenue", "membres_presents": "Mme A\nM. B", "compte_rendu": "Deux dossiers"})
    seance.refresh_from_db()
    assert seance.statut == "TENUE"
    page = client.get(url).content.decode()
    assert 'name="type_decision"' not in page and "Rouvrir la séance" in page

    # a held session's decision cannot be changed, by the page or by a forged post
    page = client.post(
        url, {"candidature": c1.pk, "type_decision": "ATTRIBUTION_RANG", "rang": 1}, follow=True
    ).content.decode()
    assert "est tenue : ses décisions ne se modifient plus" in page
    c1.refresh_from_db()
    assert c1.type_decision == "ATTRIBUTION" and c1.decision.type_decision == "ATTRIBUTION"
    page = client.post(url, {"action": "tenue", "membres_presents": "Mme C"}, follow=True).content.decode()
    assert "déjà tenue" in page
    seance.refresh_from_db()
    assert seance.membres_presents == "Mme A\nM. B"

    # the EPCI reads the session but cannot reopen it; the landlord must give a reason
    client.force_login(m["staff"]["epci"])
    assert client.post(url, {"action": "rouvrir", "motif": "Erreur"}).status_code == 403
    client.force_login(m["staff"]["bailleur"])
    page = client.post(url, {"action": "rouvrir", "motif": "  "}, follow=True).content.decode()
    assert "Indiquez le motif de la réouverture" in page
    seance.refresh_from_db()
    assert seance.statut == "TENUE" and not seance.reouvertures.exists()

    client.post(url, {"action": "rouvrir", "motif": "Rang oublié pour le premier candidat"})
    seance.refresh_from_db()
    assert seance.statut == "ROUVERTE"
    reouverture = seance.reouvertures.get()
    assert reouverture.rouverte_par == m["staff"]["bailleur"] and reouverture.refermee_le is None
    client.post(url, {"candidature": c1.pk, "type_decision": "ATTRIBUTION_RANG", "rang": 1})
    c1.refresh_from_db()
    assert c1.type_decision == "ATTRIBUTION_RANG" and c1.decision.rang == 1
    assert c1.demande.evenements.filter(type="DECISION_CAL", libelle__contains="attribution (rang 1)").exists()
    client.post(url, {"action": "tenue", "membres_presents": "Mme A\nM. B", "compte_rendu": "Rang rectifié"})
    seance.refresh_from_db()
    reouverture.refresh_from_db()
    assert seance.statut == "TENUE" and reouverture.refermee_par == m["staff"]["bailleur"]
    page = client.get(url).content.decode()
    assert "Rang oublié pour le premier candidat" in page and "refermée le" in page


def test_rapport_de_flux_par_page_et_api(client, monde_vacances):
    m = monde_vacances
    convention(m["bailleur"], m["al"], "0.30", annee=2026)
    convention(m["bailleur"], m["etat"], "0.25", annee=2026)
    client.force_login(m["staff"]["bailleur"])
    page = client.get(reverse("attributions:flux"), {"bailleur": m["bailleur"].siren, "annee": 2026})
    noms = [ligne["reservataire"].nom for bloc in page.context["blocs"] for ligne in bloc.lignes]
    assert noms == ["Action Logement Services", "État (contingent préfectoral)"]
    client.force_login(m["staff"]["al"])
    page = client.get(reverse("attributions:flux"), {"bailleur": m["bailleur"].siren, "annee": 2026})
    assert [ligne["reservataire"].nom for bloc in page.context["blocs"] for ligne in bloc.lignes] == [
        "Action Logement Services"
    ]
    api = client.get("/api/flux/", {"bailleur": m["bailleur"].siren, "annee": 2026}).json()
    assert [r["type"] for p in api["perimetres"] for r in p["reservataires"]] == ["ACTION_LOGEMENT"]
    client.force_login(m["staff"]["guichet"])
    assert client.get("/api/flux/", {"bailleur": m["bailleur"].siren, "annee": 2026}).status_code == 403


def test_import_du_patrimoine_par_la_page(client, monde_vacances):
    contenu = b"identifiant;commune_insee;typologie;loyer\nAH-9;38185;T2;350\n"
    client.force_login(monde_vacances["staff"]["al"])
    assert client.get(reverse("attributions:logements_import")).status_code == 403
    client.force_login(monde_vacances["staff"]["bailleur"])
    url = reverse("attributions:logements_import")
    mauvais = client.post(
        url,
        {
            "bailleur": monde_vacances["bailleur"].pk,
            "fichier": SimpleUploadedFile("p.csv", contenu.replace(b"T2", b"T9")),
        },
    )
    assert mauvais.status_code == 400 and "Fichier refusé : 1 erreur" in mauvais.content.decode()
    ok = client.post(url, {"bailleur": monde_vacances["bailleur"].pk, "fichier": SimpleUploadedFile("p.csv", contenu)})
    assert ok.status_code == 302
    assert Logement.objects.get(identifiant="AH-9").bailleur == monde_vacances["bailleur"]
    # another landlord's staff cannot import into this landlord's stock
    client.force_login(monde_vacances["staff"]["autre_bailleur"])
    refus = client.post(
        url, {"bailleur": monde_vacances["bailleur"].pk, "fichier": SimpleUploadedFile("p.csv", contenu)}
    )
    assert refus.status_code == 200 and "bailleur" in refus.context["form"].errors
    logements = client.get(reverse("attributions:logements")).context["page"]
    assert {lg.identifiant for lg in logements} == {"GH-0001"}


def test_administration(admin_client, monde_vacances):
    convention(monde_vacances["bailleur"], monde_vacances["al"], "0.30", annee=2026)
    for modele in ("parametreattribution", "conventionreservation", "vacance", "seancecaleol"):
        assert admin_client.get(reverse(f"admin:attributions_{modele}_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:attributions_vacance_change", args=[monde_vacances["v_al"].pk]))
    assert page.status_code == 200 and "Orientée vers un réservataire" in page.content.decode()
    parametres = admin_client.get(reverse("admin:attributions_parametreattribution_changelist")).content.decode()
    assert "Nombre minimal de candidats" in parametres


def test_orientation_suggeree_par_les_ecarts_de_flux(client, monde_vacances):
    from django.utils import timezone

    annee = timezone.localdate().year
    m = monde_vacances
    convention(m["bailleur"], m["al"], "0.50", annee=annee)
    convention(m["bailleur"], m["ville"], "0.20", epci=m["epci"], annee=annee)
    for i in range(2):  # two leases this year, both to the City: Action Logement is one dwelling behind
        logement = Logement.objects.create(
            identifiant=f"LOUE-{i}",
            bailleur=m["bailleur"],
            commune=m["communes"]["38185"],
            epci=m["epci"],
            typologie="T2",
        )
        Vacance.objects.create(
            logement=logement, bailleur=m["bailleur"], epci=m["epci"], statut="BAIL_SIGNE", reservataire=m["ville"],
            date_declaration=dt.date(annee, 1, 2), date_liberation=dt.date(annee, 1, 3),
            date_bail=dt.date(annee, 1, 20),
        )  # fmt: skip
    logement = Logement.objects.create(
        identifiant="NEUF-1", bailleur=m["bailleur"], commune=m["communes"]["38185"], epci=m["epci"], typologie="T2"
    )
    vacance = services.declarer_vacance(logement=logement, date_liberation=dt.date(annee, 2, 1), acteur=None)
    client.force_login(m["staff"]["bailleur"])
    page = client.get(reverse("attributions:vacance", args=[vacance.pk]))
    suggestions = page.context["suggestions"]
    assert [(s["reservataire"], s["du"], s["livre"]) for s in suggestions] == [(m["al"], Decimal("1.00"), 0)]
    assert "Action Logement Services (Département 38) : écart −1,00 logement" in page.content.decode()
    choix = [r.nom for r in page.context["orientation_form"].fields["reservataire"].queryset]
    assert "Alpes Habitat (stock non réservé)" in choix and "Grenoble Habitat (stock non réservé)" not in choix


def test_la_liste_des_candidats_montre_la_cotation(client, monde_vacances):
    """A scored demand shows its points in the candidate list."""
    from demandes.models import Demande

    bons = _demandes_correspondantes(monde_vacances, 2)
    Demande.objects.filter(pk=bons[0].pk).update(score=237)
    client.force_login(monde_vacances["staff"]["al"])
    html = client.get(reverse("attributions:vacance_candidats", args=[monde_vacances["v_al"].pk])).content.decode()
    assert "237 pts" in " ".join(html.split())


def test_l_export_des_vacances_au_dela_du_seuil_est_ecrit_par_le_worker(
    client, monde_vacances, settings, django_capture_on_commit_callbacks, stockage_prive
):
    """Above EXPORT_DIRECT_MAX_LIGNES rows the request queues the file; the worker writes the direct download's
    bytes, scoped for the landlord who asked (its two vacancies, not the other landlord's)."""
    from core.models import ExportDiffere

    client.force_login(monde_vacances["staff"]["bailleur"])
    direct = client.get(reverse("attributions:vacances_export")).getvalue()
    assert direct.count(b"\r\n") == 3  # the header and the landlord's two vacancies
    settings.EXPORT_DIRECT_MAX_LIGNES = 1
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.get(reverse("attributions:vacances_export"))
    export = ExportDiffere.objects.get(utilisateur=monde_vacances["staff"]["bailleur"])
    assert reponse.status_code == 302 and export.statut == ExportDiffere.Statut.PRET and export.lignes_faites == 2
    assert client.get(reverse("core:export_fichier", args=[export.pk])).getvalue() == direct
    client.force_login(monde_vacances["staff"]["autre_bailleur"])
    assert client.get(reverse("core:export_fichier", args=[export.pk])).status_code == 404
