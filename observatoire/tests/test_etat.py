"""The State's per-EPCI table against figures computed by hand, its scoping, exports and drill-down lists."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from attributions import rules
from attributions.services import import_attributions
from cil import secret
from cil.models import Bailleur, Guichet, Membership, RegleSecret, Reservataire
from core.models import User
from core.roles import Role
from demandes.models import Demande
from observatoire import etat, services
from observatoire import permissions as etat_permissions
from tests.fixtures.f1 import F1_COLONNES, fichier_f1, ligne_f1

pytestmark = pytest.mark.django_db

A, B = "552081317", "779994416"
VILLENEUVE, ESSARTS = "QN03807M", "QN03810M"
Q1, HORS_Q1 = "800", "3000"  # one person: 800 x 12 = 9,600 <= 10,716 (2025 threshold); 36,000 is above


def _ligne(numero, bailleur, *, sortant="0", sans_abri="0", **kw):
    kw.setdefault("date_decision", "2025-03-10")
    return ligne_f1(
        numero_unique=numero,
        logement_id=f"L-{numero}",
        bailleur_siren=bailleur,
        sortant_hebergement=sortant,
        sans_abri=sans_abri,
        **kw,
    )


LIGNES = [
    # counted: allocations followed by a lease signed in 2025
    _ligne("A1", A, qpv_code=VILLENEUVE, dalo=1, sortant=1, ressources_mensuelles=Q1, date_bail="2025-04-01"),
    _ligne("A2", A, prioritaire=1, sans_abri=1, ressources_mensuelles=HORS_Q1, date_bail="2025-05-01"),
    _ligne("A3", A, reservataire_type="COMMUNE", reservataire_id="38185", sortant="", sans_abri="",
           ressources_mensuelles=Q1, date_bail="2025-06-01"),
    # decided in 2024, lease in 2025: counted in 2025 (the lease's year)
    _ligne("A4", A, date_decision="2024-12-10", ressources_mensuelles=HORS_Q1, date_bail="2025-01-05"),
    _ligne("B1", B, commune_insee="38151", qpv_code=ESSARTS, reservataire_type="COMMUNE", reservataire_id="38185",
           prioritaire=1, sans_abri=1, ressources_mensuelles=HORS_Q1, date_bail="2025-09-15"),
    _ligne("B2", B, reservataire_type="ETAT", dalo=1, prioritaire=1, sortant=1, ressources_mensuelles=Q1,
           date_bail="2025-11-20"),
    # ranked second, signed after the first refused: the household housed is counted
    _ligne("B3", B, type_decision="ATTRIBUTION_RANG", rang=2, qpv_code=VILLENEUVE, ressources_mensuelles=Q1,
           date_bail="2025-07-01"),
    # not counted: no lease, a refusal (with a lease date, ignored), a lease of 2026
    _ligne("X1", A, dalo=1, sortant=1, ressources_mensuelles=Q1, date_bail=""),
    _ligne("X2", B, type_decision="NON_ATTRIBUTION", sans_abri=1, date_bail="2025-04-01"),
    _ligne("X3", A, date_decision="2025-12-01", dalo=1, date_bail="2026-01-10"),
]  # fmt: skip

SITUATION_COLONNES = F1_COLONNES + ["sortant_hebergement", "sans_abri"]

# By hand: (number, in QPV) per public, and unknown situations.
ATTENDU_EPCI = {
    "attributions": (7, 3),  # A1 A2 A3 A4 B1 B2 B3; in QPV A1 B1 B3
    "prioritaires": (4, 2),  # A1 (DALO) A2 B1 B2; A1 B1
    "dalo": (2, 1),  # A1 B2; A1
    "sortants_hebergement": (2, 1),  # A1 B2; A1
    "sans_abri": (2, 1),  # A2 B1; B1
    "premier_quartile": (4, 2),  # A1 A3 B2 B3; A1 B3
}
ATTENDU_A = {"attributions": (4, 1), "prioritaires": (2, 1), "dalo": (1, 1), "sortants_hebergement": (1, 1),
             "sans_abri": (1, 0), "premier_quartile": (2, 1)}  # fmt: skip
ATTENDU_B = {"attributions": (3, 2), "prioritaires": (2, 1), "dalo": (1, 0), "sortants_hebergement": (1, 0),
             "sans_abri": (1, 1), "premier_quartile": (2, 1)}  # fmt: skip


def _chiffres(ligne):
    return {c.public: (c.nombre, c.en_qpv) for c in ligne.cellules}


@pytest.fixture
def monde(territoire_minimal):
    import_attributions(
        contenu=fichier_f1(LIGNES, colonnes=SITUATION_COLONNES),
        nom_fichier="etat.csv",
        recalculer=False,
    )
    epci = territoire_minimal["epci"]

    def utilisateur(role, epci=epci, **orgs):
        user = User.objects.create_user(username=f"u{User.objects.count()}", password="x")
        Membership.objects.create(user=user, role=role, epci=epci, **orgs)
        return user

    return {
        **territoire_minimal,
        "epci_staff": utilisateur(Role.EPCI),
        "membre": utilisateur(Role.MEMBRE_CIL),
        "bailleur_a": utilisateur(Role.BAILLEUR, bailleur=Bailleur.objects.get(siren=A)),
        "commune": utilisateur(Role.RESERVATAIRE, reservataire=Reservataire.objects.get(type="COMMUNE", code="38185")),
        "lyon": utilisateur(Role.EPCI, epci=territoire_minimal["autre_epci"]),
        "agent": utilisateur(
            Role.AGENT_ACCUEIL,
            guichet=Guichet.objects.create(
                epci=epci, nom="Maison de l'habitat", niveau=2, commune=territoire_minimal["communes"]["38185"]
            ),
        ),
    }


def test_le_tableau_egale_le_calcul_a_la_main(monde):
    t = etat.tableau_etat(monde["epci"], 2025, dt.date(2025, 12, 31), etat.Perimetre(entier=True))
    assert _chiffres(t.total) == ATTENDU_EPCI
    assert t.total.inconnues == {"sortants_hebergement": 1, "sans_abri": 1}  # A3, imported without its situation
    assert {b.code: _chiffres(b) for b in t.bailleurs} == {A: ATTENDU_A, B: ATTENDU_B}
    assert {b.code: b.inconnues["sans_abri"] for b in t.bailleurs} == {A: 1, B: 0}
    assert {(r.nom, r.chiffres["attributions"], r.chiffres["prioritaires"]) for r in t.reservataires} == {
        ("Action Logement Services", 4, 2),  # A1 A2 A4 B3; priority A1 (DALO) A2
        ("Commune de Grenoble", 2, 1),  # A3 B1
        ("État (contingent préfectoral)", 1, 1),  # B2
    }
    premier = t.total.cellules[0]
    assert premier.part_qpv == rules.taux(3, 7)
    assert t.seuil_q1 == 10716 and not t.provisoire


def test_a_un_jour_de_l_annee_et_une_annee_passee(monde):
    t = etat.tableau_etat(monde["epci"], 2025, dt.date(2025, 6, 30), etat.Perimetre(entier=True))
    assert _chiffres(t.total)["attributions"] == (4, 1)  # A1 A2 A3 A4
    assert _chiffres(t.total)["sans_abri"] == (1, 0)  # A2
    t = etat.tableau_etat(monde["epci"], 2025, dt.date(2025, 1, 5), etat.Perimetre(entier=True))
    assert _chiffres(t.total)["attributions"] == (1, 0)  # A4, the last day included
    t2026 = etat.tableau_etat(monde["epci"], 2026, dt.date(2026, 12, 31), etat.Perimetre(entier=True))
    assert _chiffres(t2026.total)["dalo"] == (1, 0)  # X3
    assert t2026.provisoire  # no 2026 threshold in the fixture: the 2025 one, marked provisional
    assert etat.jour_par_defaut(2024, dt.date(2026, 3, 1)) == dt.date(2024, 12, 31)
    assert etat.jour_par_defaut(2026, dt.date(2026, 3, 1)) == dt.date(2026, 3, 1)
    with pytest.raises(rules.RegleError):
        etat.tableau_etat(monde["epci"], 2025, dt.date(2026, 1, 1), etat.Perimetre(entier=True))


@pytest.mark.parametrize(
    "public, en_qpv, attendu",
    [
        ("attributions", False, {"A1", "A2", "A3", "A4", "B1", "B2", "B3"}),
        ("prioritaires", True, {"A1", "B1"}),
        ("dalo", False, {"A1", "B2"}),
        ("sortants_hebergement", False, {"A1", "B2"}),
        ("sans_abri", True, {"B1"}),
        ("premier_quartile", True, {"A1", "B3"}),
    ],
)
def test_chaque_chiffre_a_sa_liste(monde, public, en_qpv, attendu):
    qs = etat.liste_decisions(monde["epci"], 2025, dt.date(2025, 12, 31), public, en_qpv=en_qpv)
    assert set(qs.values_list("numero_unique", flat=True)) == attendu


def test_les_situations_de_la_demande_sont_celles_du_formulaire():
    valeurs = set(Demande.LogementActuel.values)
    assert valeurs >= rules.LOGEMENTS_ACTUELS_SORTANT_HEBERGEMENT
    assert valeurs >= rules.LOGEMENTS_ACTUELS_SANS_ABRI


def _get(client, user, nom="observatoire:etat", args=None, **params):
    client.force_login(user)
    return client.get(reverse(nom, args=args), {"epci": "200040715", "annee": "2025", **params})


def test_page_du_personnel_de_l_epci_avec_requetes_comptees(client, monde, django_assert_num_queries):
    client.force_login(monde["epci_staff"])
    url = reverse("observatoire:etat")
    params = {"epci": "200040715", "annee": "2025", "jour": "2025-12-31"}
    client.get(url, params)  # warm the session and the user's scope
    # session, user, memberships, territories, the stored computation (none here), threshold, two aggregate
    # queries; EPCI staff read the table unmasked: no secrecy rule read
    with django_assert_num_queries(8):
        response = client.get(url, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Situation inconnue pour" in html
    assert "public=sans_abri&amp;qpv=1" in html
    t = response.context["t"]
    assert _chiffres(t.total) == ATTENDU_EPCI
    assert len(t.bailleurs) == 2 and len(t.reservataires) == 3
    membre = _get(client, monde["membre"], jour="2025-12-31")
    assert membre.status_code == 200 and membre.context["t"].total is not None


@pytest.fixture
def sans_secret(monde):
    """A territory rule that masks nothing (threshold 1): the scoping tests read every figure."""
    RegleSecret.objects.create(epci=monde["epci"], seuil=1, date_debut=dt.date(2000, 1, 1), source="test")


def test_un_bailleur_ne_voit_que_sa_ligne(client, monde, sans_secret):
    response = _get(client, monde["bailleur_a"], jour="2025-12-31")
    assert response.status_code == 200
    t = response.context["t"]
    assert t.total is None and t.reservataires == []
    assert [(b.code, _chiffres(b)) for b in t.bailleurs] == [(A, ATTENDU_A)]
    assert "Grenoble Habitat" not in response.content.decode()
    # its own list, not another landlord's nor the whole territory's
    bailleur_a = Bailleur.objects.get(siren=A).pk
    bailleur_b = Bailleur.objects.get(siren=B).pk
    liste = _get(client, monde["bailleur_a"], "observatoire:etat_liste", public="dalo", bailleur=bailleur_a,
                 jour="2025-12-31")  # fmt: skip
    assert [d.numero_unique for d in liste.context["page"]] == ["A1"]
    assert _get(client, monde["bailleur_a"], "observatoire:etat_liste", bailleur=bailleur_b).status_code == 404
    assert _get(client, monde["bailleur_a"], "observatoire:etat_liste").status_code == 404


def test_un_reservataire_ne_voit_que_sa_ligne(client, monde, sans_secret):
    t = _get(client, monde["commune"], jour="2025-12-31").context["t"]
    assert t.total is None and t.bailleurs == []
    assert [(r.nom, r.chiffres["attributions"], r.chiffres["sans_abri__qpv"]) for r in t.reservataires] == [
        ("Commune de Grenoble", 2, 1)
    ]


def test_autre_territoire_et_guichet_refuses(client, monde):
    assert _get(client, monde["lyon"]).status_code == 404
    assert _get(client, monde["lyon"], "observatoire:etat_liste").status_code == 404
    assert _get(client, monde["lyon"], "observatoire:etat_export", args=["csv"]).status_code == 404
    assert _get(client, monde["agent"]).status_code == 403
    assert _get(client, monde["epci_staff"], jour="2024-05-01").status_code == 400


def test_liste_des_situations_inconnues_et_son_export(client, monde):
    response = _get(client, monde["epci_staff"], "observatoire:etat_liste", public="sans_abri",
                    situation="inconnue", jour="2025-12-31")  # fmt: skip
    assert [d.numero_unique for d in response.context["page"]] == ["A3"]
    export = _get(client, monde["epci_staff"], "observatoire:etat_liste_export", args=["csv"], public="sans_abri",
                  qpv="1", jour="2025-12-31")  # fmt: skip
    lignes = export.getvalue().decode("utf-8-sig").strip().split("\r\n")
    assert len(lignes) == 2 and lignes[1].startswith("B1;")
    assert lignes[1].endswith(";non;oui")  # not leaving accommodation, homeless


def test_exports_csv_et_xlsx(client, monde):
    csv = _get(client, monde["epci_staff"], "observatoire:etat_export", args=["csv"], jour="2025-12-31")
    assert csv.status_code == 200
    assert csv["Content-Disposition"].endswith('tableau_etat_200040715_2025_au_2025-12-31.csv"')
    lignes = [ligne.split(";") for ligne in csv.getvalue().decode("utf-8-sig").strip().split("\r\n")]
    assert lignes[0][:6] == ["Périmètre", "Code", "Nom", "Attributions", "Attributions – en QPV",
                             "Attributions – part en QPV"]  # fmt: skip
    assert lignes[0][-2:] == ["Sortants d'hébergement – situation inconnue", "Sans-abri – situation inconnue"]
    territoire = lignes[1]
    assert territoire[:3] == ["Territoire", "200040715", "Grenoble-Alpes-Métropole"]
    nombres = [int(v) for v in territoire[3:-2:3]]
    en_qpv = [int(v) for v in territoire[4:-2:3]]
    assert list(zip(nombres, en_qpv, strict=True)) == list(ATTENDU_EPCI.values())
    assert territoire[5] == "0,4286"  # 3 / 7
    assert territoire[-2:] == ["1", "1"]
    assert [ligne[0] for ligne in lignes[1:]] == ["Territoire", "Bailleur", "Bailleur"] + ["Réservataire"] * 3

    xlsx = _get(client, monde["epci_staff"], "observatoire:etat_export", args=["xlsx"], jour="2025-12-31")
    rows = list(load_workbook(io.BytesIO(xlsx.getvalue())).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("Tableau de l'État – Grenoble-Alpes-Métropole")
    assert list(rows[1]) == lignes[0]
    assert rows[2][3:6] == (7, 3, pytest.approx(0.4286))
    # a landlord's export holds its line only
    csv_a = _get(client, monde["bailleur_a"], "observatoire:etat_export", args=["csv"], jour="2025-12-31")
    lignes_a = csv_a.getvalue().decode("utf-8-sig").strip().split("\r\n")
    assert len(lignes_a) == 2 and lignes_a[1].startswith(f"Bailleur;{A};")


# --- The nightly figures ------------------------------------------------------------------------------------------


def _lignes(t):
    return [(li.perimetre, li.pk, li.code, li.nom, li.chiffres) for li in t.lignes]


@pytest.mark.parametrize(
    "annee, aujourd_hui, jour",
    [
        (2025, dt.date(2026, 3, 1), dt.date(2025, 12, 31)),  # a past year: its 31 December
        (2025, dt.date(2025, 7, 1), dt.date(2025, 6, 30)),  # the current year: yesterday
        (2025, dt.date(2025, 1, 6), dt.date(2025, 1, 5)),  # A4's lease day, included
        (2026, dt.date(2026, 1, 11), dt.date(2026, 1, 10)),  # X3's lease; provisional threshold (2025's)
        (2024, dt.date(2026, 3, 1), dt.date(2024, 12, 31)),  # a year without allocations
    ],
)
def test_le_tableau_stocke_egale_le_calcul_en_direct(monde, annee, aujourd_hui, jour):
    calcul = services.calculer_indicateurs(monde["epci"], annee, aujourd_hui=aujourd_hui)
    assert calcul.tableau_etat["jour"] == jour.isoformat()
    lecture = etat.lire(monde["epci"], annee, None, etat.Perimetre(entier=True), aujourd_hui=aujourd_hui)
    assert lecture.stocke and lecture.perime is None
    stocke, direct = lecture.tableau, etat.calculer(monde["epci"], annee, jour)
    assert stocke.calcule_le == calcul.calcule_le and direct.calcule_le is None
    assert stocke.jour == direct.jour == jour
    assert _lignes(stocke) == _lignes(direct)
    assert (stocke.seuil_q1, stocke.annee_seuil, stocke.provisoire) == (
        direct.seuil_q1,
        direct.annee_seuil,
        direct.provisoire,
    )
    # and the masked cells stored at night are those the rule gives now
    assert stocke.masques == etat.appliquer_secret(direct, aujourd_hui).masques


def test_le_tableau_stocke_de_l_annee_egale_le_calcul_a_la_main(monde):
    services.calculer_indicateurs(monde["epci"], 2025, aujourd_hui=dt.date(2026, 3, 1))
    lecture = etat.lire(monde["epci"], 2025, None, etat.Perimetre(entier=True), aujourd_hui=dt.date(2026, 3, 1))
    assert lecture.stocke
    assert _chiffres(lecture.tableau.total) == ATTENDU_EPCI
    assert {b.code: _chiffres(b) for b in lecture.tableau.bailleurs} == {A: ATTENDU_A, B: ATTENDU_B}
    assert lecture.tableau.total.inconnues == {"sortants_hebergement": 1, "sans_abri": 1}


def test_un_stock_perime_n_est_pas_servi_et_la_page_le_date(client, monde, django_capture_on_commit_callbacks):
    # counted in the middle of 2025 (on 30 June), read in 2026 when 2025 is over: the year is counted again live
    services.calculer_indicateurs(monde["epci"], 2025, aujourd_hui=dt.date(2025, 7, 1))
    lecture = etat.lire(monde["epci"], 2025, None, etat.Perimetre(entier=True), aujourd_hui=dt.date(2026, 3, 1))
    assert not lecture.stocke and lecture.perime == dt.date(2025, 6, 30)
    assert lecture.tableau.jour == dt.date(2025, 12, 31)
    assert _chiffres(lecture.tableau.total) == ATTENDU_EPCI  # not the 30 June figures (4 allocations)

    page = _get(client, monde["epci_staff"])
    html = page.content.decode()
    assert not page.context["lecture"].stocke
    assert "arrêtés au 30/06/2025" in html and "calculés à l'instant" in html
    assert "Recalculer maintenant" in html
    # EPCI staff recompute now: the year's figures are counted on 31 December and the page reads them
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("observatoire:etat_recalculer") + "?epci=200040715&annee=2025")
    assert reponse.status_code == 302
    page = _get(client, monde["epci_staff"])
    assert page.context["lecture"].stocke
    assert "Chiffres de la nuit : baux signés jusqu'au 31/12/2025 inclus, calculés le" in page.content.decode()
    assert _chiffres(page.context["t"].total) == ATTENDU_EPCI


def test_un_autre_jour_est_calcule_a_l_instant(client, monde):
    services.calculer_indicateurs(monde["epci"], 2025, aujourd_hui=dt.date(2026, 3, 1))
    page = _get(client, monde["epci_staff"], jour="2025-06-30")
    assert not page.context["lecture"].stocke and page.context["lecture"].perime is None
    assert "calculés à l'instant pour le jour choisi" in page.content.decode()
    assert _chiffres(page.context["t"].total)["attributions"] == (4, 1)  # A1 A2 A3 A4


def test_page_servie_du_stock_avec_requetes_comptees(client, monde, django_assert_num_queries):
    services.calculer_indicateurs(monde["epci"], 2025, aujourd_hui=dt.date(2026, 3, 1))
    client.force_login(monde["epci_staff"])
    url = reverse("observatoire:etat")
    client.get(url, {"epci": "200040715", "annee": "2025"})
    # session, user, memberships, territories, the stored computation: no aggregate in the request
    with django_assert_num_queries(5):
        response = client.get(url, {"epci": "200040715", "annee": "2025"})
    assert response.context["lecture"].stocke
    assert _chiffres(response.context["t"].total) == ATTENDU_EPCI


def test_seul_le_personnel_de_l_epci_recalcule(client, monde):
    url = reverse("observatoire:etat_recalculer") + "?epci=200040715&annee=2025"
    client.force_login(monde["membre"])
    assert client.post(url).status_code == 403
    assert "Recalculer maintenant" not in _get(client, monde["membre"]).content.decode()
    client.force_login(monde["lyon"])
    assert client.post(url).status_code == 404
    client.force_login(monde["epci_staff"])
    assert client.get(url).status_code == 405


# --- Statistical secrecy ------------------------------------------------------------------------------------------


@pytest.fixture
def secret_2(monde):
    """The territory masks counts of 1 (threshold 2): the fixture's table then has masked and printed cells."""
    RegleSecret.objects.create(epci=monde["epci"], seuil=2, date_debut=dt.date(2000, 1, 1), source="test")


