"""The conference attacked: every territory holds a plenary with a convened meeting, a document, an attendance and a
numbered deliberation. A user of another territory reads and changes none of it, through the pages or the admin;
a CIL member reads their own territory's and changes nothing; a landlord's or holder's staff reads nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conference import services
from conference.models import Deliberation, Instance, JournalConference, Membre, PresenceSeance, Seance

from .conftest import connecte

pytestmark = pytest.mark.django_db

ROLES = ["agent", "bailleur", "reservataire", "epci", "membre"]


def _conference(t):
    """A plenary of three titulars, a meeting held today with a document, attendance and one deliberation."""
    staff = t["epci"]
    pleniere = services.creer_instance(
        epci=t.epci, type=Instance.Type.PLENIERE, nom=f"CIL {t.code}", acteur=staff, date_regle=dt.date(2020, 1, 1)
    )
    membres = [
        services.designer_membre(
            pleniere,
            acteur=staff,
            nom=f"Membre {i} {t.code}",
            college="COLLECTIVITES",
            debut_mandat=dt.date(2021, 1, 1),
            email=f"m{i}.{t.code}@example.org",
        )  # fmt: skip
        for i in range(3)
    ]
    seance = services.creer_seance(
        pleniere, acteur=staff, date=timezone.localdate(), heure=dt.time(10), lieu=f"Mairie de {t.commune.nom}"
    )
    services.ajouter_point(seance, acteur=staff, titre=f"Délibération secrète {t.code}", type="DELIBERATION")
    services.ajouter_point(seance, acteur=staff, titre=f"Second point {t.code}", type="DELIBERATION")
    services.deposer_document(
        seance,
        acteur=staff,
        titre=f"Annexe {t.code}",
        fichier=SimpleUploadedFile("a.pdf", b"%PDF-1.7 " + t.code.encode()),
    )
    services.convoquer(seance, acteur=staff)
    services.enregistrer_presences(seance, acteur=staff, presences={m.pk: ("PRESENT", None) for m in membres})
    premier = seance.points.order_by("rang").first()
    deliberation = services.enregistrer_vote(premier, acteur=staff, votants=3, pour=3, contre=0, abstention=0)
    return pleniere, seance, deliberation


@pytest.fixture
def conferences(monde_hostile, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return {t.code: _conference(t) for t in monde_hostile.territoires}


def _etat():
    return (
        list(Instance.objects.order_by("pk").values_list("pk", "nom", "epci_id", "ouverte_aux_membres")),
        list(Membre.objects.order_by("pk").values_list("pk", "nom", "fin_mandat", "email")),
        list(Seance.objects.order_by("pk").values_list("pk", "statut", "compte_rendu", "date")),
        list(PresenceSeance.objects.order_by("pk").values_list("pk", "presence", "pouvoir_a_id")),
        list(Deliberation.objects.order_by("pk").values_list("pk", "rang", "pour", "contre", "texte")),
        JournalConference.objects.count(),
    )


def _ecritures(pleniere, seance):
    second = seance.points.order_by("rang").last()
    membre = pleniere.membres.first()
    return [
        (reverse("conference:instance_nouvelle"), {"epci": pleniere.epci.siren, "type": "GROUPE_TRAVAIL", "nom": "X"}),
        (reverse("conference:membre_ajout", args=[pleniere.pk]),
         {"membre-nom": "Intrus", "membre-titulaire": "on", "membre-debut_mandat": "2021-01-01",
          "membre-college": "USAGERS"}),
        (reverse("conference:regle_ajout", args=[pleniere.pk]),
         {"regle-date_debut": "2025-01-01", "regle-quorum_numerateur": 1, "regle-quorum_denominateur": 10,
          "regle-quorum_libelle": "un dixième", "regle-pouvoirs_max": 9, "regle-majorite": "VOTANTS",
          "regle-source": "forgé"}),
        (reverse("conference:seance_nouvelle", args=[pleniere.pk]),
         {"seance-date": "2030-01-01", "seance-heure": "10:00", "seance-lieu": "ailleurs"}),
        (reverse("conference:fin_mandat", args=[membre.pk]), {"fin_mandat": "2021-06-01"}),
        (reverse("conference:point_ajout", args=[seance.pk]), {"point-titre": "Ajout", "point-type": "INFORMATION"}),
        (reverse("conference:document_ajout", args=[seance.pk]),
         {"document-titre": "x", "document-fichier": SimpleUploadedFile("x.pdf", b"%PDF-1.7 x")}),
        (reverse("conference:convoquer", args=[seance.pk]), {}),
        (reverse("conference:presences", args=[seance.pk]), {f"presence-{membre.pk}": "ABSENT"}),
        (reverse("conference:vote", args=[second.pk]),
         {f"vote-{second.pk}-votants": 3, f"vote-{second.pk}-pour": 3, f"vote-{second.pk}-contre": 0,
          f"vote-{second.pk}-abstention": 0, f"vote-{second.pk}-blanc": 0}),
        (reverse("conference:compte_rendu", args=[seance.pk]), {"cr-compte_rendu": "Forgé", "cr-clore": "on"}),
        (reverse("conference:annuler", args=[seance.pk]), {"annulation-motif": "Forgé"}),
    ]  # fmt: skip


def _lectures(pleniere, seance, deliberation):
    return [
        reverse("conference:instance", args=[pleniere.pk]),
        reverse("conference:seance", args=[seance.pk]),
        reverse("conference:presences", args=[seance.pk]),
        reverse("conference:document", args=[seance.documents.get().pk]),
        reverse("conference:deliberation_pdf", args=[deliberation.pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_un_autre_territoire_ne_lit_ni_ne_change_rien(client, monde_hostile, conferences, role):
    for t in monde_hostile.territoires:
        connecte(client, t[role])
        for autre in monde_hostile.autres(t):
            pleniere, seance, deliberation = conferences[autre.code]
            avant = _etat()
            for url in _lectures(pleniere, seance, deliberation):
                assert client.get(url).status_code == 403, (role, t.code, url)
            for url, data in _ecritures(pleniere, seance):
                assert client.post(url, data).status_code in (403, 404), (role, t.code, url)
            assert _etat() == avant, (role, t.code)
            for nom_url in ("conference:espace", "conference:instances"):
                page = client.get(reverse(nom_url), {"epci": autre.epci.siren})
                assert page.status_code in (403, 200), nom_url
                assert f"Délibération secrète {autre.code}" not in page.content.decode()
                assert autre.epci.nom not in page.content.decode()


def test_le_membre_de_la_cil_lit_sans_rien_changer(client, monde_hostile, conferences):
    for t in monde_hostile.territoires:
        pleniere, seance, deliberation = conferences[t.code]
        connecte(client, t["membre"])
        for url in _lectures(pleniere, seance, deliberation):
            attendu = 403 if "/presences/" in url else 200
            assert client.get(url).status_code == attendu, url
        espace = client.get(reverse("conference:espace")).content.decode()
        assert f"Délibération secrète {t.code}" in espace
        avant = _etat()
        for url, data in _ecritures(pleniere, seance):
            assert client.post(url, data).status_code == 403, url
        assert _etat() == avant


@pytest.mark.parametrize("role", ["agent", "bailleur", "reservataire"])
def test_les_partenaires_ne_lisent_pas_la_conference(client, monde_hostile, conferences, role):
    t = monde_hostile.val
    pleniere, seance, deliberation = conferences[t.code]
    connecte(client, t[role])
    assert client.get(reverse("conference:espace")).status_code == 403
    for url in _lectures(pleniere, seance, deliberation):
        assert client.get(url).status_code == 403, url


def test_le_secretariat_d_un_territoire_ne_gere_que_le_sien(client, monde_hostile, conferences):
    t = monde_hostile.val
    pleniere, seance, _deliberation = conferences[t.code]
    connecte(client, t["epci"])
    second = seance.points.order_by("rang").last()
    reponse = client.post(
        reverse("conference:vote", args=[second.pk]),
        {f"vote-{second.pk}-votants": 3, f"vote-{second.pk}-pour": 2, f"vote-{second.pk}-contre": 1,
         f"vote-{second.pk}-abstention": 0, f"vote-{second.pk}-blanc": 0},
    )  # fmt: skip
    assert reponse.status_code == 302
    assert Deliberation.objects.filter(point=second, pour=2).exists()


@pytest.mark.parametrize("territoire", ["val", "mont", "lac"])
def test_l_administration_de_la_conference_est_cloisonnee(client, monde_hostile, conferences, territoire):
    t = getattr(monde_hostile, territoire)
    staff = t["epci"]
    from django.contrib.auth.models import Permission

    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="conference"))
    connecte(client, staff)
    for modele in ("instance", "membre", "seance", "deliberation", "journalconference"):
        page = client.get(reverse(f"admin:conference_{modele}_changelist"))
        assert page.status_code == 200, modele
        for autre in monde_hostile.autres(t):
            assert autre.epci.nom not in page.content.decode(), (modele, autre.code)
    for autre in monde_hostile.autres(t):
        pleniere, seance, deliberation = conferences[autre.code]
        avant = _etat()
        for modele, obj in (("instance", pleniere), ("seance", seance), ("membre", pleniere.membres.first()),
                            ("deliberation", deliberation)):  # fmt: skip
            assert client.get(reverse(f"admin:conference_{modele}_change", args=[obj.pk])).status_code in (403, 404)
            reponse = client.post(reverse(f"admin:conference_{modele}_delete", args=[obj.pk]), {"post": "yes"})
            assert reponse.status_code in (403, 404)
        assert _etat() == avant
    # one's own deliberation is read-only even to its territory's staff
    _pleniere, _seance, deliberation = conferences[t.code]
    assert (
        client.post(
            reverse("admin:conference_deliberation_delete", args=[deliberation.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Deliberation.objects.filter(pk=deliberation.pk).exists()
