"""The State's per-EPCI table against figures computed by hand, its scoping, exports and drill-down lists."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from attributions import rules
from attributions.services import import_attributions
from cil.models import Bailleur, Guichet, Membership, Reservataire
from core.models import User
from core.roles import Role
from demandes.models import Demande
from observatoire import etat
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
    # session, user, memberships, territories, threshold, two aggregate queries
    with django_assert_num_queries(7):
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


def test_un_bailleur_ne_voit_que_sa_ligne(client, monde):
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


def test_un_reservataire_ne_voit_que_sa_ligne(client, monde):
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