def _valeurs(t):
    return {li.cle_cellule(cle): li.chiffres[cle] for li in t.lignes for cle in etat.CLES}


def test_le_personnel_de_l_epci_lit_le_tableau_sans_masque(client, monde, secret_2):
    t = _get(client, monde["epci_staff"], jour="2025-12-31").context["t"]
    assert not t.masque and all(not li.masques for li in t.lignes)
    assert _chiffres(t.total) == ATTENDU_EPCI


@pytest.mark.parametrize("stocke", [False, True])
def test_un_membre_de_la_cil_lit_le_tableau_masque(client, monde, secret_2, stocke):
    if stocke:
        services.calculer_indicateurs(monde["epci"], 2025, aujourd_hui=dt.date(2026, 3, 1))
        # EPCI staff's unmasked rendering of the stored table is kept: never served to another reader
        assert "<abbr" not in _get(client, monde["epci_staff"]).content.decode()
    page = _get(client, monde["membre"])
    assert page.context["lecture"].stocke is stocke
    t = page.context["t"]
    assert t.masque and t.seuil_secret == 2
    bailleur_a = Bailleur.objects.get(siren=A).pk
    valeurs = _valeurs(t)
    masques = {(p, pk, c) for li in t.lignes for (p, pk, c) in [li.cle_cellule(c) for c in li.masques]}
    assert masques == set(t.masques)
    # primary: every count of 1; never a count of 2 or more as a primary, the territory's allocations printed
    assert {cle for cle, v in valeurs.items() if v == 1} <= masques
    assert ("BAILLEUR", bailleur_a, "dalo") in masques  # A1
    assert ("EPCI", monde["epci"].pk, "attributions") not in masques
    # secondary: no masked cell can be recomputed from the printed ones and the relations of the table
    assert secret.recalculables(valeurs, etat.relations(t), masques) == set()
    for relation in etat.relations(t):
        assert sum(m in masques for m in relation.membres) != 1
    # a share computed on a masked count is masked
    dalo = next(c for c in t.total.cellules if c.public == "dalo")
    assert dalo.part_qpv is None and dalo.part_qpv_texte == "s"
    html = page.content.decode()
    assert "Secret statistique" in html and "inférieurs à 2" in html
    assert f"public=dalo&amp;bailleur={bailleur_a}" not in html  # no link to a masked cell's list
    assert f"public=attributions&amp;bailleur={bailleur_a}" in html

    # the lists: refused for a masked figure, served for a printed one
    liste = "observatoire:etat_liste"
    assert _get(client, monde["membre"], liste, public="dalo", bailleur=bailleur_a).status_code == 404
    assert _get(client, monde["membre"], liste, public="dalo", qpv="1").status_code == 404
    assert _get(client, monde["membre"], liste, public="sans_abri", situation="inconnue").status_code == 404
    assert _get(client, monde["membre"], "observatoire:etat_liste_export", args=["csv"], public="dalo",
                bailleur=bailleur_a).status_code == 404  # fmt: skip
    assert _get(client, monde["membre"], liste, public="attributions").status_code == 200
    # a crossing of a landlord and a holder is no figure of the table
    holder = Reservataire.objects.get(type="COMMUNE", code="38185").pk
    assert _get(client, monde["membre"], liste, bailleur=bailleur_a, reservataire=holder).status_code == 404

    # the export prints "s" where the page does
    csv = _get(client, monde["membre"], "observatoire:etat_export", args=["csv"])
    lignes = [ligne.split(";") for ligne in csv.getvalue().decode("utf-8-sig").strip().split("\r\n")]
    entete = lignes[0]
    ligne_a = next(li for li in lignes[1:] if li[1] == A)
    assert ligne_a[entete.index("dont DALO")] == "s"
    assert ligne_a[entete.index("Attributions")] == "4"


