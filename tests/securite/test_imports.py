"""Hostile imports: a territory tries to write into another one through the allocations (F1) and stock files.

Every import accepts only rows of the importing user's territories (EPCI staff) or landlord (landlord staff),
refuses the whole file with the offending lines named before anything is written, and never rewrites an
existing dwelling or decision of another territory matched by its key. The command line needs an explicit scope.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from attributions.models import DecisionCaleol, Logement, LotImport
from attributions.services import ImportRejete, import_attributions
from attributions.vacances.stock import StockRejete, importer_logements
from cil.models import Reservataire
from tests.fixtures.f1 import fichier_f1, ligne_f1

from .conftest import connecte

pytestmark = pytest.mark.django_db


def ligne(t, **kw) -> dict:
    """An F1 row of territory ``t`` (its commune, its landlord)."""
    valeurs = {
        "logement_id": f"LOG-{t.code}-1",
        "bailleur_siren": t.bailleur.siren,
        "commune_insee": t.commune.code_insee,
        "epci_siren": t.epci.siren,
        "numero_unique": f"NU-{t.code}-1",
    }
    return ligne_f1(**{**valeurs, **kw})


def importer_page(client, user, contenu: bytes):
    connecte(client, user)
    fichier = SimpleUploadedFile("extrait.csv", contenu, content_type="text/csv")
    return client.post(reverse("attributions:import"), {"fichier": fichier})


def etat_decisions() -> set[tuple]:
    return set(
        DecisionCaleol.objects.values_list(
            "numero_unique", "logement__identifiant", "epci__siren", "ressources_mensuelles", "dalo", "prioritaire"
        )
    )


def test_page_refuse_une_ligne_d_un_autre_territoire_en_la_nommant(client, monde_hostile):
    contenu = fichier_f1([ligne(monde_hostile.val), ligne(monde_hostile.mont, logement_id="LOG-mont-9")])
    reponse = importer_page(client, monde_hostile.val["epci"], contenu)
    assert reponse.status_code == 400
    texte = reponse.content.decode()
    assert "le territoire 200000180 (CC du Mont) n&#x27;est pas le vôtre." in texte
    rejet = reponse.context["rejet"]
    assert [str(e) for e in rejet.erreurs] == ["ligne 3 : le territoire 200000180 (CC du Mont) n'est pas le vôtre."]
    # whole file refused: not even the territory's own line, nor the dwelling, landlord link or batch
    assert DecisionCaleol.objects.count() == 0
    assert not Logement.objects.exists()
    assert not LotImport.objects.exists()
    assert not monde_hostile.mont.bailleur.epcis.filter(pk=monde_hostile.val.epci.pk).exists()


def test_page_accepte_les_lignes_du_territoire(client, monde_hostile):
    reponse = importer_page(client, monde_hostile.val["epci"], fichier_f1([ligne(monde_hostile.val)]))
    assert reponse.status_code == 302
    assert list(DecisionCaleol.objects.values_list("epci__siren", flat=True)) == [monde_hostile.val.epci.siren]


def test_les_autres_roles_ne_peuvent_pas_importer(client, monde_hostile):
    for role in ("agent", "bailleur", "reservataire", "membre"):
        reponse = importer_page(client, monde_hostile.mont[role], fichier_f1([ligne(monde_hostile.mont)]))
        assert reponse.status_code == 403, role
    assert DecisionCaleol.objects.count() == 0


def test_l_administrateur_importe_pour_tout_territoire(client, monde_hostile):
    contenu = fichier_f1([ligne(monde_hostile.val), ligne(monde_hostile.lac)])
    assert importer_page(client, monde_hostile.admin, contenu).status_code == 302
    assert set(DecisionCaleol.objects.values_list("epci__siren", flat=True)) == {"200000172", "200000198"}


@pytest.fixture
def decision_du_mont(monde_hostile):
    """Mont's staff imported one of its allocations (resources 800, neither DALO nor priority)."""
    import_attributions(
        contenu=fichier_f1([ligne(monde_hostile.mont)]),
        nom_fichier="mont.csv",
        acteur=monde_hostile.mont["epci"],
        recalculer=False,
    )
    return DecisionCaleol.objects.get()


def test_un_autre_territoire_ne_reecrit_pas_le_logement_ni_la_decision(client, monde_hostile, decision_du_mont):
    avant = etat_decisions()
    # Val claims Mont's dwelling and decision as its own: same key, its own commune and EPCI, other values
    pirate = ligne(
        monde_hostile.val,
        logement_id="LOG-mont-1",
        numero_unique="NU-mont-1",
        ressources_mensuelles="5000",
        dalo="1",
        prioritaire="1",
    )
    reponse = importer_page(client, monde_hostile.val["epci"], fichier_f1([pirate]))
    assert reponse.status_code == 400
    erreurs = [str(e) for e in reponse.context["rejet"].erreurs]
    assert erreurs == [
        "ligne 2, colonne logement_id : le logement LOG-mont-1 appartient au territoire 200000180 (CC du Mont), "
        "qui n'est pas le vôtre : il ne peut pas être modifié."
    ]
    assert etat_decisions() == avant
    logement = Logement.objects.get(identifiant="LOG-mont-1")
    assert (logement.epci_id, logement.commune_id) == (monde_hostile.mont.epci.pk, monde_hostile.mont.commune.pk)


