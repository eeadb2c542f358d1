"""Pages of the conference: EPCI staff manage, CIL members read, nobody else sees; refusals answer 400 in French
and write nothing; the deliberation's PDF (real WeasyPrint output, read back with pypdf) states the counts."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conference import services
from conference.models import Deliberation, Instance, PointOrdreDuJour, PresenceSeance, Seance
from tests.fixtures.conference import presences

VOTE = PointOrdreDuJour.Type.DELIBERATION


def _texte_pdf(contenu: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(contenu)).pages).split())


def test_le_secretariat_cree_une_instance_et_un_membre(client, monde_conference):
    client.force_login(monde_conference.staff)
    reponse = client.post(
        reverse("conference:instance_nouvelle"),
        {
            "epci": monde_conference.epci.siren,
            "type": "GROUPE_TRAVAIL",
            "nom": "Groupe PPGDID",
            "ouverte_aux_membres": "on",
        },
    )
    instance = Instance.objects.get(nom="Groupe PPGDID")
    assert reponse.status_code == 302 and reponse.url == reverse("conference:instance", args=[instance.pk])
    reponse = client.post(
        reverse("conference:membre_ajout", args=[instance.pk]),
        {"membre-nom": "Julie Animatrice", "membre-titulaire": "on", "membre-debut_mandat": "2026-01-01"},
    )
    assert reponse.status_code == 302
    assert instance.membres.get().nom == "Julie Animatrice"
    page = client.get(reverse("conference:instance", args=[instance.pk]))
    assert "Julie Animatrice" in page.content.decode()
    assert "Membre désigné : Julie Animatrice" in page.content.decode()  # the journal


def test_une_seconde_pleniere_est_refusee_en_francais(client, monde_conference):
    client.force_login(monde_conference.staff)
    reponse = client.post(
        reverse("conference:instance_nouvelle"), {"epci": monde_conference.epci.siren, "type": "PLENIERE", "nom": "Bis"}
    )
    assert reponse.status_code == 400
    assert "une seule par EPCI" in reponse.content.decode()
    assert Instance.objects.filter(epci=monde_conference.epci).count() == 1


def test_seance_convocation_presences_vote(client, monde_conference):
    client.force_login(monde_conference.staff)
    reponse = client.post(
        reverse("conference:seance_nouvelle", args=[monde_conference.pleniere.pk]),
        {"seance-date": timezone.localdate().isoformat(), "seance-heure": "14:30", "seance-lieu": "Salle du conseil"},
    )
    seance = Seance.objects.get()
    assert reponse.status_code == 302
    client.post(
        reverse("conference:point_ajout", args=[seance.pk]),
        {
            "point-titre": "Adoption de la CIA",
            "point-type": "DELIBERATION",
            "point-avec_vote": "on",
            "point-projet_decision": "La conférence adopte la convention intercommunale d'attribution.",
        },
    )
    fichier = SimpleUploadedFile("cia.pdf", b"%PDF-1.7\nprojet de CIA", content_type="application/pdf")
    reponse = client.post(
        reverse("conference:document_ajout", args=[seance.pk]),
        {"document-titre": "Projet", "document-fichier": fichier},
    )
    assert reponse.status_code == 302
    mail.outbox.clear()
    reponse = client.post(reverse("conference:convoquer", args=[seance.pk]), follow=True)
    assert "Convocation envoyée à 8 membres." in reponse.content.decode()
    assert f"/conference/seances/{seance.pk}/" in mail.outbox[0].body
    data = {f"presence-{m.pk}": "PRESENT" if m.titulaire else "ABSENT" for m in monde_conference.membres.values()}
    data[f"presence-{monde_conference.membres['cnl'].pk}"] = "REPRESENTE"
    data[f"pouvoir-{monde_conference.membres['cnl'].pk}"] = str(monde_conference.membres["asso"].pk)
    reponse = client.post(reverse("conference:presences", args=[seance.pk]), data, follow=True)
    assert "Présences enregistrées : 6 présents, 1 pouvoir, 7 membres en exercice." in reponse.content.decode()
    point = seance.points.get()
    reponse = client.post(
        reverse("conference:vote", args=[point.pk]),
        {
            f"vote-{point.pk}-{k}": v
            for k, v in {"votants": 7, "pour": 6, "contre": 1, "abstention": 0, "blanc": 0}.items()
        },
        follow=True,
    )
    deliberation = Deliberation.objects.get()
    assert f"Délibération n° {deliberation.numero} enregistrée : adoptée" in reponse.content.decode()
    # the CIL member reads it all, read-only
    client.force_login(monde_conference.membre_cil)
    page = client.get(reverse("conference:seance", args=[seance.pk])).content.decode()
    assert f"Délibération n° {deliberation.numero}" in page
    assert "Enregistrer le vote" not in page and "Envoyer" not in page
    document = seance.documents.get()
    telechargement = client.get(reverse("conference:document", args=[document.pk]))
    assert b"".join(telechargement.streaming_content) == b"%PDF-1.7\nprojet de CIA"
    espace = client.get(reverse("conference:espace")).content.decode()
    assert deliberation.numero in espace and "Objectifs légaux" in espace


@pytest.mark.pdf
def test_le_pdf_de_la_deliberation_donne_les_comptes(client, monde_conference):
    seance = monde_conference.seance(points=[("Adoption de la CIA", VOTE)])
    services.enregistrer_presences(
        seance,
        acteur=monde_conference.staff,
        presences=presences(monde_conference, maire="EXCUSE", cnl=("REPRESENTE", "asso")),
    )
    deliberation = services.enregistrer_vote(
        seance.points.get(),
        acteur=monde_conference.staff,
        votants=6,
        pour=4,
        contre=1,
        abstention=1,
        texte="La conférence adopte la convention intercommunale d'attribution.",
    )
    for acteur in (monde_conference.staff, monde_conference.membre_cil):
        client.force_login(acteur)
        pdf = client.get(reverse("conference:deliberation_pdf", args=[deliberation.pk]))
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        texte = _texte_pdf(pdf.content)
        assert f"Délibération n° {deliberation.numero}" in texte
        assert "Membres en exercice 7, présents 5, pouvoirs 1, votants 6 : pour 4, contre 1, abstention 1" in texte
        assert "La conférence adopte la convention intercommunale d'attribution." in texte
        assert "La proposition est adoptée." in texte
        assert "Louise Préfète" in texte and "Marc Président" in texte  # the co-chairs sign
        assert PdfReader(io.BytesIO(pdf.content)).metadata.title.startswith("Délibération n°")


def test_vote_refuse_sous_le_quorum_dit_pourquoi(client, monde_conference):
    seance = monde_conference.seance(points=[("Adoption", VOTE)])
    services.enregistrer_presences(
        seance,
        acteur=monde_conference.staff,
        presences=presences(monde_conference, prefet="EXCUSE", president="EXCUSE", maire="EXCUSE", actis="ABSENT"),
    )
    point = seance.points.get()
    client.force_login(monde_conference.staff)
    reponse = client.post(
        reverse("conference:vote", args=[point.pk]),
        {
            f"vote-{point.pk}-votants": 3,
            f"vote-{point.pk}-pour": 3,
            f"vote-{point.pk}-contre": 0,
            f"vote-{point.pk}-abstention": 0,
            f"vote-{point.pk}-blanc": 0,
        },
    )
    assert reponse.status_code == 400
    assert (
        "Quorum non atteint : 3 membres présents sur 7 en exercice, il en faut au moins 4" in reponse.content.decode()
    )
    assert not Deliberation.objects.exists()


def test_presences_refusees_restent_a_l_ecran(client, monde_conference):
    seance = monde_conference.seance(points=[("Adoption", VOTE)])
    client.force_login(monde_conference.staff)
    data = {f"presence-{m.pk}": "PRESENT" for m in monde_conference.membres.values() if m.titulaire}
    for cle in ("cnl", "asso"):
        data[f"presence-{monde_conference.membres[cle].pk}"] = "REPRESENTE"
        data[f"pouvoir-{monde_conference.membres[cle].pk}"] = str(monde_conference.membres["maire"].pk)
    reponse = client.post(reverse("conference:presences", args=[seance.pk]), data)
    assert reponse.status_code == 400
    assert "Anne Maire porterait 2 pouvoirs : la limite est de 1 par membre" in reponse.content.decode()
    assert not PresenceSeance.objects.exists()


@pytest.mark.parametrize("acteur", ["membre_cil", "personnel_bailleur", "staff_autre", "membre_autre"])
def test_personne_d_autre_ne_modifie(client, monde_conference, acteur):
    seance = monde_conference.seance(points=[("Adoption", VOTE)])
    services.enregistrer_presences(seance, acteur=monde_conference.staff, presences=presences(monde_conference))
    point = seance.points.get()
    client.force_login(getattr(monde_conference, acteur))
    urls = [
        (reverse("conference:point_ajout", args=[seance.pk]), {"point-titre": "X", "point-type": "INFORMATION"}),
        (reverse("conference:convoquer", args=[seance.pk]), {}),
        (reverse("conference:presences", args=[seance.pk]), {}),
        (reverse("conference:vote", args=[point.pk]), {f"vote-{point.pk}-votants": 7, f"vote-{point.pk}-pour": 7}),
        (reverse("conference:compte_rendu", args=[seance.pk]), {"cr-compte_rendu": "x", "cr-clore": "on"}),
        (reverse("conference:annuler", args=[seance.pk]), {"annulation-motif": "x"}),
        (reverse("conference:membre_ajout", args=[monde_conference.pleniere.pk]), {"membre-nom": "Intrus"}),
        (reverse("conference:seance_nouvelle", args=[monde_conference.pleniere.pk]), {"seance-lieu": "x"}),
        (reverse("conference:regle_ajout", args=[monde_conference.pleniere.pk]), {"regle-source": "x"}),
        (reverse("conference:fin_mandat", args=[monde_conference.membres["asso"].pk]), {"fin_mandat": "2021-01-01"}),
    ]
    for url, data in urls:
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("conference:presences", args=[seance.pk])).status_code == 403
    seance.refresh_from_db()
    assert seance.statut == "CONVOQUEE" and seance.points.count() == 1 and not Deliberation.objects.exists()
    assert monde_conference.pleniere.membres.count() == 8 and monde_conference.membres["asso"].fin_mandat is None


def test_le_membre_lit_les_instances_ouvertes_seulement(client, monde_conference):
    commission = services.creer_instance(
        epci=monde_conference.epci,
        type=Instance.Type.CAS_SPECIFIQUES,
        nom="Cas spécifiques",
        acteur=monde_conference.staff,
    )
    s_commission = monde_conference.seance(instance=commission, points=[], convoquer=False)
    s_pleniere = monde_conference.seance(points=[("Adoption", VOTE)])
    client.force_login(monde_conference.membre_cil)
    assert client.get(reverse("conference:seance", args=[s_pleniere.pk])).status_code == 200
    assert client.get(reverse("conference:instance", args=[monde_conference.pleniere.pk])).status_code == 200
    assert client.get(reverse("conference:seance", args=[s_commission.pk])).status_code == 403
    assert client.get(reverse("conference:instance", args=[commission.pk])).status_code == 403
    page = client.get(reverse("conference:instance", args=[monde_conference.pleniere.pk])).content.decode()
    assert "prefet@example.org" not in page  # addresses are the secretariat's
    assert client.get(reverse("conference:instances")).status_code == 403  # the management section


@pytest.mark.parametrize("acteur", ["personnel_bailleur", "staff_autre", "membre_autre"])
def test_aucune_lecture_hors_de_son_territoire(client, monde_conference, acteur):
    seance = monde_conference.seance(points=[("Adoption", VOTE)])
    services.deposer_document(
        seance, acteur=monde_conference.staff, titre="Secret", fichier=SimpleUploadedFile("s.pdf", b"%PDF-1.7 secret")
    )
    services.enregistrer_presences(seance, acteur=monde_conference.staff, presences=presences(monde_conference))
    d = services.enregistrer_vote(
        seance.points.get(), acteur=monde_conference.staff, votants=7, pour=7, contre=0, abstention=0
    )
    client.force_login(getattr(monde_conference, acteur))
    for url in [
        reverse("conference:seance", args=[seance.pk]),
        reverse("conference:instance", args=[monde_conference.pleniere.pk]),
        reverse("conference:document", args=[seance.documents.get().pk]),
        reverse("conference:deliberation_pdf", args=[d.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    reponse = client.get(reverse("conference:espace"), {"epci": monde_conference.epci.siren})
    assert monde_conference.epci.nom not in reponse.content.decode() or reponse.status_code == 403


def test_document_refuse_en_400(client, monde_conference):
    seance = monde_conference.seance(convoquer=False)
    client.force_login(monde_conference.staff)
    reponse = client.post(
        reverse("conference:document_ajout", args=[seance.pk]),
        {"document-titre": "Exe", "document-fichier": SimpleUploadedFile("x.pdf", b"MZ\x90\x00")},
    )
    assert reponse.status_code == 400
    assert "Format de fichier non accepté" in reponse.content.decode()
    assert not seance.documents.exists()


def test_l_administrateur_de_la_plateforme_cree_la_premiere_instance(client, monde_conference):
    from cil.models import Membership
    from core.models import User

    admin = User.objects.create_user(username="alice", password="x")
    Membership.objects.create(user=admin, role="ADMINISTRATEUR", epci=monde_conference.autre_epci)
    client.force_login(admin)
    page = client.get(reverse("conference:instances"), {"epci": monde_conference.autre_epci.siren})
    assert page.status_code == 200 and "Aucune instance" in page.content.decode()
    reponse = client.post(
        reverse("conference:instance_nouvelle"),
        {"epci": monde_conference.autre_epci.siren, "type": "PLENIERE", "nom": "CIL de Lyon"},
    )
    assert reponse.status_code == 302
    assert Instance.objects.filter(epci=monde_conference.autre_epci, type="PLENIERE").exists()
