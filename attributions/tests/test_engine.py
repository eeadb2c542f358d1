"""The SQL engine gives exactly the figures of the pure rules, on random decisions and on edge cases."""

import datetime as dt
import io
import json
import random
from decimal import Decimal

import pytest
from django.core.management import call_command

from attributions import rules
from attributions.models import DecisionCaleol, InstantaneObjectifs
from attributions.selectors import calcule_objectifs_epci, f2, liste_decisions
from attributions.services import enregistrer_instantane, import_attributions
from attributions.tasks import recalculer_instantane
from cil.models import CibleLocale, Objectif, Reservataire, Secteur

from .conftest import fichier_f1, ligne_f1

pytestmark = pytest.mark.django_db

TYPES = ["ATTRIBUTION", "ATTRIBUTION_RANG", "ATTRIBUTION_CONDITION", "NON_ATTRIBUTION", "IRRECEVABILITE"]
RESERVATAIRES = [
    ("ETAT", ""),
    ("ETAT_AGENTS", ""),
    ("ACTION_LOGEMENT", ""),
    ("COMMUNE", "38185"),
    ("EPCI", "200040715"),
    ("DEPARTEMENT", "38"),
    ("AUTRE", "CAF38"),
    ("BAILLEUR", ""),
]
COMMUNES_QPV = {"38185": "QN03807M", "38151": "QN03810M", "38169": ""}


def random_rows(seed: int, n: int) -> list[dict]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        decision = dt.date(2024, 11, 1) + dt.timedelta(days=rnd.randrange(0, 500))
        bail = ""
        if rnd.random() < 0.6:
            bail = (decision + dt.timedelta(days=rnd.randrange(0, 90))).isoformat()
        type_ = rnd.choice(TYPES)
        commune = rnd.choice(list(COMMUNES_QPV))
        qpv = COMMUNES_QPV[commune] if rnd.random() < 0.4 else ""
        rtype, rid = rnd.choice(RESERVATAIRES)
        n14 = rnd.randint(1, 4)
        nm14 = rnd.randint(0, 4)
        uc = rules.unites_consommation(n14, nm14)
        if rnd.random() < 0.15:
            # exactly at one of the thresholds, to the cent when possible
            seuil = Decimal(rnd.choice(["10455", "10716"]))
            mensuel = (seuil * uc / 12).quantize(Decimal("0.01"))
        else:
            mensuel = Decimal(rnd.randrange(0, 400000)) / 100
        rows.append(
            ligne_f1(
                numero_unique=f"R{seed}-{i}",
                date_depot="2023-06-01",
                date_decision=decision.isoformat(),
                type_decision=type_,
                rang=rnd.randint(1, 3) if type_ == "ATTRIBUTION_RANG" else "",
                date_bail=bail,
                logement_id=f"LOG{seed}-{rnd.randrange(0, n // 2)}",
                bailleur_siren=rnd.choice(["552081317", "779994416"]),
                commune_insee=commune,
                qpv_code=qpv,
                reservataire_type=rtype,
                reservataire_id=rid,
                ressources_mensuelles=str(mensuel).replace(".", ",") if rnd.random() < 0.3 else str(mensuel),
                nb_personnes_14_plus=n14,
                nb_enfants_moins_14=nm14,
                dalo=rnd.choice("001"),
                prioritaire=rnd.choice("001"),
                relogement=rnd.choice(["", "", "", "ANRU", "ORCOD", "LHI"]),
                mutation=rnd.choice(["", "0", "1"]),
            )
        )
    # keep one decision per (numero_unique, logement, date)
    return rows


def rules_decision(row: dict) -> rules.Decision:
    bail = dt.date.fromisoformat(row["date_bail"]) if row["date_bail"] else None
    rtype = row["reservataire_type"]
    rid = row["reservataire_id"] if rtype in ("COMMUNE", "EPCI", "DEPARTEMENT", "AUTRE") else ""
    if rtype == "BAILLEUR":
        rid = row["bailleur_siren"]
    return rules.Decision(
        type_decision=row["type_decision"],
        date_decision=dt.date.fromisoformat(row["date_decision"]),
        ressources_mensuelles=Decimal(row["ressources_mensuelles"].replace(",", ".")),
        nb_personnes_14_plus=int(row["nb_personnes_14_plus"]),
        nb_enfants_moins_14=int(row["nb_enfants_moins_14"]),
        en_qpv=bool(row["qpv_code"]),
        rang=int(row["rang"]) if row["rang"] else None,
        date_bail=bail,
        dalo=row["dalo"] == "1",
        prioritaire=row["prioritaire"] == "1",
        relogement=row["relogement"],
        mutation=row["mutation"] == "1",
        reservataire=(rtype, rid),
    )


