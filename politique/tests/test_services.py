"""The life cycle of versions in the database: one version in force per document (constraint and French
message), a version adopted once, the text locked once adopted, amendments that replace, every change logged."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from politique import services
from politique.models import Action, JournalPolitique, VersionDocument
from politique.rules import RegleError
from politique.rules import Transition as T
from tests.fixtures.politique import adopter_cia

pytestmark = pytest.mark.django_db


def test_cycle_complet_et_journal(monde_politique):
    version = adopter_cia(monde_politique)
    assert version.statut == "EN_VIGUEUR"
    assert version.date_adoption == dt.date(2020, 12, 1)
    assert version.deliberation_reference == "Délibération n° 2020-12-01"
    assert version.deliberation_date == dt.date(2020, 12, 1)
    assert version.date_approbation_prefet == dt.date(2021, 2, 22)
    operations = list(
        JournalPolitique.objects.filter(document=version.document, operation="statut")
        .order_by("pk")
        .values_list("detail__vers", flat=True)
    )
    assert operations == ["SOUMIS", "ADOPTE", "APPROUVE", "EN_VIGUEUR"]
    assert (
        JournalPolitique.objects.filter(document=version.document, acteur=monde_politique["users"]["epci"]).count() >= 9
    )


def test_une_version_ne_s_adopte_qu_une_fois(monde_politique):
    version = adopter_cia(monde_politique)
    with pytest.raises(RegleError, match="déjà été adoptée"):
        services.changer_statut(
            version,
            acteur=monde_politique["users"]["epci"],
            action=T.ADOPTER,
            date=dt.date(2021, 1, 5),
            deliberation_reference="n° 2",
        )
    version.refresh_from_db()
    assert version.date_adoption == dt.date(2020, 12, 1)


def test_une_seule_version_en_vigueur_contrainte_et_message(monde_politique):
    version = adopter_cia(monde_politique)
    seconde = VersionDocument(
        document=version.document,
        numero=2,
        intitule="Avenant",
        statut="EN_VIGUEUR",
        date_adoption=dt.date(2022, 1, 1),
        date_entree_vigueur=dt.date(2022, 2, 1),
    )
    with pytest.raises(ValidationError) as exc:
        seconde.full_clean()
    assert "Une autre version de ce document est déjà en vigueur" in str(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        seconde.save()


def test_le_texte_adopte_ne_se_modifie_plus_mais_le_suivi_oui(monde_politique):
    version = adopter_cia(monde_politique)
    action = version.actions.get()
    acteur = monde_politique["users"]["epci"]
    with pytest.raises(RegleError, match="ne se modifie plus"):
        services.modifier(action, acteur=acteur, intitule="Autre chose")
    with pytest.raises(RegleError, match="ne se modifie plus"):
        services.ajouter_orientation(version, acteur=acteur, numero=2, intitule="Nouvelle")
    services.enregistrer_avancement(action, acteur=acteur, statut="EN_COURS", commentaire="Plan en cours.")
    action.refresh_from_db()
    assert (action.statut, action.suivi_modifie_par) == ("EN_COURS", acteur)
    jalon = action.jalons.get()
    with pytest.raises(RegleError, match="futur"):
        services.marquer_jalon(jalon, acteur=acteur, date_realisation=dt.date(2100, 1, 1))
    services.marquer_jalon(jalon, acteur=acteur, date_realisation=dt.date(2021, 8, 30))
    entree = JournalPolitique.objects.filter(objet="jalon").latest("pk")
    assert entree.detail == {"date_realisation": [None, "2021-08-30"]}


def test_le_suivi_attend_l_adoption(monde_politique):
    acteur = monde_politique["users"]["epci"]
    document = services.creer_document(epci=monde_politique["epci"], acteur=acteur, type="PPGDID", titre="PPGDID")
    version = document.versions.get()
    orientation = services.ajouter_orientation(version, acteur=acteur, numero=1, intitule="Accueil")
    objectif = services.ajouter_objectif(orientation, acteur=acteur, numero=1, intitule="Guichets")
    action = services.ajouter_action(objectif, acteur=acteur, intitule="Labelliser", pilote="EPCI")
    assert action.numero == 1
    with pytest.raises(RegleError, match="version adoptée"):
        services.enregistrer_avancement(action, acteur=acteur, statut="EN_COURS", commentaire="")


def test_un_avenant_copie_le_texte_et_remplace_la_version_en_vigueur(monde_politique):
    version = adopter_cia(monde_politique, vigueur=dt.date(2023, 8, 1))
    acteur = monde_politique["users"]["epci"]
    avenant = services.nouvelle_version(version.document, acteur=acteur, nature="AVENANT", intitule="Avenant n° 1")
    assert (avenant.numero, avenant.statut) == (2, "BROUILLON")
    copie = avenant.actions.get()
    assert copie.intitule == "Prioritaires chez le bailleur" and copie.pk != version.actions.get().pk
    assert copie.jalons.count() == 1 and copie.indicateurs.get().bailleur == monde_politique["bailleur"]
    with pytest.raises(RegleError, match="déjà en préparation"):
        services.nouvelle_version(version.document, acteur=acteur, nature="REVISION", intitule="Révision")
    services.modifier(copie, acteur=acteur, intitule="Prioritaires : objectif relevé")
    services.changer_statut(avenant, acteur=acteur, action=T.SOUMETTRE)
    services.changer_statut(
        avenant, acteur=acteur, action=T.ADOPTER, date=dt.date(2023, 6, 1), deliberation_reference="n° 2023-06"
    )
    services.changer_statut(avenant, acteur=acteur, action=T.APPROUVER, date=dt.date(2023, 7, 1))
    with pytest.raises(RegleError, match="après cette date"):
        services.changer_statut(avenant, acteur=acteur, action=T.METTRE_EN_VIGUEUR, date=dt.date(2023, 7, 15))
    services.changer_statut(avenant, acteur=acteur, action=T.METTRE_EN_VIGUEUR, date=dt.date(2023, 9, 1))
    version.refresh_from_db()
    avenant.refresh_from_db()
    assert (version.statut, version.date_fin_vigueur) == ("REMPLACE", dt.date(2023, 8, 31))
    assert avenant.statut == "EN_VIGUEUR"
    assert VersionDocument.objects.filter(document=version.document, statut="EN_VIGUEUR").count() == 1
    # the replaced text keeps its own wording
    assert version.actions.get().intitule == "Prioritaires chez le bailleur"
    assert Action.objects.filter(version=avenant).get().intitule == "Prioritaires : objectif relevé"


def test_publication_d_un_document_adopte_seulement(monde_politique):
    acteur = monde_politique["users"]["epci"]
    document = services.creer_document(epci=monde_politique["epci"], acteur=acteur, type="CIA", titre="CIA")
    brouillon = document.versions.get()
    with pytest.raises(RegleError, match="adoptée"):
        services.publier(brouillon, acteur=acteur)
    version = adopter_cia(monde_politique)
    services.publier(version, acteur=acteur)
    version.refresh_from_db()
    assert version.publie and version.publie_le is not None
    assert list(VersionDocument.objects.publiees()) == [version]
    assert JournalPolitique.objects.filter(operation="publication", objet_id=version.pk).exists()
