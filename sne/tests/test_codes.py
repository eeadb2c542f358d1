"""The one table of the national code lists (codes.py, docs/formats.md): complete, consistent, documented."""

from pathlib import Path

import pytest

from demandes.models import Demande, MembreMenage, MotifRadiation, Ressource
from sne import codes, schemas

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats.md"

CHOIX = {
    "ListeCivilite": Demande.Sexe.values,
    "ListeNationalite": Demande.Nationalite.values,
    "ListeSituationFamiliale": Demande.SituationFamiliale.values,
    "ListeLienDemandeur": MembreMenage.Lien.values,
    "ListeLienParente": MembreMenage.Lien.values,
    "ListeCoparentalite": MembreMenage.Garde.values,
    "ListeTypeLogement": Demande.Typologie.values,
    "ListeTypeLogementRPLS": Demande.Typologie.values,
    "ListeTypeContratTravail": Demande.SituationProfessionnelle.values,
    "ListeRessourceRecue": Ressource.Nature.values,
    "ListeModeleLogement": Demande.LogementActuel.values,
    "ListeMotifDemande": Demande.Motif.values,
    "ListeMotifsRadiation": [*MotifRadiation.values, "REACTIVATION"],
}


@pytest.mark.parametrize("liste", sorted(codes.listes_nationales()))
def test_chaque_code_national_a_sa_ligne(liste):
    correspondance = codes.CORRESPONDANCES[liste]
    assert set(correspondance.vers_plateforme) == set(codes.listes_nationales()[liste])
    if liste in CHOIX:
        valeurs = {v for v in correspondance.vers_plateforme.values() if v is not None}
        assert valeurs <= set(CHOIX[liste])
        # every platform value the export may meet has its national code, which reads back to it
        for valeur, code in correspondance.vers_national.items():
            assert code in codes.listes_nationales()[liste]
            if valeur in correspondance.vers_plateforme.values():
                assert correspondance.vers_plateforme[code] == valeur


@pytest.mark.parametrize("liste", sorted(CHOIX))
def test_toute_valeur_de_la_plateforme_s_exporte(liste):
    correspondance = codes.CORRESPONDANCES[liste]
    if liste in ("ListeLienParente",):
        attendues = set(CHOIX[liste]) - {"CO_TITULAIRE"}
    elif liste in ("ListeLienDemandeur",):
        attendues = {"CO_TITULAIRE"}
    elif liste == "ListeRessourceRecue":
        attendues = set(CHOIX[liste]) - {"AIDE_LOGEMENT"}  # written as montantMensuelAPL
    elif liste == "ListeCoparentalite":
        attendues = set(CHOIX[liste]) - {""}
    elif liste == "ListeMotifsRadiation":
        attendues = set(MotifRadiation.values)
    else:
        attendues = set(CHOIX[liste])
    assert attendues <= set(correspondance.vers_national)


def test_le_code_recu_est_garde_quand_il_veut_dire_la_meme_chose():
    assert codes.national("ListeTypeContratTravail", "CDD", "APP") == "APP"
    assert codes.national("ListeTypeContratTravail", "CDI", "APP") == "CDI"


@pytest.mark.parametrize("liste", sorted(codes.listes_nationales()))
def test_la_table_est_documentee(liste):
    assert f"`{liste}`" in DOC.read_text(encoding="utf-8")


def test_code_inconnu_signale_jamais_ignore():
    from sne.exemples import exemple_complete

    contenu = exemple_complete().replace(b'<ns1:ressource code="PAR"/>', b'<ns1:ressource code="XYZ"/>', 1)
    verification = schemas.verifier(contenu)
    assert not verification.valide
    (constat,) = verification.constats
    assert constat.chemin.endswith("/demandeur/listeRessourceRecue/detailRessource/ressource")
    assert "« XYZ » inconnu de la liste nationale ListeRessourceRecue" in constat.message


def test_versee_lue_dans_sa_propre_liste():
    assert codes.liste_de(["interfaceNuu", "x", "listeRessourceVersee", "detailRessource", "ressource"]) == (
        "ListeRessourceVersee"
    )
    assert codes.liste_de(["interfaceNuu", "radiation", "attributionLogement", "typeLogement"]) == (
        "ListeTypeLogementRPLS"
    )
