"""Shared-management events: national event types as data, a demand's events exported and imported, validated."""

import pytest

from demandes.models import Evenement
from sne import schemas
from sne.evenements import EvenementsRefuses, exporter_evenements, importer_evenements, importer_types
from sne.exemples import NUD, exemple_complete
from sne.models import TypeEvenementSne
from sne.services import importer_fichier

pytestmark = pytest.mark.django_db

NS = 'xmlns="http://nuu.application.i2/"'


def types_xml() -> bytes:
    def type_(code, publier, reglementaire, territoire=""):
        return (
            f"<typeEvenement><codeTypeEvenement>{code}</codeTypeEvenement>"
            "<texteDescriptifPGP>Votre demande a été renouvelée</texteDescriptifPGP>"
            "<texteDescriptifSNE>Renouvellement</texteDescriptifSNE>"
            f"<aPublierSurPGP>{publier}</aPublierSurPGP>"
            "<utilisableMultiplesAttributionsSousConditions>false</utilisableMultiplesAttributionsSousConditions>"
            "<utilisableRechercheInstruction>true</utilisableRechercheInstruction>"
            f"<reglementaire>{reglementaire}</reglementaire>"
            "<dateDebutValidite>2020-01-01</dateDebutValidite>"
            + (f"<codeTerritoire>{territoire}</codeTerritoire>" if territoire else "")
            + "<libelleTypeEvenement><libelle>Renouvellement</libelle></libelleTypeEvenement></typeEvenement>"
        )

    return (
        f'<interfaceNuu {NS} versionInterface="02.00"><entete><typeFichier>TEVT</typeFichier>'
        "<dateFichier>2026-01-05T10:00:00</dateFichier><codeGuichet>G1104</codeGuichet></entete>"
        f"<listeTypesEvenements>{type_('RENOUVELLE', 'true', 'true')}{type_('VISITE38', 'false', 'false', '038')}"
        "</listeTypesEvenements></interfaceNuu>"
    ).encode()


def evenements_xml(code: str, ident: int = 9001) -> bytes:
    return (
        f'<interfaceNuu {NS} versionInterface="02.00"><entete><typeFichier>EVT</typeFichier>'
        "<dateFichier>2026-01-05T10:00:00</dateFichier><codeGuichet>G1104</codeGuichet></entete>"
        f"<operation><numUnique>{NUD}</numUnique></operation><listeEvenements><evenement>"
        f"<idEvenement>{ident}</idEvenement><codeTypeEvenement>{code}</codeTypeEvenement>"
        "<auteurCreation>Bailleur X</auteurCreation><dateCreation>2026-01-04T09:30:00+01:00</dateCreation>"
        "<commentaire>Renouvelée en ligne</commentaire><reglementaire>true</reglementaire>"
        "</evenement></listeEvenements></interfaceNuu>"
    ).encode()


def test_types_nationaux_comme_donnees_avec_leurs_drapeaux():
    assert importer_types(contenu=types_xml()) == 2
    renouvellement = TypeEvenementSne.objects.get(code="RENOUVELLE")
    assert renouvellement.a_publier and renouvellement.reglementaire
    assert renouvellement.type_plateforme == Evenement.Type.RENOUVELLEMENT and renouvellement.code_territoire == ""
    visite = TypeEvenementSne.objects.get(code="VISITE38")
    assert (visite.code_territoire, visite.a_publier, visite.type_plateforme) == ("038", False, "")
    assert importer_types(contenu=types_xml()) == 2 and TypeEvenementSne.objects.count() == 2


def test_evenements_exportes_valides_puis_importes_une_fois(monde_demandes):
    demande = importer_fichier(contenu=exemple_complete(), nom_fichier="JDD.xml", acteur=monde_demandes.staff).demande
    contenu = exporter_evenements(demande)
    assert schemas.verifier(contenu, schemas=schemas.SCHEMAS_EVENEMENT, racine_attendue="interfaceNuu").valide
    assert b"<codeTypeEvenement>ENREGISTRE</codeTypeEvenement>" in contenu
    avant = demande.evenements.count()
    assert importer_evenements(contenu=contenu) == 0  # the platform's own events coming back
    assert importer_evenements(contenu=evenements_xml("RENOUVELLE")) == 1
    assert importer_evenements(contenu=evenements_xml("RENOUVELLE")) == 0
    recu = demande.evenements.get(detail__sne_id="9001")
    assert (recu.type, recu.organisation, recu.libelle) == ("RENOUVELLEMENT", "Bailleur X", "Renouvelée en ligne")
    assert demande.evenements.count() == avant + 1


def test_type_inconnu_refuse_tout_le_fichier(monde_demandes):
    importer_types(contenu=types_xml())
    importer_fichier(contenu=exemple_complete(), nom_fichier="JDD.xml", acteur=monde_demandes.staff)
    with pytest.raises(EvenementsRefuses) as refus:
        importer_evenements(contenu=evenements_xml("VISITE38"))
    assert "« VISITE38 » sans équivalent" in str(refus.value.constats[0])
    with pytest.raises(EvenementsRefuses):
        importer_evenements(contenu=evenements_xml("RENOUVELLE"), permis=frozenset({monde_demandes.autre_epci.pk}))


def test_commandes_des_evenements(tmp_path, monde_demandes):
    import io

    from django.core.management import CommandError, call_command

    importer_fichier(contenu=exemple_complete(), nom_fichier="JDD.xml", acteur=monde_demandes.staff)
    (tmp_path / "types.xml").write_bytes(types_xml())
    call_command("import_sne_evenements", str(tmp_path / "types.xml"), types=True, stdout=io.StringIO())
    assert TypeEvenementSne.objects.count() == 2
    (tmp_path / "evt.xml").write_bytes(evenements_xml("RENOUVELLE"))
    sortie = io.StringIO()
    call_command("import_sne_evenements", str(tmp_path / "evt.xml"), epci=[monde_demandes.epci.siren], stdout=sortie)
    assert "1 événement(s) ajouté(s)" in sortie.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "import_sne_evenements",
            str(tmp_path / "evt.xml"),
            epci=[monde_demandes.autre_epci.siren],
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    call_command("export_sne", numero=NUD, evenements=True, sortie=str(tmp_path / "out.xml"), stderr=io.StringIO())
    assert b"<codeTypeEvenement>RENOUVELLE</codeTypeEvenement>" in (tmp_path / "out.xml").read_bytes()
