"""RADATT with attributionLogement: the counted decision through attributions, and the holder to qualify."""

import pytest
from django.urls import reverse

from attributions.models import DecisionCaleol
from attributions.selectors import calcule_objectifs_epci, decisions_a_qualifier
from attributions.services import ActionRefusee, qualifier_reservataire
from attributions.tests.fabrique import BAILLEUR_A
from demandes.models import Demande
from sne.exemples import avec_radiation, bloc_radatt, exemple_complete
from sne.services import FichierRefuse, importer_fichier

pytestmark = pytest.mark.django_db


def radatt(type_reservataire: str, rpls: str = "AH-0001", siren: str = BAILLEUR_A) -> bytes:
    bloc = bloc_radatt(rpls=rpls, siren=siren, type_reservataire=type_reservataire, date_bail="2025-03-02")
    return avec_radiation(exemple_complete(), bloc)


def importer(monde, contenu, **kwargs):
    return importer_fichier(contenu=contenu, nom_fichier="rad.xml", acteur=monde["staff"]["epci"], **kwargs)


def test_colter_en_reservataire_a_qualifier_et_dans_aucun_objectif_c(monde_attributions):
    monde = monde_attributions
    rapport = importer(monde, radatt("COLTER"))
    demande = rapport.demande
    assert (demande.statut, demande.motif_radiation) == ("RADIEE", "ATTRIBUTION")
    decision = DecisionCaleol.objects.get(numero_unique=demande.numero_unique)
    assert decision.reservataire_a_qualifier and decision.logement == monde["logement"]
    assert decision.date_bail.isoformat() == "2025-03-02" and decision.type_decision == "ATTRIBUTION"
    resultat = calcule_objectifs_epci(monde["epci"], 2025)
    assert resultat["prioritaires"]["base"] == 1  # counted for the territory
    assert resultat["reservataires"] == []  # in no holder's objective C
    assert resultat["reservataires_a_qualifier"]["base"] == 1
    assert list(decisions_a_qualifier(monde["epci"])) == [decision]
    # the same file again changes nothing
    again = importer(monde, radatt("COLTER"))
    assert again.changements == [] and DecisionCaleol.objects.count() == 1

    with pytest.raises(ActionRefusee):
        qualifier_reservataire(decision=decision, reservataire=monde["etat"], acteur=monde["staff"]["epci"])
    qualifier_reservataire(decision=decision, reservataire=monde["ville"], acteur=monde["staff"]["epci"])
    resultat = calcule_objectifs_epci(monde["epci"], 2025)
    assert [(r["nom"], r["base"]) for r in resultat["reservataires"]] == [("Commune de Grenoble", 1)]
    assert resultat["reservataires_a_qualifier"]["base"] == 0
    assert not decisions_a_qualifier(monde["epci"]).exists()
    assert demande.evenements.filter(libelle__contains="Commune de Grenoble").exists()
    # the SNE sending COLTER again keeps the holder named on the platform
    importer(monde, radatt("COLTER").replace(b"<ns1:precision/>", b"<ns1:precision>relance</ns1:precision>"))
    decision.refresh_from_db()
    assert decision.reservataire == monde["ville"] and not decision.reservataire_a_qualifier


@pytest.mark.parametrize(
    "code, attendu",
    [("PPRIOR", "ETAT"), ("PFONCT", "ETAT_AGENTS"), ("COLACT", "ACTION_LOGEMENT"), ("AUCUN", "BAILLEUR")],
)
def test_reservataire_du_type_national(monde_attributions, code, attendu):
    demande = importer(monde_attributions, radatt(code)).demande
    decision = DecisionCaleol.objects.get(numero_unique=demande.numero_unique)
    assert decision.reservataire.type == attendu and not decision.reservataire_a_qualifier


def test_logement_inconnu_radie_sans_compter_avec_avertissement(monde_attributions):
    rapport = importer(monde_attributions, radatt("PPRIOR", rpls="X-404"))
    assert rapport.demande.statut == "RADIEE"
    assert not DecisionCaleol.objects.exists()
    assert any("RPLS X-404" in a for a in rapport.avertissements)


def test_bailleur_qui_ne_correspond_pas_refuse_tout_le_fichier(monde_attributions):
    with pytest.raises(FichierRefuse) as refus:
        importer(monde_attributions, radatt("PPRIOR", siren="779994416"))
    assert "appartient au bailleur" in str(refus.value.constats[0])
    assert not Demande.objects.exists() and not DecisionCaleol.objects.exists()


def test_demande_d_un_autre_territoire_refusee(monde_attributions):
    monde = monde_attributions
    importer(monde, exemple_complete())
    with pytest.raises(FichierRefuse) as refus:
        importer_fichier(contenu=exemple_complete("MOD"), nom_fichier="x.xml", acteur=monde["staff"]["dehors"])
    assert "n'est pas le vôtre" in str(refus.value.constats[0])


def test_page_des_objectifs_liste_et_qualifie(client, monde_attributions):
    monde = monde_attributions
    demande = importer(monde, radatt("COLTER")).demande
    decision = DecisionCaleol.objects.get(numero_unique=demande.numero_unique)
    client.force_login(monde["staff"]["epci"])
    page = client.get(reverse("attributions:tableau_de_bord"), {"epci": monde["epci"].siren, "annee": 2025})
    assert page.status_code == 200
    assert "Réservataire à qualifier" in page.content.decode() and "AH-0001" in page.content.decode()
    url = reverse("attributions:qualifier", args=[decision.pk])
    reponse = client.post(url, {"reservataire": monde["ville"].pk})
    assert reponse.status_code == 302
    decision.refresh_from_db()
    assert decision.reservataire == monde["ville"]
    client.logout()
    client.force_login(monde["staff"]["dehors"])
    assert client.post(url, {"reservataire": monde["ville"].pk}).status_code == 404
    client.logout()
    client.force_login(monde["staff"]["ville"])
    assert client.post(url, {"reservataire": monde["ville"].pk}).status_code == 403
