"""Policy documents and local targets, attacked from the other territories: three
territories each with a CIA in force, an action and a local target; nobody reads or changes another
territory's, through the pages, the PDF, the objectives API or the admin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import escape

from cil.models import CibleLocale, Objectif
from politique import services
from politique.models import Action, DocumentPolitique, Jalon, JournalPolitique, VersionDocument
from politique.rules import Transition as T

from .conftest import connecte

pytestmark = pytest.mark.django_db
ROLES = ["agent", "bailleur", "reservataire", "epci", "membre"]


def _cia(t):
    acteur = t["epci"]
    document = services.creer_document(epci=t.epci, acteur=acteur, type="CIA", titre=f"CIA secrète {t.code}")
    version = document.versions.get()
    orientation = services.ajouter_orientation(version, acteur=acteur, numero=1, intitule=f"Orientation {t.code}")
    objectif = services.ajouter_objectif(orientation, acteur=acteur, numero=1, intitule="Objectif")
    action = services.ajouter_action(objectif, acteur=acteur, intitule=f"Action secrète {t.code}", pilote="EPCI")
    services.ajouter_jalon(action, acteur=acteur, libelle="Jalon", echeance=dt.date(2030, 1, 1))
    for etape, date, ref in [
        (T.SOUMETTRE, None, ""),
        (T.ADOPTER, dt.date(2020, 12, 1), "n° 1"),
        (T.APPROUVER, dt.date(2021, 1, 4), ""),
        (T.METTRE_EN_VIGUEUR, dt.date(2021, 2, 1), ""),
    ]:
        services.changer_statut(version, acteur=acteur, action=etape, date=date, deliberation_reference=ref)
    cible = services.creer_cible(epci=t.epci, acteur=acteur, objectif=Objectif.PRIORITAIRES, taux=Decimal("0.425"),
                                 bailleur=t.bailleur, date_debut=dt.date(2021, 2, 1), version=version)  # fmt: skip
    return version, action, cible


@pytest.fixture
def documents(monde_hostile):
    return {t.code: _cia(t) for t in monde_hostile.territoires}


@pytest.mark.parametrize("role", ROLES)
def test_aucune_page_d_un_autre_territoire(client, monde_hostile, documents, role):
    avant = JournalPolitique.objects.count()
    for t in monde_hostile.territoires:
        connecte(client, t[role])
        for autre in monde_hostile.autres(t):
            version, action, cible = documents[autre.code]
            for url in [
                reverse("politique:version", args=[version.pk]),
                reverse("politique:action", args=[action.pk]),
                reverse("politique:suivi_pdf", args=[version.pk]),
                reverse("politique:cible", args=[cible.pk]),
            ]:
                assert client.get(url).status_code in (403, 404), (role, url)
            for url, data in [
                (reverse("politique:version_statut", args=[version.pk]), {"action": "APPROUVER"}),
                (reverse("politique:version_publier", args=[version.pk]), {"publie": "1"}),
                (reverse("politique:version_nouvelle", args=[version.document_id]), {"nouvelle-nature": "AVENANT",
                                                                                      "nouvelle-intitule": "x"}),
                (reverse("politique:action_avancement", args=[action.pk]), {"avancement-statut": "ABANDONNEE"}),
                (reverse("politique:jalon_realise", args=[action.jalons.get().pk]), {}),
                (reverse("politique:supprimer", args=["action", action.pk]), {}),
                (reverse("politique:cible_supprimer", args=[cible.pk]), {}),
                (reverse("politique:cible", args=[cible.pk]), {"taux": "10"}),
            ]:  # fmt: skip
                assert client.post(url, data).status_code in (403, 404), (role, url)
            for url in [reverse("politique:documents"), reverse("politique:cibles")]:
                page = client.get(url).content.decode()
                assert escape(f"CIA secrète {autre.code}") not in page and autre.epci.nom not in page, (role, url)
    assert JournalPolitique.objects.count() == avant
    assert VersionDocument.objects.filter(statut="EN_VIGUEUR", publie=False).count() == 3
    assert Action.objects.filter(statut="A_ENGAGER").count() == 3
    assert CibleLocale.objects.filter(taux=Decimal("0.425")).count() == 3


def test_les_cibles_des_autres_n_apparaissent_ni_au_tableau_de_bord_ni_dans_l_api(client, monde_hostile, documents):
    for t in monde_hostile.territoires:
        for role in ("epci", "membre", "bailleur"):
            connecte(client, t[role])
            for autre in monde_hostile.autres(t):
                assert client.get("/api/objectifs/", {"epci": autre.epci.siren, "annee": "2025"}).status_code == 403


@pytest.mark.parametrize("code", ["val", "mont", "lac"])
def test_l_administration_des_documents_cloisonnee(client, monde_hostile, documents, code):
    t = getattr(monde_hostile, code)
    moi = t["epci"]
    moi.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["politique", "cil"]))
    connecte(client, moi)
    for model in (DocumentPolitique, VersionDocument, Action, Jalon, JournalPolitique, CibleLocale):
        info = (model._meta.app_label, model._meta.model_name)
        page = client.get(reverse("admin:{}_{}_changelist".format(*info))).content.decode()
        for autre in monde_hostile.autres(t):
            assert escape(f"CIA secrète {autre.code}") not in page and escape(autre.epci.nom) not in page, info
    for autre in monde_hostile.autres(t):
        version, action, cible = documents[autre.code]
        for model, obj in ((DocumentPolitique, version.document), (VersionDocument, version), (Action, action),
                           (CibleLocale, cible)):  # fmt: skip
            info = (model._meta.app_label, model._meta.model_name)
            assert client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 404
            client.post(reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]), {"post": "yes"})
            assert model.objects.filter(pk=obj.pk).exists()
    # one's own action, moved by raw id into another territory's objective: refused
    version, action, _cible = documents[code]
    autre_version, autre_action, _ = documents[monde_hostile.autres(t)[0].code]
    reponse = client.post(
        reverse("admin:politique_action_change", args=[action.pk]),
        {
            "version": autre_version.pk,
            "objectif": autre_action.objectif_id,
            "numero": 1,
            "intitule": "Détournée",
            "pilote": "x",
            "statut": "A_ENGAGER",
        },  # fmt: skip
    )
    assert reponse.status_code == 200  # the form is shown again with its errors
    action.refresh_from_db()
    assert action.version_id == version.pk and action.intitule != "Détournée"
