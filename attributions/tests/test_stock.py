"""Import of a landlord's stock file: whole or nothing, errors by line and column, idempotent."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from attributions.models import Logement
from attributions.vacances.stock import StockRejete, importer_logements
from cil.models import Bailleur

pytestmark = pytest.mark.django_db

ENTETE = (
    "identifiant;commune_insee;adresse;qpv_code;typologie;surface;financement;loyer;"
    "date_premiere_location;date_conventionnement;accessible_pmr"
)
BON = "\n".join(
    [
        ENTETE,
        "AH-1;38185;12 rue Très-Cloîtres;;T3;64,5;PLUS;452,30;1998;2001-03-15;non",
        "AH-2;38185;4 galerie de l'Arlequin;QN03807M;T4;81;PLAI;401;15/09/1972;;1",
        "AH-3;38151;1 avenue de Grugliasco;;t2;;;;;;",
    ]
).encode()


@pytest.fixture
def bailleur(territoire_minimal):
    return Bailleur.objects.create(siren="552081317", nom="Alpes Habitat")


def test_import_puis_reimport_identique(territoire_minimal, bailleur):
    rapport = importer_logements(contenu="\ufeff".encode() + BON, bailleur=bailleur)
    assert (rapport.nb_lignes, rapport.nb_crees, rapport.nb_modifies, rapport.nb_inchanges) == (3, 3, 0, 0)
    ah1 = Logement.objects.get(identifiant="AH-1")
    assert (ah1.surface, ah1.loyer, ah1.financement, ah1.typologie) == (
        Decimal("64.5"),
        Decimal("452.30"),
        "PLUS",
        "T3",
    )
    assert (ah1.date_premiere_location, ah1.date_conventionnement) == (dt.date(1998, 1, 1), dt.date(2001, 3, 15))
    assert ah1.epci == territoire_minimal["epci"] and ah1.qpv is None and ah1.carte_2024_connue
    ah2 = Logement.objects.get(identifiant="AH-2")
    assert ah2.qpv.code == "QN03807M" and ah2.accessible_pmr and ah2.date_premiere_location == dt.date(1972, 9, 15)
    assert Logement.objects.get(identifiant="AH-3").typologie == "T2"
    assert territoire_minimal["epci"] in bailleur.epcis.all()
    again = importer_logements(contenu=BON, bailleur=bailleur)
    assert (again.nb_crees, again.nb_modifies, again.nb_inchanges) == (0, 0, 3)
    modifie = BON.replace(b"452,30", b"460")
    assert importer_logements(contenu=modifie, bailleur=bailleur).nb_modifies == 1
    assert Logement.objects.get(identifiant="AH-1").loyer == Decimal("460")


def test_fichier_errone_rejete_en_entier(territoire_minimal, bailleur):
    autre = Bailleur.objects.create(siren="779994416", nom="Grenoble Habitat")
    Logement.objects.create(
        identifiant="GH-9",
        bailleur=autre,
        commune=territoire_minimal["communes"]["38185"],
        epci=territoire_minimal["epci"],
        typologie="T1",
    )
    mauvais = "\n".join(
        [
            ENTETE,
            "AH-1;38185;;;T3;64,5;PLUS;452,30;;;",
            "AH-1;38185;;;T3;;;;;;",
            "AH-4;99999;;QP038007;T9;-3;HLM;abc;31/02/2020;;peut-être",
            "GH-9;38185;;;T1;;;;;;",
        ]
    ).encode()
    with pytest.raises(StockRejete) as exc:
        importer_logements(contenu=mauvais, bailleur=bailleur)
    erreurs = {(e.ligne, e.colonne): e.message for e in exc.value.erreurs}
    assert erreurs[(3, "identifiant")] == "logement déjà présent ligne 2."
    assert erreurs[(4, "commune_insee")] == "commune inconnue : 99999."
    assert erreurs[(4, "qpv_code")] == "QP038007 n'est pas un QPV de la géographie 2024."
    assert "T1 à T6" in erreurs[(4, "typologie")]
    assert "positif" in erreurs[(4, "surface")]
    assert "PLAI, PLUS" in erreurs[(4, "financement")]
    assert "nombre invalide" in erreurs[(4, "loyer")]
    assert "date invalide" in erreurs[(4, "date_premiere_location")]
    assert "1/oui ou 0/non" in erreurs[(4, "accessible_pmr")]
    assert "autre bailleur (Grenoble Habitat)" in erreurs[(5, "identifiant")]
    assert str(exc.value.erreurs[0]).startswith("ligne 3, colonne « identifiant »")
    assert not Logement.objects.filter(bailleur=bailleur).exists()  # nothing half-written


def test_colonnes_obligatoires(territoire_minimal, bailleur):
    with pytest.raises(StockRejete) as exc:
        importer_logements(contenu=b"identifiant;adresse\nX;rue\n", bailleur=bailleur)
    assert {e.colonne for e in exc.value.erreurs} == {"commune_insee", "typologie"}


def test_commande(territoire_minimal, bailleur, tmp_path, capsys):
    fichier = tmp_path / "patrimoine.csv"
    fichier.write_bytes(BON)
    with pytest.raises(CommandError, match="aucun territoire : précisez --epci"):
        call_command("import_logements", str(fichier), "--bailleur", "552081317")
    call_command("import_logements", str(fichier), "--bailleur", "552081317", "--epci", "200040715")
    assert "3 logements créés" in capsys.readouterr().out
    fichier.write_bytes(BON.replace(b"T4", b"T8"))
    with pytest.raises(CommandError, match="1 erreur"):
        call_command("import_logements", str(fichier), "--bailleur", "552081317")
    assert "ligne 3, colonne « typologie »" in capsys.readouterr().err
    with pytest.raises(CommandError, match="Bailleur inconnu"):
        call_command("import_logements", str(fichier), "--bailleur", "000000000")


def test_accessibilite_par_le_fichier_garde_ce_qui_est_connu(territoire_minimal, bailleur):
    """docs/logements_adaptes.md: the level wins over the old flag; an empty cell keeps what is known."""
    entete = "identifiant;commune_insee;typologie;accessible_pmr;niveau_accessibilite;etage;ascenseur;largeur_portes_cm"
    premier = f"{entete}\nAD-1;38185;T2;;ADAPTABLE;2;oui;85\nAD-2;38185;T2;1;;0;;\n".encode()
    importer_logements(contenu=premier, bailleur=bailleur)
    ad1, ad2 = Logement.objects.order_by("identifiant")
    assert (ad1.niveau_accessibilite, ad1.etage, ad1.ascenseur, ad1.largeur_portes_cm) == ("ADAPTABLE", 2, True, 85)
    assert not ad1.accessible_pmr and ad2.niveau_accessibilite == "FAUTEUIL" and ad2.accessible_pmr
    # empty cells keep the dwelling's description; "0" for the old flag keeps a lesser level
    second = f"{entete}\nAD-1;38185;T2;0;;;;\nAD-2;38185;T2;0;;;;\n".encode()
    rapport = importer_logements(contenu=second, bailleur=bailleur)
    assert (rapport.nb_inchanges, rapport.nb_modifies) == (1, 1)
    ad1, ad2 = Logement.objects.order_by("identifiant")
    assert (ad1.niveau_accessibilite, ad1.etage, ad1.ascenseur, ad1.largeur_portes_cm) == ("ADAPTABLE", 2, True, 85)
    assert ad2.niveau_accessibilite == "" and not ad2.accessible_pmr
    contradictoire = f"{entete}\nAD-1;38185;T2;1;ADAPTABLE;-1;peut-être;9\n".encode()
    with pytest.raises(StockRejete) as exc:
        importer_logements(contenu=contradictoire, bailleur=bailleur)
    erreurs = {e.colonne: e.message for e in exc.value.erreurs}
    assert erreurs["accessible_pmr"] == "contredit le niveau d'accessibilité « ADAPTABLE »."
    assert erreurs["etage"] == "« -1 » : nombre entier de 0 à 60 attendu."
    assert erreurs["largeur_portes_cm"] == "« 9 » : nombre entier de 50 à 250 attendu."
    assert "1/oui ou 0/non" in erreurs["ascenseur"]
    assert Logement.objects.get(identifiant="AD-1").etage == 2  # nothing half-written
