"""Requesting, listing and downloading balance sheets, scoped per organisation: EPCI staff, a landlord's
staff, another landlord's staff, a reservation holder's staff and an outsider."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from attributions.models import DecisionCaleol
from attributions.selectors import calcule_objectifs_epci
from observatoire.models import BilanAnnuel
from observatoire.tables import Masque

pytestmark = pytest.mark.django_db


def test_url_names():
    assert reverse("observatoire:bilans") == "/observatoire/bilans/"


def demander(client, user, capture=None, **data):
    """POST a request; with ``capture`` (django_capture_on_commit_callbacks) the enqueued task runs."""
    client.force_login(user)
    if capture is None:
        return client.post(reverse("observatoire:demander"), data)
    with capture(execute=True):
        return client.post(reverse("observatoire:demander"), data)


def telecharger(client, user, bilan, format="pdf"):
    client.force_login(user)
    return client.get(reverse("observatoire:telecharger", args=[bilan.pk, format]))


@pytest.mark.pdf
def test_cil_report_requested_listed_downloaded_and_scoped(
    client, acteurs, celery_eager, stockage_prive, django_capture_on_commit_callbacks
):
    epci = acteurs["epci"]
    reponse = demander(
        client, acteurs["agent_epci"], django_capture_on_commit_callbacks, kind="CIL", epci=epci.siren, annee=2025
    )
    assert reponse.status_code == 302
    bilan = BilanAnnuel.objects.get()
    assert (bilan.kind, bilan.epci, bilan.annee, bilan.statut) == ("CIL", epci, 2025, "PRET")
    assert bilan.demande_par == acteurs["agent_epci"] and bilan.termine_le and bilan.nb_pages >= 6
    # Stored in STORAGES["prive"], never in the web root.
    chemin = Path(bilan.fichier.path)
    assert chemin.is_file() and stockage_prive in chemin.parents
    assert Path(bilan.fichier_xlsx.path).is_file()

    # Listed with its date and author for the EPCI staff.
    page = client.get(reverse("observatoire:bilans"))
    html = page.content.decode()
    assert page.status_code == 200
    cree_le = timezone.localtime(bilan.cree_le).strftime("%d/%m/%Y")  # as the page shows it: the local date
    assert "Bilan annuel de la CIL" in html and "Agent_epci" in html and cree_le in html
    assert reverse("observatoire:telecharger", args=[bilan.pk, "pdf"]) in html

    reponse = telecharger(client, acteurs["agent_epci"], bilan)
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"
    assert b"".join(reponse.streaming_content).startswith(b"%PDF")
    assert "attachment" in reponse["Content-Disposition"]

    # The workbook holds the same figures as the engine.
    reponse = telecharger(client, acteurs["agent_epci"], bilan, "xlsx")
    wb = load_workbook(io.BytesIO(b"".join(reponse.streaming_content)))
    r = calcule_objectifs_epci(epci, 2025)
    synthese = wb["Synthèse des objectifs 2025"]
    lignes = {row[0]: row for row in synthese.iter_rows(min_row=3, values_only=True) if row[0]}
    a = next(v for k, v in lignes.items() if k.startswith("A."))
    assert a[1:3] == (r["hors_qpv"]["base"], r["hors_qpv"]["numerateur"])
    assert a[3:5] == pytest.approx((r["hors_qpv"]["taux"], r["hors_qpv"]["cible"]), rel=1e-12)
    c = next(v for k, v in lignes.items() if k.startswith("C."))
    assert c[3] == pytest.approx(r["prioritaires"]["taux"], rel=1e-12)
    assert "Objectif C par réservataire" in wb.sheetnames

    # A landlord's staff, a reservation holder's staff and an outsider neither see nor download it.
    for nom in ("bailleur", "reservataire", "exterieur"):
        assert telecharger(client, acteurs[nom], bilan).status_code == 403, nom
        assert telecharger(client, acteurs[nom], bilan, "xlsx").status_code == 403, nom
        html = client.get(reverse("observatoire:bilans")).content.decode()
        assert reverse("observatoire:telecharger", args=[bilan.pk, "pdf"]) not in html, nom


@pytest.mark.pdf
def test_landlord_report_only_for_that_landlord(
    client, acteurs, celery_eager, stockage_prive, django_capture_on_commit_callbacks
):
    epci, bailleur, autre = acteurs["epci"], acteurs["bailleur_obj"], acteurs["autre_bailleur_obj"]
    # A landlord's staff may not request the CIL's report, nor another landlord's.
    reponse = demander(client, acteurs["bailleur"], kind="CIL", epci=epci.siren, annee=2025)
    assert reponse.status_code == 400
    reponse = demander(client, acteurs["bailleur"], kind="BAILLEUR", epci=epci.siren, annee=2025, bailleur=autre.siren)
    assert reponse.status_code == 400
    assert not BilanAnnuel.objects.exists()

    reponse = demander(
        client,
        acteurs["bailleur"],
        django_capture_on_commit_callbacks,
        kind="BAILLEUR",
        epci=epci.siren,
        annee=2025,
        bailleur=bailleur.siren,
    )
    assert reponse.status_code == 302
    bilan = BilanAnnuel.objects.get()
    assert (bilan.kind, bilan.bailleur, bilan.statut) == ("BAILLEUR", bailleur, "PRET")
    assert telecharger(client, acteurs["bailleur"], bilan).status_code == 200
    assert telecharger(client, acteurs["agent_epci"], bilan).status_code == 200  # the EPCI receives the reports
    assert telecharger(client, acteurs["autre_bailleur"], bilan).status_code == 403
    assert telecharger(client, acteurs["reservataire"], bilan).status_code == 403
    assert telecharger(client, acteurs["exterieur"], bilan).status_code == 403
    client.force_login(acteurs["autre_bailleur"])
    html = client.get(reverse("observatoire:bilans")).content.decode()
    assert reverse("observatoire:telecharger", args=[bilan.pk, "pdf"]) not in html
    assert "Aucun bilan n'a encore été produit." in html


def test_outsider_gets_no_form_and_cannot_request(client, acteurs):
    client.force_login(acteurs["exterieur"])
    page = client.get(reverse("observatoire:bilans"))  # no role: the section is not in their menu
    assert page.status_code == 403 and "Produire un bilan" not in page.content.decode()
    reponse = client.post(
        reverse("observatoire:demander"), {"kind": "CIL", "epci": acteurs["epci"].siren, "annee": 2025}
    )
    assert reponse.status_code == 400 and not BilanAnnuel.objects.exists()
    assert client.get(
        reverse("observatoire:export", args=["xlsx"]), {"kind": "CIL", "epci": "200040715"}
    ).status_code in (
        403,
        404,
    )
    client.logout()
    assert client.get(reverse("observatoire:bilans")).status_code == 302  # to the login page


def test_reservation_holder_form_offers_only_its_report(client, acteurs):
    client.force_login(acteurs["reservataire"])
    html = client.get(reverse("observatoire:bilans")).content.decode()
    assert 'value="RESERVATAIRE"' in html and 'value="CIL"' not in html and 'value="BAILLEUR"' not in html
    assert acteurs["reservataire_obj"].nom in html


def test_table_exports_xlsx_and_csv_equal_the_engine(client, acteurs):
    epci = acteurs["epci"]
    client.force_login(acteurs["agent_epci"])
    params = {"kind": "CIL", "epci": epci.siren, "annee": 2025}
    reponse = client.get(reverse("observatoire:export", args=["xlsx"]), params)
    assert reponse.status_code == 200
    wb = load_workbook(io.BytesIO(reponse.getvalue()))
    r = calcule_objectifs_epci(epci, 2025)
    feuille = wb["Objectif C par réservataire"]
    lignes = [row for row in feuille.iter_rows(min_row=3, values_only=True) if row[0]]
    par_nom = {row[0]: row for row in lignes}
    for res in r["reservataires"]:
        assert par_nom[res["nom"]][1:4] == (res["base"], res["dalo"], res["numerateur"])
        assert par_nom[res["nom"]][4] == pytest.approx(res["taux"], rel=1e-12)
    assert par_nom["Ensemble"][1] == r["prioritaires"]["base"]

    reponse = client.get(reverse("observatoire:export", args=["csv"]), {**params, "tableau": "reservataires"})
    assert reponse.status_code == 200 and reponse["Content-Type"].startswith("text/csv")
    texte = reponse.getvalue().decode("utf-8-sig")
    entete, *lignes = texte.strip().split("\r\n")
    assert entete.startswith("Réservataire;Attributions comptées;DALO;DALO ou prioritaires;Taux (%)")
    etat = next(res for res in r["reservataires"] if res["type"] == "ETAT")
    ligne = next(x for x in lignes if x.startswith(etat["nom"] + ";"))
    assert ligne.split(";")[1:5] == [
        str(etat["base"]),
        str(etat["dalo"]),
        str(etat["numerateur"]),
        f"{etat['taux'] * 100:.2f}".replace(".", ","),
    ]
    # A landlord's staff may not export the territory's tables.
    client.force_login(acteurs["bailleur"])
    assert client.get(reverse("observatoire:export", args=["csv"]), params).status_code == 403


def test_landlord_xlsx_export_is_its_own_figures(client, acteurs):
    bailleur = acteurs["bailleur_obj"]
    client.force_login(acteurs["bailleur"])
    params = {"kind": "BAILLEUR", "epci": acteurs["epci"].siren, "annee": 2025, "bailleur": bailleur.siren}
    reponse = client.get(reverse("observatoire:export", args=["xlsx"]), params)
    assert reponse.status_code == 200
    wb = load_workbook(io.BytesIO(reponse.getvalue()))
    total = [row for row in wb["Attributions par réservataire"].iter_rows(values_only=True) if row[0] == "Ensemble"][0]
    r = calcule_objectifs_epci(
        acteurs["epci"], 2025, queryset=DecisionCaleol.objects.filter(bailleur=bailleur), details=False
    )
    assert total[1] == r["prioritaires"]["base"]
    # The commune table masks small counts in the workbook too.
    communes = [r for r in wb["Attributions par commune"].iter_rows(min_row=3, values_only=True) if r[0] != "Ensemble"]
    cellules = [v for row in communes for v in row[4:9] if v is not None]
    assert cellules and all(v == str(Masque(5)) or v == 0 or v >= 5 for v in cellules)


def test_list_page_query_count_does_not_grow_with_the_reports(client, acteurs, django_assert_max_num_queries):
    epci = acteurs["epci"]
    for annee in (2023, 2024, 2025):
        BilanAnnuel.objects.create(kind="CIL", epci=epci, annee=annee, demande_par=acteurs["agent_epci"])
        BilanAnnuel.objects.create(
            kind="BAILLEUR", epci=epci, annee=annee, bailleur=acteurs["bailleur_obj"], demande_par=acteurs["bailleur"]
        )
        BilanAnnuel.objects.create(
            kind="RESERVATAIRE",
            epci=epci,
            annee=annee,
            reservataire=acteurs["reservataire_obj"],
            statut=BilanAnnuel.Statut.ECHEC,
            erreur="Aucun seuil",
        )
    client.force_login(acteurs["agent_epci"])
    with django_assert_max_num_queries(16):
        page = client.get(reverse("observatoire:bilans"))
    html = page.content.decode()
    assert html.count("<tr>") == 1 + 9  # header + every report of the territory
    assert "Échec" in html and "Aucun seuil" in html and "En cours de production" in html
    # The landlord's staff see their three reports only.
    client.force_login(acteurs["bailleur"])
    html = client.get(reverse("observatoire:bilans")).content.decode()
    assert html.count("<tr>") == 1 + 3 and "Bilan annuel de la CIL" not in html.split("Bilans produits")[1]


def test_get_buttons_drop_the_csrf_token_from_the_url(client, acteurs):
    client.force_login(acteurs["agent_epci"])
    params = {"kind": "CIL", "epci": acteurs["epci"].siren, "annee": 2025, "csrfmiddlewaretoken": "abc"}
    reponse = client.get(reverse("observatoire:export", args=["csv"]), params)
    assert reponse.status_code == 302 and "csrfmiddlewaretoken" not in reponse["Location"]
    assert "kind=CIL" in reponse["Location"] and client.get(reponse["Location"]).status_code == 200
