"""Open data: the monthly CSV validates against its published Table Schema (frictionless), the JSON says the
same figures with the masked ones named, both served from the stored table and cacheable."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from frictionless import Resource, Schema, validate

from public import chiffres, services
from public.views import SCHEMA

from .conftest import JOUR

SLUG = "grenoble-alpes-metropole"


@pytest.fixture
def mois(territoire):
    t = territoire
    for i in range(13):
        t.demande(["38185", "38151"], ["T3"], depot=dt.date(2020, 1, 1) if i < 10 else dt.date(2025, 6, 1))
    for _ in range(2):
        t.demande(["38158"], ["T2"])
    for i in range(12):
        t.attribution("38185", "T3", depot=dt.date(2025, 1, 1), decision=dt.date(2026, 3, 1 + i), ressources="700")
    for i in range(11):
        t.attribution("38151", "T3", depot=dt.date(2025, 1, 1), decision=dt.date(2026, 4, 1 + i))
    t.attribution("38158", "T1", depot=dt.date(2025, 1, 1), decision=dt.date(2026, 3, 1))
    services.calculer_chiffres(t.epci, JOUR)
    services.calculer_chiffres(t.epci, dt.date(2026, 11, 19))  # a daily table: not a monthly file
    return t


def test_le_schema_publie_est_un_table_schema_valide(client, db):
    response = client.get(reverse("public:schema"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "public" in response["Cache-Control"]
    schema = Schema.from_descriptor(json.loads(response.content))
    assert [f.name for f in schema.fields] == chiffres.CHAMPS
    assert response.content == SCHEMA.read_bytes()


def test_le_fichier_csv_du_mois_valide_contre_son_schema(client, mois, tmp_path, django_assert_max_num_queries):
    page = client.get(reverse("public:donnees", args=[SLUG])).content.decode()
    assert "chiffres-2026-10.csv" in page and "chiffres-2026-11" not in page
    with django_assert_max_num_queries(3):
        response = client.get(reverse("public:donnees_csv", args=[SLUG, "2026-10"]))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert "max-age=86400" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert "schema-chiffres-communes-typologies.json" in response["Link"]
    texte = response.content.decode("utf-8")
    fichier = tmp_path / "chiffres-2026-10.csv"
    fichier.write_text(texte, encoding="utf-8")

    schema = Schema.from_descriptor(json.loads(SCHEMA.read_text(encoding="utf-8")))
    rapport = validate(Resource(path=fichier.name, basepath=str(tmp_path), schema=schema))
    assert rapport.valid, rapport.flatten(["rowNumber", "fieldName", "type", "note"])

    # the check can fail: a count that is neither a number nor « s », a share above 100 %
    faux = tmp_path / "faux.csv"
    faux.write_text(texte.replace(",38185,Grenoble,T3,13,", ",38185,Grenoble,T3,treize,").replace("76.9", "176.9"))
    erreurs = validate(Resource(path=faux.name, basepath=str(tmp_path), schema=schema)).flatten(["fieldName", "type"])
    assert ["demandes_en_cours", "type-error"] in erreurs and [
        "part_demandes_5_ans_ou_plus",
        "constraint-error",
    ] in erreurs

    lignes = texte.splitlines()
    assert lignes[0] == ",".join(chiffres.CHAMPS)
    assert len(lignes) == 1 + 4 * 6
    grenoble_t3 = next(li for li in lignes if ",38185,Grenoble,T3," in li).split(",")
    assert grenoble_t3[6:8] == ["13", "12"]
    assert grenoble_t3[11] == "76.9"  # 10 demands of 13 filed five years ago or more
    assert grenoble_t3[13] == "100.0"  # every household housed was in the first quartile
    eybens_t2 = next(li for li in lignes if ",38158,Eybens,T2," in li).split(",")
    assert eybens_t2[6] == "s" and eybens_t2[11] == "s"  # 2 demands: masked, and their share too
    # the whole file: no count between 1 and 9
    for ligne in lignes[1:]:
        for valeur in ligne.split(",")[6:8]:
            assert valeur == "s" or int(valeur) == 0 or int(valeur) >= 10


def test_le_json_du_mois(client, mois):
    response = client.get(reverse("public:donnees_json", args=[SLUG, "2026-10"]))
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    contenu = response.json()
    assert contenu["schema"].endswith("/territoires/schema-chiffres-communes-typologies.json")
    assert contenu["date_reference"] == "2026-10-31" and contenu["secret_statistique"]["seuil"] == 10
    eybens = next(li for li in contenu["lignes"] if li["code_geo"] == "38158" and li["typologie"] == "T2")
    assert eybens["demandes_en_cours"] is None and "demandes_en_cours" in eybens["masques"]
    grenoble = next(li for li in contenu["lignes"] if li["code_geo"] == "38185" and li["typologie"] == "T3")
    assert grenoble["attributions_12_mois"] == 12 and grenoble["masques"] == []
    # the one allocation in Eybens is masked, and so is the smallest other commune, lest 24 - 12 - 11 give it away
    echirolles = next(li for li in contenu["lignes"] if li["code_geo"] == "38151" and li["typologie"] == "T3")
    assert echirolles["attributions_12_mois"] is None and "delai_median_mois" in echirolles["masques"]


@pytest.mark.parametrize("mois_demande", ["2026-11", "2026-13", "1", "2026-1"])
def test_pas_de_fichier(client, mois, mois_demande):
    assert client.get(f"/territoires/{SLUG}/donnees-ouvertes/chiffres-{mois_demande}.csv").status_code == 404
    assert client.get(f"/territoires/{SLUG}/donnees-ouvertes/chiffres-{mois_demande}.json").status_code == 404