def test_un_bailleur_du_territoire_lit_sa_ligne_masquee_comme_dans_le_tableau(client, monde, secret_2):
    bailleur_a = Bailleur.objects.get(siren=A).pk
    membre = _get(client, monde["membre"]).context["t"]
    t = _get(client, monde["bailleur_a"]).context["t"]
    assert t.masque and t.total is None and [b.pk for b in t.bailleurs] == [bailleur_a]
    assert t.bailleurs[0].masques == next(b for b in membre.bailleurs if b.pk == bailleur_a).masques != frozenset()
    liste = "observatoire:etat_liste"
    assert _get(client, monde["bailleur_a"], liste, public="dalo", bailleur=bailleur_a).status_code == 404
    reponse = _get(client, monde["bailleur_a"], liste, public="attributions", bailleur=bailleur_a)
    assert {d.numero_unique for d in reponse.context["page"]} == {"A1", "A2", "A3", "A4"}


def test_un_bailleur_ou_reservataire_d_un_autre_territoire_ne_lit_rien(client, monde, secret_2):
    bailleur_a = Bailleur.objects.get(siren=A)
    holder = Reservataire.objects.get(type="COMMUNE", code="38185")
    lyon = monde["autre_epci"]
    autres = []
    for role, orgs in ((Role.BAILLEUR, {"bailleur": bailleur_a}), (Role.RESERVATAIRE, {"reservataire": holder})):
        user = User.objects.create_user(username=f"lyon-{role}", password="x")
        Membership.objects.create(user=user, role=role, epci=lyon, **orgs)
        autres.append((user, orgs))
    for user, orgs in autres:
        param = {"bailleur": bailleur_a.pk} if "bailleur" in orgs else {"reservataire": holder.pk}
        assert _get(client, user).status_code == 404
        assert _get(client, user, "observatoire:etat_export", args=["csv"]).status_code == 404
        assert _get(client, user, "observatoire:etat_liste", public="attributions", **param).status_code == 404
        client.force_login(user)
        assert client.post(reverse("observatoire:etat_recalculer") + "?epci=200040715&annee=2025").status_code == 404


