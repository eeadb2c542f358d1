"""The pages of the policy documents: EPCI staff manage, CIL members and partners read, others see nothing."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from attributions.selectors import calcule_objectifs_epci
from politique.models import Action, DocumentPolitique, JournalPolitique, Orientation, VersionDocument
from tests.fixtures.politique import adopter_cia

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def test_le_personnel_redige_et_fait_adopter_un_document(client, monde_politique):
    client.force_login(monde_politique["users"]["epci"])
    assert "Nouveau document" in client.get(reverse("politique:documents")).content.decode()
    response = client.post(
        reverse("politique:document_nouveau") + f"?epci={monde_politique['epci'].siren}",
        {"type": "PPGDID", "titre": "PPGDID 2026-2031", "description": ""},
    )
    version = VersionDocument.objects.get(document__titre="PPGDID 2026-2031")
    assert response.status_code == 302 and response["Location"] == reverse("politique:version", args=[version.pk])
    client.post(
        reverse("politique:orientation_ajout", args=[version.pk]),
        {"orientation-numero": 1, "orientation-intitule": "Accueillir et informer"},
    )
    orientation = Orientation.objects.get(version=version)
    client.post(
        reverse("politique:objectif_ajout", args=[orientation.pk]),
        {"objectif-numero": 1, "objectif-intitule": "Un guichet par secteur"},
    )
    objectif = orientation.objectifs.get()
    response = client.post(
        reverse("politique:action_ajout", args=[version.pk]),
        {"action-objectif": objectif.pk, "action-intitule": "Labelliser les guichets", "action-pilote": "EPCI"},
    )
    action = Action.objects.get(version=version)
    assert response["Location"] == reverse("politique:action", args=[action.pk]) and action.numero == 1
    client.post(
        reverse("politique:jalon_ajout", args=[action.pk]), {"jalon-libelle": "Charte", "jalon-echeance": "2026-06-30"}
    )
    client.post(
        reverse("politique:indicateur_ajout", args=[action.pk]),
        {
            "indicateur-libelle": "Délai médian à Grenoble",
            "indicateur-nature": "DELAI_MEDIAN",
            "indicateur-commune": monde_politique["communes"]["38185"].pk,
            "indicateur-cible": "18",
        },
    )
    indicateur = action.indicateurs.get()
    assert (indicateur.valeur_cible, indicateur.commune.code_insee) == (18, "38185")
    statut = reverse("politique:version_statut", args=[version.pk])
    client.post(statut, {"action": "SOUMETTRE"})
    response = client.post(statut, {"action": "ADOPTER", "date": "2026-01-15"}, follow=True)
    assert "Indiquez la référence de la délibération" in response.content.decode()
    client.post(statut, {"action": "ADOPTER", "date": "2026-01-15", "deliberation_reference": "Délibération n° 26-01"})
    client.post(statut, {"action": "METTRE_EN_VIGUEUR", "date": "2026-02-01"})
    version.refresh_from_db()
    assert (version.statut, version.deliberation_reference) == ("EN_VIGUEUR", "Délibération n° 26-01")
    # adopted: the text is locked, the follow-up opens
    response = client.post(reverse("politique:supprimer", args=["action", action.pk]), follow=True)
    assert "ne se modifie plus" in response.content.decode() and Action.objects.filter(pk=action.pk).exists()
    client.post(
        reverse("politique:action_avancement", args=[action.pk]),
        {"avancement-statut": "REALISEE", "avancement-commentaire": "Dix guichets labellisés."},
    )
    action.refresh_from_db()
    assert action.statut == "REALISEE"
    jalon = action.jalons.get()
    client.post(
        reverse("politique:jalon_realise", args=[jalon.pk]), {f"jalon-{jalon.pk}-date_realisation": "2026-02-10"}
    )
    jalon.refresh_from_db()
    assert jalon.date_realisation == dt.date(2026, 2, 10)
    valeur = {
        f"valeur-{indicateur.pk}-{k}": v for k, v in {"valeur": "12", "date": "2026-02-10", "source": "x"}.items()
    }
    response = client.post(reverse("politique:indicateur_valeur", args=[indicateur.pk]), valeur, follow=True)
    assert "calculé par la plateforme" in response.content.decode()
    client.post(reverse("politique:version_publier", args=[version.pk]), {"publie": "1"})
    version.refresh_from_db()
    assert version.publie
    page = client.get(reverse("politique:version", args=[version.pk])).content.decode()
    assert "Journal des modifications" in page and "publiée" in page
    assert (
        JournalPolitique.objects.filter(document=version.document, acteur=monde_politique["users"]["epci"]).count() >= 9
    )


def test_une_action_montre_ses_indicateurs_calcules_a_la_lecture(client, monde_politique):
    version = adopter_cia(monde_politique)
    action = version.actions.get()
    attendu = next(
        b
        for b in calcule_objectifs_epci(monde_politique["epci"], 2025)["bailleurs"]
        if b["pk"] == monde_politique["bailleur"].pk
    )
    assert attendu["prioritaires"]["numerateur"] == 4
    client.force_login(monde_politique["users"]["membre"])
    page = client.get(reverse("politique:action", args=[action.pk])).content.decode()
    assert f"40,0{NBSP}%" in page and f"42,5{NBSP}%" in page and "non atteinte" in page
    assert f"bailleur={monde_politique['bailleur'].pk}" in page  # the figure drills down to its allocations
    assert "en retard" in page  # the milestone of 1 September 2021 is not done
    assert "Enregistrer" not in page  # a CIL member reads
    # a new allocation counts at once: the figure is computed when read, never stored
    from attributions.services import import_attributions
    from tests.fixtures.politique import fichier_f1, lignes_2025

    lignes = lignes_2025()
    lignes[5]["prioritaire"] = "1"
    import_attributions(contenu=fichier_f1(lignes), nom_fichier="r2.csv", recalculer=False)
    page = client.get(reverse("politique:action", args=[action.pk])).content.decode()
    assert f"50,0{NBSP}%" in page and "atteinte" in page


@pytest.mark.parametrize("role", ["membre", "bailleur", "reservataire"])
def test_les_partenaires_lisent_sans_modifier(client, monde_politique, role):
    version = adopter_cia(monde_politique)
    action = version.actions.get()
    client.force_login(monde_politique["users"][role])
    assert client.get(reverse("politique:documents")).status_code == 200
    page = client.get(reverse("politique:version", args=[version.pk])).content.decode()
    assert "Prioritaires chez le bailleur" in page and "Étape suivante" not in page
    assert client.get(reverse("politique:action", args=[action.pk])).status_code == 200
    for url, data in [
        (reverse("politique:version_statut", args=[version.pk]), {"action": "APPROUVER", "date": "2021-01-01"}),
        (reverse("politique:version_publier", args=[version.pk]), {"publie": "1"}),
        (reverse("politique:action_avancement", args=[action.pk]), {"avancement-statut": "ABANDONNEE"}),
        (reverse("politique:supprimer", args=["action", action.pk]), {}),
    ]:
        assert client.post(url, data).status_code == 403, url
    action.refresh_from_db()
    version.refresh_from_db()
    assert action.statut == "A_ENGAGER" and not version.publie
    if role != "membre":
        assert "réservé au personnel" in client.get(reverse("politique:action", args=[action.pk])).content.decode()


def test_un_autre_territoire_ne_voit_rien(client, monde_politique):
    version = adopter_cia(monde_politique)
    action = version.actions.get()
    avant = JournalPolitique.objects.count()
    client.force_login(monde_politique["users"]["etranger"])
    page = client.get(reverse("politique:documents")).content.decode()
    assert "CIA de la Métropole" not in page
    for url in [
        reverse("politique:version", args=[version.pk]),
        reverse("politique:action", args=[action.pk]),
        reverse("politique:suivi_pdf", args=[version.pk]),
        reverse("politique:cibles") + f"?epci={monde_politique['epci'].siren}",
    ]:
        assert client.get(url).status_code == 404, url
    for url, data in [
        (reverse("politique:version_statut", args=[version.pk]), {"action": "APPROUVER"}),
        (reverse("politique:action_avancement", args=[action.pk]), {"avancement-statut": "ABANDONNEE"}),
        (reverse("politique:supprimer", args=["action", action.pk]), {}),
        (reverse("politique:version_nouvelle", args=[version.document.pk]), {"nouvelle-nature": "AVENANT"}),
        (reverse("politique:cible_ajout"), {"epci": monde_politique["epci"].siren, "objectif": "QPV", "taux": "60"}),
    ]:
        assert client.post(url, data).status_code == 404, url
    assert JournalPolitique.objects.count() == avant
    assert DocumentPolitique.objects.filter(epci=monde_politique["epci"]).count() == 1


def test_un_agent_d_accueil_n_a_pas_la_rubrique(client, monde_politique):
    adopter_cia(monde_politique)
    client.force_login(monde_politique["users"]["agent"])
    assert client.get(reverse("politique:documents")).status_code == 403
    assert client.get(reverse("politique:cibles")).status_code == 403
    menu = {e["label"] for e in client.get(reverse("core:home")).context["navigation"]}
    assert "Documents et actions" not in menu


def test_le_tableau_de_bord_des_statuts(client, monde_politique):
    version = adopter_cia(monde_politique)
    client.force_login(monde_politique["users"]["epci"])
    page = client.get(reverse("politique:version", args=[version.pk]), {"annee": "2025"}).content.decode()
    assert re.search(r"1 action\s+– 1 à engager\s+– <strong[^>]*>1 en retard", page)
    assert "Bilan de suivi (PDF)" in page
    assert dt.date(2021, 3, 1).strftime("%d/%m/%Y") in page


def test_requetes_bornees_quel_que_soit_le_nombre_d_actions(client, monde_politique):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from politique import services

    acteur = monde_politique["users"]["epci"]
    client.force_login(acteur)

    def version_avec(n: int):
        document = services.creer_document(
            epci=monde_politique["epci"], acteur=acteur, type="PPGDID", titre=f"Plan {n}"
        )
        version = document.versions.get()
        orientation = services.ajouter_orientation(version, acteur=acteur, numero=1, intitule="O")
        objectif = services.ajouter_objectif(orientation, acteur=acteur, numero=1, intitule="Obj")
        for i in range(n):
            action = services.ajouter_action(objectif, acteur=acteur, intitule=f"A{i}", pilote="EPCI")
            services.ajouter_jalon(action, acteur=acteur, libelle="J", echeance=dt.date(2030, 1, 1))
            services.ajouter_indicateur(action, acteur=acteur, libelle="C", nature="OBJECTIF_C", annee=2025)
        return version

    comptes = []
    for n in (1, 6):
        version = version_avec(n)
        # the first reader of the year counts the objectives once and stores them (a fresh snapshot serves the rest)
        client.get(reverse("politique:version", args=[version.pk]), {"annee": "2025"})
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(reverse("politique:version", args=[version.pk]), {"annee": "2025"}).status_code == 200
        comptes.append(len(requetes))
    assert comptes[0] == comptes[1] and comptes[1] <= 30, comptes
    with CaptureQueriesContext(connection) as requetes:
        client.get(reverse("politique:documents"))
    assert len(requetes) <= 10