def test_une_decision_d_un_autre_territoire_n_est_pas_reecrite(monde_hostile, decision_du_mont):
    """The dwelling moved to Val since (e.g. a boundary change), the decision stays Mont's: not Val's to rewrite."""
    Logement.objects.filter(identifiant="LOG-mont-1").update(
        epci=monde_hostile.val.epci, commune=monde_hostile.val.commune
    )
    avant = etat_decisions()
    pirate = ligne(monde_hostile.val, logement_id="LOG-mont-1", numero_unique="NU-mont-1", dalo="1")
    with pytest.raises(ImportRejete) as exc:
        import_attributions(
            contenu=fichier_f1([pirate]), nom_fichier="v.csv", acteur=monde_hostile.val["epci"], recalculer=False
        )
    assert [str(e) for e in exc.value.erreurs] == [
        "ligne 2 : la décision existante (NU-mont-1, logement LOG-mont-1, 10/03/2025) appartient au territoire "
        "200000180 (CC du Mont), qui n'est pas le vôtre : elle ne peut pas être modifiée."
    ]
    assert etat_decisions() == avant


def test_un_membre_de_plusieurs_territoires_importe_pour_chacun(monde_hostile):
    from cil.models import Membership
    from core.roles import Role

    user = monde_hostile.val["epci"]
    Membership.objects.create(user=user, role=Role.EPCI, epci=monde_hostile.lac.epci)
    Membership.objects.create(user=user, role=Role.MEMBRE_CIL, epci=monde_hostile.mont.epci)
    ok = fichier_f1([ligne(monde_hostile.val), ligne(monde_hostile.lac)])
    assert import_attributions(contenu=ok, nom_fichier="a.csv", acteur=user, recalculer=False).nb_creees == 2
    # a CIL member reads Mont's figures but does not write them
    with pytest.raises(ImportRejete, match="1 erreur"):
        import_attributions(contenu=fichier_f1([ligne(monde_hostile.mont)]), nom_fichier="b.csv", acteur=user)


# --- Command line ---------------------------------------------------------------------------------------


@pytest.fixture
def fichier_mixte(tmp_path, monde_hostile):
    path = tmp_path / "extrait.csv"
    path.write_bytes(fichier_f1([ligne(monde_hostile.val), ligne(monde_hostile.mont, logement_id="LOG-mont-9")]))
    return path


def test_commande_sans_perimetre_refusee(fichier_mixte):
    with pytest.raises(CommandError, match="--epci --acteur --tous-territoires"):
        call_command("import_attributions", str(fichier_mixte))
    assert DecisionCaleol.objects.count() == 0


@pytest.mark.parametrize("perimetre", [["--epci", "200000172"], ["--acteur", "epci_val"]])
def test_commande_limitee_a_un_territoire(fichier_mixte, perimetre):
    err = io.StringIO()
    with pytest.raises(CommandError, match="Aucune donnée"):
        call_command("import_attributions", str(fichier_mixte), *perimetre, stderr=err, stdout=io.StringIO())
    assert "extrait.csv : ligne 3 : le territoire 200000180 (CC du Mont) n'est pas le vôtre." in err.getvalue()
    assert DecisionCaleol.objects.count() == 0


def test_commande_perimetre_explicite(fichier_mixte, monde_hostile):
    out = io.StringIO()
    call_command("import_attributions", str(fichier_mixte), "--epci", "200000172", "--epci", "200000180", stdout=out)
    assert "2 décisions créées" in out.getvalue()
    DecisionCaleol.objects.all().delete()
    call_command("import_attributions", str(fichier_mixte), "--tous-territoires", "--sans-recalcul", stdout=out)
    assert DecisionCaleol.objects.count() == 2


def test_commande_au_nom_d_un_acteur(fichier_mixte, monde_hostile, tmp_path):
    with pytest.raises(CommandError, match="personnel d'aucun EPCI"):
        call_command("import_attributions", str(fichier_mixte), "--acteur", "bailleur_val")
    with pytest.raises(CommandError, match="EPCI inconnu"):
        call_command("import_attributions", str(fichier_mixte), "--epci", "999999999")
    path = tmp_path / "val.csv"
    path.write_bytes(fichier_f1([ligne(monde_hostile.val)]))
    call_command("import_attributions", str(path), "--acteur", "epci_val", stdout=io.StringIO())
    assert LotImport.objects.get().importe_par == monde_hostile.val["epci"]


# --- Stock ----------------------------------------------------------------------------------------------

ENTETE_STOCK = "identifiant;commune_insee;typologie;loyer"


def importer_stock_page(client, user, bailleur, contenu: bytes):
    connecte(client, user)
    fichier = SimpleUploadedFile("patrimoine.csv", contenu, content_type="text/csv")
    return client.post(reverse("attributions:logements_import"), {"bailleur": bailleur.pk, "fichier": fichier})