def test_un_administrateur_de_la_plateforme_lit_le_tableau_masque(monde, secret_2):
    admin = User.objects.create_user(username="admin-plateforme", password="x", is_superuser=True)
    perimetre = etat_permissions.perimetre_etat(admin, monde["epci"])
    assert perimetre.entier and perimetre.masque
    assert not etat_permissions.perimetre_etat(monde["epci_staff"], monde["epci"]).masque


def _lignes_fichier(format: str, contenu: bytes) -> list:
    if format == "csv":
        return contenu.decode("utf-8-sig").strip().split("\r\n")
    return list(load_workbook(io.BytesIO(contenu)).active.iter_rows(values_only=True))


@pytest.mark.parametrize("format", ["csv", "xlsx"])
@pytest.mark.parametrize("qui", ["epci_staff", "bailleur_a"])
def test_la_liste_d_un_chiffre_au_dela_du_seuil_est_ecrite_par_le_worker(
    client, monde, sans_secret, settings, django_capture_on_commit_callbacks, stockage_prive, format, qui
):
    """Above EXPORT_DIRECT_MAX_LIGNES rows the request only queues the file: the worker writes the same file as
    the direct download (scoped the same: a landlord's has its own allocations), for the user who asked only."""
    from core.models import ExportDiffere

    params = {"public": "attributions", "jour": "2025-12-31"}
    if qui == "bailleur_a":
        params["bailleur"] = Bailleur.objects.get(siren=A).pk
    direct = _get(client, monde[qui], "observatoire:etat_liste_export", args=[format], **params)
    assert direct.status_code == 200 and not ExportDiffere.objects.exists()
    attendu = _lignes_fichier(format, direct.getvalue())
    assert len(attendu) == (8 if qui == "epci_staff" else 5) + (format == "xlsx")  # header (+ title), rows

    settings.EXPORT_DIRECT_MAX_LIGNES = 1
    with django_capture_on_commit_callbacks(execute=True):
        reponse = _get(client, monde[qui], "observatoire:etat_liste_export", args=[format], **params)
    export = ExportDiffere.objects.get(utilisateur=monde[qui])
    assert reponse.status_code == 302 and reponse["Location"] == reverse("core:export", args=[export.pk])
    assert export.nom_fichier.endswith(f".{format}") and export.statut == ExportDiffere.Statut.PRET
    assert export.lignes_total == export.lignes_faites == len(attendu) - 1 - (format == "xlsx")
    fichier = client.get(reverse("core:export_fichier", args=[export.pk]))
    assert fichier["Content-Type"].startswith("text/csv" if format == "csv" else "application/vnd.openxmlformats")
    assert _lignes_fichier(format, fichier.getvalue()) == attendu
    for intrus in (monde["membre"], monde["commune"], monde["lyon"]):
        client.force_login(intrus)
        assert client.get(reverse("core:export_fichier", args=[export.pk])).status_code == 404


def test_un_role_qui_n_ouvre_plus_la_rubrique_n_a_pas_le_fichier(client, monde, settings, stockage_prive):
    """The role is read again when the worker writes: a member who became the data protection officer in between gets no
    file, with the reason."""
    from core import exports_differes
    from core.models import ExportDiffere

    settings.EXPORT_DIRECT_MAX_LIGNES = 1
    reponse = _get(client, monde["epci_staff"], "observatoire:etat_liste_export", args=["csv"], public="attributions")
    export = ExportDiffere.objects.get(utilisateur=monde["epci_staff"])
    assert reponse.status_code == 302 and export.statut == ExportDiffere.Statut.EN_ATTENTE
    Membership.objects.filter(user=monde["epci_staff"]).update(role=Role.DPO)
    export = exports_differes.produire(export.pk)
    assert export.statut == ExportDiffere.Statut.ECHEC and not export.fichier
    assert export.erreur == (
        "Vous n'avez plus accès à ces données : votre rôle ne donne plus accès à la rubrique « Tableau de l'État »"
    )
