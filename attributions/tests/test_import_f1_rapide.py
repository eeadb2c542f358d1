"""The PostgreSQL fast path of the F1 import writes exactly what the Python path writes."""

import pytest
from django.db import connection, transaction

from attributions import f1_pg
from attributions.models import DecisionCaleol, Logement, LotImport
from attributions.services import DECISION_CHAMPS, import_attributions
from cil.models import Bailleur, Reservataire

from .conftest import fichier_f1, ligne_f1
from .test_engine import random_rows

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="chemin rapide propre à PostgreSQL"),
]

NATURELS = {
    "bailleur_id": "bailleur__siren",
    "commune_id": "commune__code_insee",
    "epci_id": "epci__siren",
    "qpv_id": "qpv__code",
    "reservataire_id": "reservataire__code",
}


def etat() -> dict:
    champs = [NATURELS.get(c, c) for c in DECISION_CHAMPS] + ["reservataire__type"]
    decisions = {
        (d["numero_unique"], d["logement__identifiant"], d["date_decision"]): d
        for d in DecisionCaleol.objects.values("numero_unique", "logement__identifiant", "date_decision", *champs)
    }
    logements = {
        row["identifiant"]: row
        for row in Logement.objects.values(
            "identifiant",
            "bailleur__siren",
            "commune__code_insee",
            "epci__siren",
            "typologie",
            "qpv__code",
            "qpv_2015__code",
            "carte_2024_connue",
            "carte_2015_connue",
        )  # fmt: skip
    }
    reservataires = set(
        Reservataire.objects.values_list("type", "code", "nom", "bailleur__siren", "commune__code_insee")
    )
    liens = set(Reservataire.epcis.through.objects.values_list("reservataire__code", "epci__siren"))
    return {
        "decisions": decisions,
        "logements": logements,
        "bailleurs": set(Bailleur.objects.values_list("siren", "nom")),
        "reservataires": reservataires,
        "liens": liens,
    }


def vider():
    DecisionCaleol.objects.all().delete()
    Logement.objects.all().delete()
    LotImport.objects.all().delete()
    Reservataire.objects.all().delete()
    Bailleur.objects.all().delete()


def test_le_chemin_rapide_prend_un_fichier_valide(territoire):
    with transaction.atomic():
        lot = LotImport.objects.create(nom_fichier="x", empreinte="x", statut="IMPORTE")
        ecriture = f1_pg.ecrire(fichier_f1([ligne_f1()]), lot_id=lot.pk)
        assert ecriture is not None
        assert (ecriture.nb_lignes, ecriture.creees) == (1, 1)
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    "ligne",
    [
        ligne_f1(commune_insee="69123"),  # outside the EPCI
        ligne_f1(date_decision="2025-02-30"),  # no such day
        ligne_f1(ressources_mensuelles="1e3"),  # Python reads it, the fast path does not: Python decides
        ligne_f1(numero_unique=" 12\t"),  # white space other than spaces
    ],
)
def test_le_chemin_rapide_laisse_au_chemin_python_ce_qu_il_ne_prouve_pas(territoire, ligne):
    with transaction.atomic():
        lot = LotImport.objects.create(nom_fichier="x", empreinte="x", statut="IMPORTE")
        assert f1_pg.ecrire(fichier_f1([ligne_f1(numero_unique="ok"), ligne]), lot_id=lot.pk) is None
        assert DecisionCaleol.objects.count() == 0
        transaction.set_rollback(True)


@pytest.mark.parametrize("seed", range(4))
def test_memes_tables_par_les_deux_chemins(territoire, seed):
    rows = random_rows(100 + seed, 250)
    # a first file, then a second that changes some decisions and adds others (updates and map merges)
    premier, second = rows[:180], rows[120:]
    for i, row in enumerate(second[:40]):
        second[i] = {**row, "date_bail": "" if row["date_bail"] else "2025-12-20", "dalo": "1"}
    resultats = []
    for rapide in (True, False):
        vider()
        r1 = import_attributions(contenu=fichier_f1(premier), nom_fichier="a.csv", recalculer=False, rapide=rapide)
        r2 = import_attributions(contenu=fichier_f1(second), nom_fichier="b.csv", recalculer=False, rapide=rapide)
        r3 = import_attributions(contenu=fichier_f1(second), nom_fichier="b.csv", recalculer=False, rapide=rapide)
        assert {r.chemin for r in (r1, r2, r3)} == {"sql" if rapide else "python"}
        comptes = [(r.nb_lignes, r.nb_creees, r.nb_modifiees, r.nb_inchangees) for r in (r1, r2, r3)]
        avertissements = [(a.ligne, a.colonne, a.message) for a in r2.avertissements]
        resultats.append((etat(), comptes, avertissements, r1.annees, r2.nouveaux_logements))
    rapide, python = resultats
    assert rapide[0]["decisions"] == python[0]["decisions"]
    assert rapide[0]["logements"] == python[0]["logements"]
    assert rapide[0] == python[0]
    assert rapide[1] == python[1]
    assert rapide[1][2][1:3] == (0, 0)  # the same file again changes nothing
    assert rapide[2:] == python[2:]