def test_stock_refuse_un_logement_sur_un_territoire_ou_le_bailleur_n_est_pas(client, monde_hostile):
    contenu = f"{ENTETE_STOCK}\nV-1;01001;T2;400\nV-2;02001;T3;500\n".encode()
    reponse = importer_stock_page(client, monde_hostile.val["bailleur"], monde_hostile.val.bailleur, contenu)
    assert reponse.status_code == 400
    assert [str(e) for e in reponse.context["rejet"].erreurs] == [
        "ligne 3, colonne « commune_insee » : commune 02001 : le territoire 200000180 (CC du Mont) n'est pas le vôtre."
    ]
    assert not Logement.objects.exists()
    assert not monde_hostile.val.bailleur.epcis.filter(pk=monde_hostile.mont.epci.pk).exists()


def test_stock_d_un_autre_bailleur_refuse(client, monde_hostile):
    contenu = f"{ENTETE_STOCK}\nM-1;02001;T2;400\n".encode()
    reponse = importer_stock_page(client, monde_hostile.val["bailleur"], monde_hostile.mont.bailleur, contenu)
    assert reponse.status_code == 200  # the form refuses a landlord the user is not staff of
    assert "bailleur" in reponse.context["form"].errors
    assert not Logement.objects.exists()
    with pytest.raises(StockRejete):
        importer_logements(contenu=contenu, bailleur=monde_hostile.mont.bailleur, acteur=monde_hostile.val["bailleur"])
    assert not Logement.objects.exists()


def test_stock_ne_deplace_pas_un_logement_d_un_autre_territoire(monde_hostile):
    """Val's landlord also owns a dwelling in Mont, recorded there by Mont: Val's staff cannot move it to Val."""
    Logement.objects.create(
        identifiant="V-9", bailleur=monde_hostile.val.bailleur, commune=monde_hostile.mont.commune,
        epci=monde_hostile.mont.epci,
        typologie="T4", loyer=Decimal("610"),
    )  # fmt: skip
    with pytest.raises(StockRejete) as exc:
        importer_logements(
            contenu=f"{ENTETE_STOCK}\nV-9;01001;T1;100\n".encode(),
            bailleur=monde_hostile.val.bailleur,
            acteur=monde_hostile.val["bailleur"],
        )
    assert [str(e) for e in exc.value.erreurs] == [
        "ligne 2, colonne « identifiant » : ce logement est enregistré sur le territoire 200000180 (CC du Mont), "
        "qui n'est pas le vôtre : il ne peut pas être modifié."
    ]
    logement = Logement.objects.get(identifiant="V-9")
    assert (logement.epci_id, logement.typologie, logement.loyer) == (
        monde_hostile.mont.epci.pk,
        "T4",
        Decimal("610.00"),
    )


def test_stock_sur_les_territoires_du_bailleur(monde_hostile):
    monde_hostile.val.bailleur.epcis.add(monde_hostile.lac.epci)  # registered by Lac too: its stock there is its own
    rapport = importer_logements(
        contenu=f"{ENTETE_STOCK}\nV-1;01001;T2;400\nV-2;03001;T3;500\n".encode(),
        bailleur=monde_hostile.val.bailleur,
        acteur=monde_hostile.val["bailleur"],
    )
    assert rapport.nb_crees == 2
    assert set(Logement.objects.values_list("epci__siren", flat=True)) == {"200000172", "200000198"}


def test_commande_stock_limitee(monde_hostile, tmp_path):
    path = tmp_path / "patrimoine.csv"
    path.write_bytes(f"{ENTETE_STOCK}\nV-2;02001;T3;500\n".encode())
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 erreur"):
        call_command("import_logements", str(path), "--bailleur", monde_hostile.val.bailleur.siren, stderr=err)
    assert "le territoire 200000180 (CC du Mont) n'est pas le vôtre" in err.getvalue()
    call_command(
        "import_logements", str(path), "--bailleur", monde_hostile.val.bailleur.siren, "--epci", "200000180",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert Logement.objects.get().epci_id == monde_hostile.mont.epci.pk


def test_reservataire_et_bailleur_d_un_autre_territoire_non_modifies(client, monde_hostile):
    """Naming Mont's landlord and holder in Val's own rows links them to Val only; their names stay."""
    rows = [ligne(monde_hostile.val, bailleur_siren=monde_hostile.mont.bailleur.siren, reservataire_type="COMMUNE",
                  reservataire_id=monde_hostile.mont.commune.code_insee)]  # fmt: skip
    assert importer_page(client, monde_hostile.val["epci"], fichier_f1(rows)).status_code == 302
    monde_hostile.mont.bailleur.refresh_from_db()
    monde_hostile.mont.reservataire.refresh_from_db()
    assert monde_hostile.mont.bailleur.nom == "Habitat Montville"
    assert monde_hostile.mont.reservataire.nom == "Ville de Montville"
    assert set(
        Reservataire.objects.get(pk=monde_hostile.mont.reservataire.pk).epcis.values_list("siren", flat=True)
    ) == {
        "200000180",
        "200000172",
    }
    assert dt.date(2025, 3, 10) in set(DecisionCaleol.objects.values_list("date_decision", flat=True))