@pytest.mark.parametrize("seed", range(6))
def test_le_moteur_sql_egale_les_regles(territoire, seed):
    rows = random_rows(seed, 300)
    import_attributions(contenu=fichier_f1(rows), nom_fichier="r.csv", recalculer=False)
    decisions = [rules_decision(r) for r in rows]
    for annee, seuil in [(2024, Decimal("10455")), (2025, Decimal("10716"))]:
        attendu = rules.calcule_objectifs(decisions, annee, seuil)
        got = calcule_objectifs_epci(territoire["epci"], annee)
        assert (got["hors_qpv"]["base"], got["hors_qpv"]["numerateur"]) == (
            attendu.hors_qpv.base,
            attendu.hors_qpv.numerateur,
        )
        assert (got["qpv"]["base"], got["qpv"]["numerateur"]) == (attendu.qpv.base, attendu.qpv.numerateur)
        assert {(r["type"], r["id"]): (r["base"], r["numerateur"]) for r in got["reservataires"]} == {
            k: (c.base, c.numerateur) for k, c in attendu.reservataires.items()
        }
        assert (got["mutations"]["base"], got["mutations"]["numerateur"]) == (
            attendu.mutations.base,
            attendu.mutations.numerateur,
        )
        # every figure drills down to a list of exactly that many decisions
        for objectif in ("hors_qpv", "qpv", "prioritaires", "mutations"):
            for part in ("base", "numerateur"):
                assert liste_decisions(territoire["epci"], annee, objectif, part).count() == got[objectif][part]
        # breakdowns add up to the total
        assert sum(b["hors_qpv"]["base"] for b in got["bailleurs"]) == got["hors_qpv"]["base"]
        assert sum(c["qpv"]["numerateur"] for c in got["communes"]) == got["qpv"]["numerateur"]


def test_f2_exact(territoire):
    rows = [
        ligne_f1(numero_unique="1", ressources_mensuelles="800"),  # A: Q1
        ligne_f1(numero_unique="2", ressources_mensuelles="3000"),  # A: not Q1
        ligne_f1(numero_unique="3", qpv_code="QN03807M", ressources_mensuelles="3000", dalo="1"),
        ligne_f1(numero_unique="4", reservataire_type="COMMUNE", reservataire_id="38185", prioritaire="1"),
        ligne_f1(numero_unique="5", reservataire_type="ETAT", reservataire_id="ignored", dalo="1"),
    ]
    import_attributions(contenu=fichier_f1(rows), nom_fichier="r.csv", recalculer=False)
    got = f2(calcule_objectifs_epci(territoire["epci"], 2025))
    assert got == {
        "epci": "200040715",
        "annee": 2025,
        "seuil_q1": 10716,
        "provisoire": False,
        "hors_qpv": {"base": 4, "numerateur": 3, "taux": 0.75, "cible": 0.25},
        "qpv": {"base": 1, "numerateur": 1, "taux": 1.0, "cible": 0.5},
        "reservataires": [
            {"type": "ACTION_LOGEMENT", "id": "", "base": 3, "numerateur": 1, "taux": 1 / 3, "cible": 0.25},
            {"type": "COMMUNE", "id": "38185", "base": 1, "numerateur": 1, "taux": 1.0, "cible": 0.25},
            {"type": "ETAT", "id": "", "base": 1, "numerateur": 1, "taux": 1.0, "cible": 1.0},
        ],
    }


def test_annee_sans_arrete_provisoire(territoire):
    rows = [ligne_f1(date_decision="2026-02-01", date_bail="2026-03-01", ressources_mensuelles="893")]
    import_attributions(contenu=fichier_f1(rows), nom_fichier="r.csv", recalculer=False)
    got = calcule_objectifs_epci(territoire["epci"], 2026)
    assert got["provisoire"] is True
    assert got["seuil_q1"] == 10716
    assert got["annee_seuil"] == 2025
    assert got["hors_qpv"]["numerateur"] == 1


