"""Local targets typed as percentages, shown beside the legal target everywhere (dashboard,
balance sheet, F2, API), with their source, reached by the same exact rule, never in the legal target's place."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from cil.forms import CibleLocaleForm
from cil.models import CibleLocale, Objectif
from politique import services
from politique.models import JournalPolitique
from tests.fixtures.politique import adopter_cia

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def _cible_bailleur(monde_politique, version=None):
    """42,5 % of priority households (objective C) for the landlord: 4 of its 10 allocations of 2025 are (40 %)."""
    return services.creer_cible(
        epci=monde_politique["epci"],
        acteur=monde_politique["users"]["epci"],
        objectif=Objectif.PRIORITAIRES,
        taux=Decimal("0.425"),
        bailleur=monde_politique["bailleur"],
        date_debut=dt.date(2021, 3, 1),
        version=version,
        article="article 5.2",
    )


@pytest.mark.parametrize(
    ("saisie", "fraction"), [("42,5", "0.425"), ("42,5 %", "0.425"), ("42.5", "0.425"), ("30", "0.3")]
)
def test_le_formulaire_lit_un_pourcentage_a_la_francaise(monde_politique, saisie, fraction):
    form = CibleLocaleForm(
        data={
            "epci": monde_politique["epci"].pk,
            "objectif": "PRIORITAIRES",
            "taux": saisie,
            "date_debut": "2021-03-01",
            "source": "CIA",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["taux"] == Decimal(fraction)


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        ("142", "compris entre 0 et 100"),
        ("0,42", "moins exigeante que la loi (25"),  # a fraction typed by habit is 0.42 %, below the law
        ("0,425", "Au plus 2 décimales"),
        ("vingt", "n'est pas un pourcentage"),
    ],
)
def test_le_formulaire_refuse_en_francais(monde_politique, saisie, message):
    form = CibleLocaleForm(
        data={
            "epci": monde_politique["epci"].pk,
            "objectif": "PRIORITAIRES",
            "taux": saisie,
            "date_debut": "2021-03-01",
            "source": "CIA",
        }
    )
    assert not form.is_valid()
    assert message in " ".join(form.errors["taux"])


def test_l_administration_saisit_et_affiche_en_pourcentage(client, monde_politique):
    from django.contrib.auth.models import Permission

    from cil.services import groupe_personnel_epci

    staff = monde_politique["users"]["epci"]
    staff.is_staff = True
    staff.save()
    staff.groups.add(groupe_personnel_epci())
    assert Permission.objects.filter(group__user=staff, codename="add_ciblelocale").exists()
    client.force_login(staff)
    response = client.post(
        reverse("admin:cil_ciblelocale_add"),
        {
            "epci": monde_politique["epci"].pk,
            "objectif": "PRIORITAIRES",
            "taux": "42,5",
            "date_debut": "2021-03-01",
            "source": "CIA 2021",
            "bailleur": monde_politique["bailleur"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cible = CibleLocale.objects.get()
    assert cible.taux == Decimal("0.425")
    page = client.get(reverse("admin:cil_ciblelocale_change", args=[cible.pk])).content.decode()
    assert 'value="42,5"' in page
    assert JournalPolitique.objects.filter(objet="ciblelocale", objet_id=cible.pk, acteur=staff).exists()


def test_la_cible_locale_d_un_bailleur_a_cote_de_la_cible_legale_partout(client, monde_politique):
    version = adopter_cia(monde_politique)
    cible = _cible_bailleur(monde_politique, version)
    source = f"{version}, article 5.2"
    assert cible.source_texte == source

    # Dashboard of the EPCI staff: the legal 25 % stays, the local 42,5 % stands beside it with its source
    client.force_login(monde_politique["users"]["epci"])
    response = client.get(reverse("attributions:tableau_de_bord"), {"annee": "2025"})
    page = response.content.decode()
    assert response.status_code == 200
    r = response.context["r"]
    assert r["prioritaires"]["cible"] == 0.25 and r["prioritaires"]["atteint"] is True
    (ligne,) = [b for b in r["bailleurs"] if b["pk"] == monde_politique["bailleur"].pk]
    assert ligne["prioritaires"]["cible"] == 0.25 and ligne["prioritaires"]["atteint"] is True
    assert ligne["prioritaires"]["locale"]["cible"] == 0.425
    assert ligne["prioritaires"]["locale"]["atteint"] is False and ligne["prioritaires"]["locale"]["manque"] == 1
    assert f"cible locale 42,5{NBSP}%" in page
    assert 'id="tableau-cibles-locales"' in page and source in page
    assert f"25,0{NBSP}%" in page  # the legal target, still shown

    # The landlord's own dashboard shows its target beside the legal one
    client.force_login(monde_politique["users"]["bailleur"])
    r = client.get(reverse("attributions:tableau_de_bord"), {"annee": "2025"}).context["r"]
    assert [(c["perimetre"]["nom"], c["cible"], c["cible_legale"]) for c in r["cibles_locales"]] == [
        (monde_politique["bailleur"].nom, 0.425, 0.25)
    ]

    # Balance sheet: a section of local targets, beside the legal targets, with the source
    from observatoire import selectors as obs
    from observatoire.pdf import html_bilan

    for kind, org in ((obs.CIL, {}), (obs.BAILLEUR, {"bailleur": monde_politique["bailleur"]})):
        bilan = obs.bilan(monde_politique["epci"], 2025, kind=kind, **org)
        (tableau,) = [t for t in bilan.tableaux if t.code == "cibles_locales"]
        (ligne_bilan,) = tableau.lignes
        assert ligne_bilan[1] == monde_politique["bailleur"].nom
        assert ligne_bilan[2:5] == [10, 4, f"40,0{NBSP}%"]
        assert ligne_bilan[5] == 0.25 and ligne_bilan[6] == f"42,5{NBSP}%"
        assert ligne_bilan[7] == "non atteinte : il manque 1" and ligne_bilan[8] == source
        html = html_bilan(bilan)
        assert f"42,5{NBSP}%" in html and "Cible légale" in html

    # F2 (command): "cible" is the legal target; the local target is an extra key, with its scope and source
    out = io.StringIO()
    call_command(
        "objectifs", "--epci", monde_politique["epci"].siren, "--annee", "2025", "--format", "json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["reservataires"][0]["cible"] == 0.25
    (f2_cible,) = data["cibles_locales"]
    assert f2_cible["objectif"] == "prioritaires"
    assert f2_cible["perimetre"] == {
        "type": "BAILLEUR",
        "id": monde_politique["bailleur"].siren,
        "nom": monde_politique["bailleur"].nom,
    }
    assert (f2_cible["cible"], f2_cible["cible_legale"], f2_cible["atteint"]) == (0.425, 0.25, False)
    assert (f2_cible["base"], f2_cible["numerateur"], f2_cible["taux"]) == (10, 4, 0.4)
    assert f2_cible["source"] == source and f2_cible["article"] == "article 5.2"

    # API (a CIL member): the same, beside the legal target
    client.force_login(monde_politique["users"]["membre"])
    api = client.get("/api/objectifs/", {"epci": monde_politique["epci"].siren, "annee": "2025"}).json()
    assert api["prioritaires"]["cible"] == 0.25
    assert [(c["cible"], c["cible_legale"], c["source"]) for c in api["cibles_locales"]] == [(0.425, 0.25, source)]


def test_sans_cible_locale_f2_reste_le_format_historique(monde_politique):
    out = io.StringIO()
    call_command(
        "objectifs", "--epci", monde_politique["epci"].siren, "--annee", "2025", "--format", "json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert set(data) == {"epci", "annee", "seuil_q1", "provisoire", "hors_qpv", "qpv", "reservataires"}
    assert set(data["hors_qpv"]) == {"base", "numerateur", "taux", "cible"}


def test_la_cible_locale_atteinte_par_la_meme_regle_exacte(monde_politique):
    """Platform decision 10: 4 of 10 against 40 % is reached, exactly; the displayed rate never crosses it."""
    _cible = services.creer_cible(
        epci=monde_politique["epci"],
        acteur=monde_politique["users"]["epci"],
        objectif=Objectif.PRIORITAIRES,
        taux=Decimal("0.40"),
        bailleur=monde_politique["bailleur"],
        date_debut=dt.date(2021, 3, 1),
        source="CIA",
    )
    from attributions.selectors import calcule_objectifs_epci

    (c,) = calcule_objectifs_epci(monde_politique["epci"], 2025)["cibles_locales"]
    assert (c["atteint"], c["manque"], c["taux_texte"]) == (True, 0, f"40,0{NBSP}%")
    services.modifier_cible(_cible, acteur=monde_politique["users"]["epci"], taux=Decimal("0.4001"))
    (c,) = calcule_objectifs_epci(monde_politique["epci"], 2025)["cibles_locales"]
    assert (c["atteint"], c["taux_texte"]) == (False, f"40,0{NBSP}%")
    assert c["cible_texte"] == f"40,01{NBSP}%"


def test_page_des_cibles_pour_le_personnel_et_lecture_seule_pour_les_partenaires(client, monde_politique):
    version = adopter_cia(monde_politique)
    client.force_login(monde_politique["users"]["epci"])
    url = reverse("politique:cibles")
    response = client.post(
        reverse("politique:cible_ajout"),
        {
            "epci": monde_politique["epci"].siren,
            "objectif": "PRIORITAIRES",
            "taux": "42,5",
            "bailleur": monde_politique["bailleur"].pk,
            "date_debut": "2021-03-01",
            "version": version.pk,
            "article": "article 5.2",
        },
    )
    assert response.status_code == 302
    cible = CibleLocale.objects.get()
    assert (cible.taux, cible.version, cible.epci) == (Decimal("0.425"), version, monde_politique["epci"])
    page = client.get(url, {"annee": "2025"}).content.decode()
    assert f"42,5{NBSP}%" in page and "non atteinte" in page and "Nouvelle cible locale" in page
    donnees = {
        "epci": monde_politique["epci"].siren,
        "objectif": "QPV",
        "taux": "142",
        "date_debut": "2021-03-01",
        "source": "x",
    }
    refus = client.post(reverse("politique:cible_ajout"), donnees)
    assert refus.status_code == 400 and "compris entre 0 et 100" in refus.content.decode()
    # partners read the targets, without forms nor figures of the territory
    for role in ("bailleur", "reservataire", "membre"):
        client.force_login(monde_politique["users"][role])
        response = client.get(url)
        assert response.status_code == 200, role
        page = response.content.decode()
        assert f"42,5{NBSP}%" in page and "Nouvelle cible locale" not in page
        assert client.post(reverse("politique:cible_supprimer", args=[cible.pk])).status_code == 403
    assert "Résultat 20" in client.get(url).content.decode()  # a CIL member reads the territory's figures
    client.force_login(monde_politique["users"]["bailleur"])
    assert "Résultat 20" not in client.get(url).content.decode()
    assert CibleLocale.objects.filter(pk=cible.pk).exists()


def test_la_liste_derriere_un_chiffre_rappelle_les_deux_cibles(client, monde_politique):
    version = adopter_cia(monde_politique)
    _cible_bailleur(monde_politique, version)
    client.force_login(monde_politique["users"]["epci"])
    params = {"epci": monde_politique["epci"].siren, "annee": "2025", "objectif": "prioritaires", "part": "numerateur"}
    page = client.get(reverse("attributions:liste"), params).content.decode()
    assert f"Cible légale : <strong>25{NBSP}%</strong>" in page and "cible locale" not in page
    page = client.get(
        reverse("attributions:liste"), {**params, "bailleur": monde_politique["bailleur"].pk}
    ).content.decode()
    assert f"Cible légale : <strong>25{NBSP}%</strong>" in page
    assert f"<strong>42,5{NBSP}%</strong>, à côté de la cible légale" in page and "article 5.2" in page


def test_la_cible_d_un_bailleur_prime_sur_celle_du_territoire_pour_ce_bailleur(monde_politique):
    """The CIA sets each landlord's own commitment: on its line, it stands beside the legal target instead of the
    territory's target, which stays on the territory's figure."""
    from attributions.selectors import calcule_objectifs_epci

    acteur = monde_politique["users"]["epci"]
    commun = {
        "epci": monde_politique["epci"],
        "acteur": acteur,
        "objectif": Objectif.HORS_QPV,
        "date_debut": dt.date(2021, 1, 1),
    }
    services.creer_cible(**commun, taux=Decimal("0.30"), source="CIA, article 3")
    services.creer_cible(**commun, taux=Decimal("0.27"), bailleur=monde_politique["bailleur"], source="CIA, article 5")
    r = calcule_objectifs_epci(monde_politique["epci"], 2025)
    assert (r["hors_qpv"]["cible"], r["hors_qpv"]["cible_locale"]) == (0.25, 0.30)
    (ligne,) = r["bailleurs"]
    assert (ligne["hors_qpv"]["cible"], ligne["hors_qpv"]["cible_locale"]) == (0.25, 0.27)
    assert ligne["hors_qpv"]["locale"]["source"] == "CIA, article 5"
    (commune,) = [c for c in r["communes"] if c["hors_qpv"]["base"]]
    assert commune["hors_qpv"]["cible_locale"] == 0.30
    assert {(c["perimetre"]["type"], c["cible"]) for c in r["cibles_locales"]} == {("EPCI", 0.30), ("BAILLEUR", 0.27)}
