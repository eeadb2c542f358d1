"""F1 import: all-or-nothing, every bad line named, idempotent (docs/formats.md, F1)."""

import pytest

from attributions.models import DecisionCaleol, Logement
from attributions.services import ImportRejete, import_attributions
from cil.models import Bailleur, Reservataire

from .conftest import F1_COLONNES, fichier_f1, ligne_f1

pytestmark = pytest.mark.django_db


def importer(rows, **kw):
    return import_attributions(contenu=fichier_f1(rows, **kw), nom_fichier="test.csv", recalculer=False)


def test_import_cree_decisions_bailleurs_reservataires_logements(territoire):
    rapport = importer(
        [
            ligne_f1(),
            ligne_f1(
                numero_unique="2",
                logement_id="L0002",
                reservataire_type="COMMUNE",
                reservataire_id="38185",
                qpv_code="QN03807M",
                bailleur_siren="779994416",
            ),
            ligne_f1(numero_unique="3", logement_id="L0003", reservataire_type="BAILLEUR", date_bail=""),
        ]
    )
    assert (rapport.nb_creees, rapport.nb_modifiees, rapport.nb_inchangees) == (3, 0, 0)
    assert DecisionCaleol.objects.count() == 3
    assert set(Bailleur.objects.values_list("siren", flat=True)) == {"552081317", "779994416"}
    assert Reservataire.objects.get(type="COMMUNE", code="38185").nom == "Commune de Grenoble"
    assert Reservataire.objects.get(type="BAILLEUR", code="552081317").bailleur.siren == "552081317"
    assert Logement.objects.get(identifiant="L0002").qpv.code == "QN03807M"
    decision = DecisionCaleol.objects.get(numero_unique="2")
    assert decision.uc_dixiemes == 10
    assert decision.ressources_annuelles_e4 == 800 * 12 * 10000
    assert decision.en_qpv_au_bail is True
    assert territoire["epci"] in Bailleur.objects.get(siren="779994416").epcis.all()


def test_reimporter_le_meme_fichier_ne_change_rien(territoire):
    rows = [ligne_f1(), ligne_f1(numero_unique="2", type_decision="ATTRIBUTION_RANG", rang="2")]
    importer(rows)
    avant = list(DecisionCaleol.objects.order_by("pk").values())
    rapport = importer(rows)
    assert (rapport.nb_creees, rapport.nb_modifiees, rapport.nb_inchangees) == (0, 0, 2)
    assert list(DecisionCaleol.objects.order_by("pk").values()) == avant


def test_un_bail_ajoute_plus_tard_met_a_jour_la_decision(territoire):
    importer([ligne_f1(date_bail="")])
    rapport = importer([ligne_f1(date_bail="2025-05-02")])
    assert (rapport.nb_creees, rapport.nb_modifiees) == (0, 1)
    assert str(DecisionCaleol.objects.get().date_bail) == "2025-05-02"


def test_fichier_avec_lignes_fausses_rejete_en_entier(territoire):
    rows = [
        ligne_f1(),  # line 2: fine
        ligne_f1(numero_unique="B1", date_decision="2025-13-01"),  # line 3
        ligne_f1(numero_unique="B2", commune_insee="99999"),  # line 4
        ligne_f1(numero_unique="B3", commune_insee="69123"),  # line 5: commune outside the EPCI
        ligne_f1(numero_unique="B4", qpv_code="QN99999X"),  # line 6
        ligne_f1(numero_unique="B5", type_decision="ATTRIBUTION_RANG", rang=""),  # line 7
        ligne_f1(numero_unique="B6", bailleur_siren="12345"),  # line 8
        ligne_f1(numero_unique="B7", ressources_mensuelles="mille"),  # line 9
        ligne_f1(numero_unique="B8", nb_personnes_14_plus="0"),  # line 10
        ligne_f1(numero_unique="B9", reservataire_type="COMMUNE", reservataire_id=""),  # line 11
        ligne_f1(numero_unique="B10", dalo="oui"),  # line 12
        ligne_f1(numero_unique="B11", epci_siren="123456789"),  # line 13
        ligne_f1(),  # line 14: same decision as line 2
        ligne_f1(numero_unique="B12", typologie="T9", type_decision="REFUS"),  # line 15: two errors
    ]
    bailleurs_avant = Bailleur.objects.count()
    with pytest.raises(ImportRejete) as exc:
        importer(rows)
    erreurs = {(e.ligne, e.colonne) for e in exc.value.erreurs}
    assert erreurs == {
        (3, "date_decision"),
        (4, "commune_insee"),
        (5, "commune_insee"),
        (6, "qpv_code"),
        (7, "rang"),
        (8, "bailleur_siren"),
        (9, "ressources_mensuelles"),
        (10, "nb_personnes_14_plus"),
        (11, "reservataire_id"),
        (12, "dalo"),
        (13, "epci_siren"),
        (14, ""),
        (15, "typologie"),
        (15, "type_decision"),
    }
    messages = {(e.ligne, e.colonne): e.message for e in exc.value.erreurs}
    assert "n'appartient pas à l'EPCI 200040715" in messages[(5, "commune_insee")]
    assert "ligne 2" in messages[(14, "")]
    assert DecisionCaleol.objects.count() == 0
    assert Bailleur.objects.count() == bailleurs_avant
    assert Logement.objects.count() == 0


def test_colonne_obligatoire_absente(territoire):
    colonnes = [c for c in F1_COLONNES if c != "dalo"]
    with pytest.raises(ImportRejete) as exc:
        importer([ligne_f1()], colonnes=colonnes)
    assert [(e.ligne, e.colonne) for e in exc.value.erreurs] == [(1, "dalo")]


def test_bom_colonnes_dans_le_desordre_virgule_decimale_et_colonnes_en_plus(territoire):
    colonnes = ["commentaire"] + list(reversed(F1_COLONNES))
    rapport = importer([ligne_f1(ressources_mensuelles="1696,70", commentaire="x")], colonnes=colonnes, bom=True)
    assert rapport.nb_creees == 1
    assert str(DecisionCaleol.objects.get().ressources_mensuelles) == "1696.7000"


def test_colonnes_facultatives_absentes(territoire):
    colonnes = [c for c in F1_COLONNES if c not in ("relogement", "mutation")]
    rapport = importer([ligne_f1()], colonnes=colonnes)
    assert rapport.nb_creees == 1
    decision = DecisionCaleol.objects.get()
    assert (decision.relogement, decision.mutation) == ("", False)


def test_fichier_non_utf8(territoire):
    with pytest.raises(ImportRejete) as exc:
        import_attributions(contenu="numero_unique;é".encode("latin-1"), nom_fichier="x.csv", recalculer=False)
    assert "UTF-8" in exc.value.erreurs[0].message


def test_fichier_vide(territoire):
    with pytest.raises(ImportRejete) as exc:
        import_attributions(contenu=b"", nom_fichier="x.csv", recalculer=False)
    assert "vide" in exc.value.erreurs[0].message
