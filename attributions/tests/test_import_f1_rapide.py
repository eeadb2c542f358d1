"""The PostgreSQL fast path of the F1 import writes exactly what the Python path writes."""

import pytest
from django.db import connection, transaction

from attributions import f1_pg
from attributions.models import DecisionCaleol, Logement, LotImport
from attributions.services import DECISION_CHAMPS, ImportRejete, import_attributions
from cil.models import Bailleur, Reservataire
from tests.fixtures.f1 import F1_COLONNES, fichier_f1, ligne_f1

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


def test_le_chemin_rapide_prend_un_fichier_valide(territoire_minimal):
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
def test_le_chemin_rapide_laisse_au_chemin_python_ce_qu_il_ne_prouve_pas(territoire_minimal, ligne):
    with transaction.atomic():
        lot = LotImport.objects.create(nom_fichier="x", empreinte="x", statut="IMPORTE")
        assert f1_pg.ecrire(fichier_f1([ligne_f1(numero_unique="ok"), ligne]), lot_id=lot.pk) is None
        assert DecisionCaleol.objects.count() == 0
        transaction.set_rollback(True)


@pytest.mark.parametrize("seed", range(4))
def test_memes_tables_par_les_deux_chemins(territoire_minimal, seed):
    rows = random_rows(100 + seed, 250)
    # a first file, then a second that changes some decisions and adds others (updates and map merges)
    premier, second = rows[:180], rows[120:]
    for i, row in enumerate(second[:40]):
        second[i] = {**row, "date_bail": "" if row["date_bail"] else "2025-12-20", "dalo": "1"}
    resultats = []
    # the second and third imports are restricted to the file's own territory, as a territory's staff imports
    perimetre = {territoire_minimal["epci"].pk}
    for rapide in (True, False):
        vider()
        r1 = import_attributions(contenu=fichier_f1(premier), nom_fichier="a.csv", recalculer=False, rapide=rapide)
        r2 = import_attributions(
            contenu=fichier_f1(second), nom_fichier="b.csv", recalculer=False, rapide=rapide, epcis=perimetre
        )
        r3 = import_attributions(
            contenu=fichier_f1(second), nom_fichier="b.csv", recalculer=False, rapide=rapide, epcis=perimetre
        )
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


LYON = {"commune_insee": "69123", "epci_siren": "200046977"}


@pytest.mark.parametrize(
    "existantes, fichier",
    [
        # a row of another territory, among good ones
        ([], [ligne_f1(), ligne_f1(numero_unique="2", **LYON), ligne_f1(numero_unique="3", **LYON)]),
        # an existing dwelling of another territory, claimed by a row of one's own
        ([ligne_f1(logement_id="LY-1", **LYON)], [ligne_f1(numero_unique="9"), ligne_f1(logement_id="LY-1")]),
        # an existing decision of another territory (its dwelling has moved since): not rewritten
        ([ligne_f1(logement_id="LY-2", **LYON)], [ligne_f1(logement_id="LY-2", dalo="1", ressources_mensuelles="9")]),
    ],
)
def test_les_deux_chemins_refusent_les_lignes_hors_perimetre_a_l_identique(territoire_minimal, existantes, fichier):
    perimetre = frozenset({territoire_minimal["epci"].pk})
    rejets = []
    for rapide in (True, False):
        vider()
        if existantes:
            import_attributions(contenu=fichier_f1(existantes), nom_fichier="lyon.csv", recalculer=False)
            if existantes[0]["logement_id"] == "LY-2":
                Logement.objects.filter(identifiant="LY-2").update(
                    epci=territoire_minimal["epci"], commune=territoire_minimal["communes"]["38185"]
                )
        avant = etat()
        with transaction.atomic():
            lot = LotImport.objects.create(nom_fichier="x", empreinte="x", statut="IMPORTE")
            assert f1_pg.ecrire(fichier_f1(fichier), lot_id=lot.pk, permis=perimetre) is None
            transaction.set_rollback(True)
        with pytest.raises(ImportRejete) as exc:
            import_attributions(
                contenu=fichier_f1(fichier), nom_fichier="f.csv", recalculer=False, rapide=rapide, epcis=perimetre
            )
        assert etat() == avant  # nothing written
        assert LotImport.objects.count() == (1 if existantes else 0)
        rejets.append([(e.ligne, e.colonne, e.message) for e in exc.value.erreurs])
    assert rejets[0] == rejets[1]
    assert rejets[0] and all("n'est pas le vôtre" in message for _, _, message in rejets[0])
    # without a restriction the same file goes through the fast path
    vider()
    assert import_attributions(contenu=fichier_f1(fichier), nom_fichier="f.csv", recalculer=False).chemin == "sql"


SITUATION = ["sortant_hebergement", "sans_abri"]


@pytest.mark.parametrize("avec_colonnes", [True, False])
def test_situation_du_menage_identique_par_les_deux_chemins(territoire_minimal, avec_colonnes):
    """The optional columns sortant_hebergement and sans_abri: 1, 0 or empty (unknown); an old file without them
    gives unknown (NULL) on every decision, through both paths."""
    valeurs = ["1", "0", ""]
    rows = [
        ligne_f1(
            numero_unique=f"N{i}",
            logement_id=f"L{i}",
            sortant_hebergement=valeurs[i % 3],
            sans_abri=valeurs[(i // 3) % 3],
        )
        for i in range(9)
    ]
    colonnes = F1_COLONNES + SITUATION if avec_colonnes else F1_COLONNES
    resultats = []
    for rapide in (True, False):
        vider()
        rapport = import_attributions(
            contenu=fichier_f1(rows, colonnes=colonnes), nom_fichier="s.csv", recalculer=False, rapide=rapide
        )
        assert rapport.chemin == ("sql" if rapide else "python")
        resultats.append(
            dict(DecisionCaleol.objects.values_list("numero_unique", "sortant_hebergement").order_by("numero_unique"))
            | {
                f"{n}-sa": v
                for n, v in DecisionCaleol.objects.values_list("numero_unique", "sans_abri").order_by("numero_unique")
            }
        )
    assert resultats[0] == resultats[1]
    lu = {"1": True, "0": False, "": None}
    attendu = {f"N{i}": lu[valeurs[i % 3]] if avec_colonnes else None for i in range(9)} | {
        f"N{i}-sa": lu[valeurs[(i // 3) % 3]] if avec_colonnes else None for i in range(9)
    }
    assert resultats[0] == attendu
    # importing the file again changes nothing
    assert (
        import_attributions(
            contenu=fichier_f1(rows, colonnes=colonnes), nom_fichier="s.csv", recalculer=False
        ).nb_inchangees
        == 9
    )


def test_une_valeur_de_situation_invalide_passe_au_chemin_python_qui_la_nomme(territoire_minimal):
    rows = [ligne_f1(numero_unique="A", sans_abri="oui")]
    with transaction.atomic():
        lot = LotImport.objects.create(nom_fichier="x", empreinte="x", statut="IMPORTE")
        assert f1_pg.ecrire(fichier_f1(rows, colonnes=F1_COLONNES + SITUATION), lot_id=lot.pk) is None
        transaction.set_rollback(True)
    with pytest.raises(ImportRejete) as exc:
        import_attributions(contenu=fichier_f1(rows, colonnes=F1_COLONNES + SITUATION), nom_fichier="s.csv")
    assert [(e.ligne, e.colonne) for e in exc.value.erreurs] == [(2, "sans_abri")]
    assert "1, 0 ou vide si inconnu" in exc.value.erreurs[0].message