def test_cible_locale_plus_exigeante_appliquee(territoire):
    import_attributions(contenu=fichier_f1([ligne_f1()]), nom_fichier="r.csv", recalculer=False)
    CibleLocale.objects.create(
        epci=territoire["epci"],
        objectif=Objectif.HORS_QPV,
        taux=Decimal("0.30"),
        date_debut=dt.date(2024, 1, 1),
        source="CIA 2024",
    )
    al = Reservataire.objects.get(type="ACTION_LOGEMENT")
    CibleLocale.objects.create(
        epci=territoire["epci"],
        objectif=Objectif.PRIORITAIRES,
        taux=Decimal("0.425"),
        reservataire=al,
        date_debut=dt.date(2024, 1, 1),
        date_fin=dt.date(2025, 12, 31),
        source="CIA 2024",
    )
    got = calcule_objectifs_epci(territoire["epci"], 2025)
    assert got["hors_qpv"]["cible"] == 0.30
    assert got["qpv"]["cible"] == 0.5
    assert got["reservataires"][0]["cible"] == 0.425
    assert got["reservataires"][0]["manque"] == 1
    # the target ended in 2025: the legal rate applies in 2026
    assert calcule_objectifs_epci(territoire["epci"], 2026)["hors_qpv"]["cible"] == 0.30
    CibleLocale.objects.filter(objectif=Objectif.PRIORITAIRES).update(date_fin=dt.date(2024, 12, 31))
    assert calcule_objectifs_epci(territoire["epci"], 2025)["reservataires"][0]["cible"] == 0.25


def test_par_secteur(territoire):
    secteur = Secteur.objects.create(epci=territoire["epci"], nom="Sud")
    secteur.communes.add(territoire["communes"]["38151"])
    rows = [ligne_f1(numero_unique="1", commune_insee="38151"), ligne_f1(numero_unique="2")]
    import_attributions(contenu=fichier_f1(rows), nom_fichier="r.csv", recalculer=False)
    got = calcule_objectifs_epci(territoire["epci"], 2025)
    assert [(s["nom"], s["hors_qpv"]["base"]) for s in got["secteurs"]] == [("Sud", 1)]


def test_instantane_idempotent_et_tache(territoire):
    import_attributions(contenu=fichier_f1([ligne_f1()]), nom_fichier="r.csv", recalculer=False)
    first = enregistrer_instantane(epci=territoire["epci"], annee=2025, declencheur="DEMANDE")
    again = recalculer_instantane.delay(territoire["epci"].pk, 2025, declencheur="NUIT").get()
    assert again == first.pk
    assert InstantaneObjectifs.objects.count() == 1
    snapshot = InstantaneObjectifs.objects.get()
    assert snapshot.declencheur == "NUIT"
    assert snapshot.resultat["hors_qpv"]["numerateur"] == 1


def test_commande_objectifs_json_et_tableau(territoire):
    import_attributions(contenu=fichier_f1([ligne_f1()]), nom_fichier="r.csv", recalculer=False)
    out = io.StringIO()
    call_command("objectifs", "--epci", "200040715", "--annee", "2025", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"epci", "annee", "seuil_q1", "provisoire", "hors_qpv", "qpv", "reservataires"}
    assert data["hors_qpv"] == {"base": 1, "numerateur": 1, "taux": 1.0, "cible": 0.25}
    out = io.StringIO()
    call_command("objectifs", "--epci", "200040715", "--annee", "2025", "--format", "table", stdout=out)
    assert "A. Hors QPV" in out.getvalue()
    assert "100.00 %" in out.getvalue()


def test_commande_import_rejet_code_retour(territoire, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "f.csv"
    path.write_bytes(fichier_f1([ligne_f1(commune_insee="69123")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Aucune donnée"):
        call_command("import_attributions", str(path), "--epci", "200040715", stderr=err)
    assert "ligne 2, colonne commune_insee" in err.getvalue()
    assert DecisionCaleol.objects.count() == 0
