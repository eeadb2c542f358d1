"""Services of the conference against the database: each refusal writes nothing and says why; every change is
journaled; deliberations are numbered per territory and year and never change."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conference import selectors, services
from conference.models import (
    Deliberation,
    Instance,
    JournalConference,
    JournalImmuable,
    PointOrdreDuJour,
    PresenceSeance,
    Seance,
)
from conference.rules import RegleError
from tests.fixtures.conference import presences

VOTE = PointOrdreDuJour.Type.DELIBERATION
INFO = PointOrdreDuJour.Type.INFORMATION


def _etat(seance):
    return (
        sorted(PresenceSeance.objects.filter(seance=seance).values_list("membre_id", "presence", "pouvoir_a_id")),
        list(Deliberation.objects.order_by("pk").values_list("pk", "rang", "pour")),
    )


def test_une_seule_pleniere_par_territoire(monde_conference):
    with pytest.raises(RegleError, match="une seule par EPCI"):
        services.creer_instance(
            epci=monde_conference.epci, type=Instance.Type.PLENIERE, nom="Autre", acteur=monde_conference.staff
        )
    commission = services.creer_instance(
        epci=monde_conference.epci,
        type=Instance.Type.CAS_SPECIFIQUES,
        nom="Commission des cas",
        acteur=monde_conference.staff,
    )
    assert not commission.ouverte_aux_membres  # it examines households' files
    assert commission.regle_au(timezone.localdate()).pouvoirs_max == 1


def test_designation_refusee_dit_pourquoi(monde_conference):
    avant = monde_conference.pleniere.membres.count()
    with pytest.raises(ValidationError) as exc:
        services.designer_membre(
            monde_conference.pleniere,
            acteur=monde_conference.staff,
            nom="Sans collège",
            debut_mandat=dt.date(2024, 1, 1),
        )
    assert "collège" in exc.value.message_dict["college"][0]
    with pytest.raises(ValidationError) as exc:
        services.designer_membre(
            monde_conference.pleniere,
            acteur=monde_conference.staff,
            nom="Second préfet",
            college="ETAT",
            copresidence="PREFET",
            debut_mandat=dt.date(2024, 1, 1),
        )
    assert "Louise Préfète occupe déjà cette coprésidence" in exc.value.message_dict["copresidence"][0]
    with pytest.raises(ValidationError) as exc:
        services.designer_membre(
            monde_conference.pleniere,
            acteur=monde_conference.staff,
            nom="Suppléant seul",
            college="USAGERS",
            titulaire=False,
            debut_mandat=dt.date(2024, 1, 1),
        )
    assert "suppleant_de" in exc.value.message_dict
    assert monde_conference.pleniere.membres.count() == avant


def test_convocation_envoyee_avec_ordre_du_jour_et_documents(monde_conference):
    seance = monde_conference.seance(points=[("Bilan 2025", INFO), ("Adoption de la CIA", VOTE)], convoquer=False)
    services.deposer_document(
        seance,
        acteur=monde_conference.staff,
        titre="Projet de CIA",
        fichier=SimpleUploadedFile("cia.pdf", b"%PDF-1.7\nprojet", content_type="application/pdf"),
    )
    mail.outbox.clear()
    envoi = services.convoquer(
        seance, acteur=monde_conference.staff, lien="https://cil.example.org/conference/seances/1/"
    )
    assert envoi == {"envoyes": 8, "sans_adresse": [], "pieces_jointes": True}
    assert len(mail.outbox) == 8  # seven titulars and the substitute
    message = mail.outbox[0]
    assert "Convocation – Conférence intercommunale du logement" in message.subject
    assert "1. Bilan 2025 – Information" in message.body
    assert "2. Adoption de la CIA – Délibération (vote) (soumis au vote)" in message.body
    assert message.attachments[0][0] == "cia.pdf"
    assert message.attachments[0][1] == b"%PDF-1.7\nprojet"
    seance.refresh_from_db()
    assert seance.statut == Seance.Statut.CONVOQUEE
    assert JournalConference.objects.filter(seance_ref=seance.pk, action="CONVOCATION").exists()


def test_convocation_sans_ordre_du_jour_refusee(monde_conference):
    seance = monde_conference.seance(convoquer=False)
    with pytest.raises(RegleError, match="L'ordre du jour est vide"):
        services.convoquer(seance, acteur=monde_conference.staff)
    seance.refresh_from_db()
    assert seance.statut == Seance.Statut.PREPARATION


def test_document_non_accepte_ne_laisse_rien(monde_conference, settings, tmp_path):
    seance = monde_conference.seance(convoquer=False)
    with pytest.raises(RegleError, match="Format de fichier non accepté"):
        services.deposer_document(
            seance, acteur=monde_conference.staff, titre="x", fichier=SimpleUploadedFile("x.pdf", b"MZ\x90\x00binaire")
        )
    assert not seance.documents.exists()
    assert not list((tmp_path / "prive").rglob("*.*"))


def test_presences_pouvoirs_et_deliberation(monde_conference):
    seance = monde_conference.seance(points=[("Adoption de la CIA", VOTE)])
    comptage = services.enregistrer_presences(
        seance,
        acteur=monde_conference.staff,
        presences=presences(monde_conference, maire="EXCUSE", suppleant="PRESENT", cnl=("REPRESENTE", "asso")),
    )
    assert (comptage.en_exercice, comptage.presents, comptage.pouvoirs) == (7, 6, 1)
    point = seance.points.get()
    deliberation = services.enregistrer_vote(
        point, acteur=monde_conference.staff, votants=7, pour=6, contre=0, abstention=1
    )
    assert deliberation.numero == f"{seance.date.year}-01"
    assert deliberation.resultat == "ADOPTE"
    assert deliberation.ligne == (
        "membres en exercice 7, présents 6, pouvoirs 1, votants 7 : pour 6, contre 0, abstention 1"
    )
    assert deliberation.texte == "Adoption de la CIA : oui"
    assert "Quorum atteint : 6 membres présents sur 7 en exercice, 4 requis" in deliberation.quorum
    actions = list(JournalConference.objects.filter(seance_ref=seance.pk).values_list("action", flat=True))
    assert {"SEANCE", "POINT", "CONVOCATION", "PRESENCES", "VOTE"} <= set(actions)


def test_un_pouvoir_au_dela_de_la_limite_est_refuse(monde_conference):
    seance = monde_conference.seance(points=[("Vote", VOTE)])
    avant = _etat(seance)
    with pytest.raises(RegleError, match="Anne Maire porterait 2 pouvoirs : la limite est de 1 par membre"):
        services.enregistrer_presences(
            seance,
            acteur=monde_conference.staff,
            presences=presences(monde_conference, cnl=("REPRESENTE", "maire"), asso=("REPRESENTE", "maire")),
        )
    assert _etat(seance) == avant
    # the instance's rule allows two from a later date: a meeting after it accepts them
    services.ajouter_regle(
        monde_conference.pleniere,
        acteur=monde_conference.staff,
        date_debut=timezone.localdate() - dt.timedelta(days=1),
        source="Règlement intérieur modifié, art. 7",
        pouvoirs_max=2,
    )
    comptage = services.enregistrer_presences(
        seance,
        acteur=monde_conference.staff,
        presences=presences(monde_conference, cnl=("REPRESENTE", "maire"), asso=("REPRESENTE", "maire")),
    )
    assert comptage.pouvoirs == 2


def test_plus_de_bulletins_que_de_presents_et_representes_refuse(monde_conference):
    seance = monde_conference.seance(points=[("Vote", VOTE)])
    services.enregistrer_presences(
        seance,
        acteur=monde_conference.staff,
        presences=presences(monde_conference, cnl="EXCUSE", asso=("REPRESENTE", "actis")),
    )
    avant = _etat(seance)
    with pytest.raises(
        RegleError, match="7 votants pour 5 membres présents et 1 pouvoirs .6 voix au plus. : impossible"
    ):
        services.enregistrer_vote(
            seance.points.get(), acteur=monde_conference.staff, votants=7, pour=7, contre=0, abstention=0
        )
    with pytest.raises(RegleError, match="ne tombent pas juste"):
        services.enregistrer_vote(
            seance.points.get(), acteur=monde_conference.staff, votants=6, pour=5, contre=0, abstention=0
        )
    assert _etat(seance) == avant


def test_sous_le_quorum_rien_n_est_adopte(monde_conference):
    seance = monde_conference.seance(points=[("Vote", VOTE)])
    absents = dict.fromkeys(("prefet", "president", "maire", "actis"), "EXCUSE")
    services.enregistrer_presences(
        seance, acteur=monde_conference.staff, presences=presences(monde_conference, **absents)
    )
    avant = _etat(seance)
    with pytest.raises(RegleError) as exc:
        services.enregistrer_vote(
            seance.points.get(), acteur=monde_conference.staff, votants=3, pour=3, contre=0, abstention=0
        )
    assert str(exc.value) == (
        "Vote refusé : Quorum non atteint : 3 membres présents sur 7 en exercice, il en faut au moins 4 "
        "(plus de la moitié des membres en exercice présents). La séance ne peut pas délibérer."
    )
    assert _etat(seance) == avant
    # a second convocation follows the meeting without quorum, and deliberates without quorum (the default rule)
    with pytest.raises(RegleError, match="suit la séance"):
        monde_conference.seance(points=[("Vote", VOTE)], seconde_convocation_de=seance)
    Seance.objects.filter(pk=seance.pk).update(date=timezone.localdate() - dt.timedelta(days=7))
    seance.refresh_from_db()
    seconde = monde_conference.seance(points=[("Vote", VOTE)], seconde_convocation_de=seance)
    services.enregistrer_presences(
        seconde, acteur=monde_conference.staff, presences=presences(monde_conference, **absents)
    )
    deliberation = services.enregistrer_vote(
        seconde.points.get(), acteur=monde_conference.staff, votants=3, pour=3, contre=0, abstention=0
    )
    assert deliberation.quorum.startswith("Seconde convocation : l'instance délibère sans condition de quorum")


def test_un_point_d_information_ne_se_vote_pas(monde_conference):
    seance = monde_conference.seance(points=[("Information", INFO)])
    services.enregistrer_presences(seance, acteur=monde_conference.staff, presences=presences(monde_conference))
    with pytest.raises(RegleError, match="n'est pas soumis au vote"):
        services.enregistrer_vote(
            seance.points.get(), acteur=monde_conference.staff, votants=7, pour=7, contre=0, abstention=0
        )
    with pytest.raises(ValidationError):
        services.ajouter_point(seance, acteur=monde_conference.staff, titre="Info votée", type=INFO, avec_vote=True)


def test_une_seance_future_ne_delibere_pas(monde_conference):
    seance = monde_conference.seance(date=timezone.localdate() + dt.timedelta(days=10), points=[("Vote", VOTE)])
    with pytest.raises(RegleError, match="présences et votes s'enregistrent ce jour-là"):
        services.enregistrer_presences(seance, acteur=monde_conference.staff, presences=presences(monde_conference))


def test_une_seance_non_convoquee_ne_delibere_pas(monde_conference):
    seance = monde_conference.seance(points=[("Vote", VOTE)], convoquer=False)
    with pytest.raises(RegleError, match="n'a pas été convoquée"):
        services.enregistrer_presences(seance, acteur=monde_conference.staff, presences=presences(monde_conference))


def test_numerotation_par_territoire_et_annee(monde_conference):
    seance = monde_conference.seance(points=[("Premier", VOTE), ("Second", VOTE)])
    services.enregistrer_presences(seance, acteur=monde_conference.staff, presences=presences(monde_conference))
    p1, p2 = seance.points.order_by("rang")
    d1 = services.enregistrer_vote(p1, acteur=monde_conference.staff, votants=7, pour=3, contre=4, abstention=0)
    d2 = services.enregistrer_vote(p2, acteur=monde_conference.staff, votants=7, pour=4, contre=3, abstention=0)
    annee = seance.date.year
    assert (d1.numero, d1.resultat, d2.numero, d2.resultat) == (f"{annee}-01", "REJETE", f"{annee}-02", "ADOPTE")
    with pytest.raises(RegleError, match="déjà enregistré"):
        services.enregistrer_vote(p1, acteur=monde_conference.staff, votants=7, pour=7, contre=0, abstention=0)
    # another territory numbers from 1
    autre = services.creer_instance(
        epci=monde_conference.autre_epci,
        type="PLENIERE",
        nom="CIL de Lyon",
        acteur=monde_conference.staff_autre,
        date_regle=dt.date(2020, 1, 1),
    )
    m = services.designer_membre(
        autre,
        acteur=monde_conference.staff_autre,
        nom="Seul",
        college="ETAT",
        debut_mandat=dt.date(2021, 1, 1),
        email="s@x.org",
    )
    s = monde_conference.seance(instance=autre, points=[("Vote", VOTE)])
    services.enregistrer_presences(s, acteur=monde_conference.staff_autre, presences={m.pk: ("PRESENT", None)})
    d = services.enregistrer_vote(
        s.points.get(), acteur=monde_conference.staff_autre, votants=1, pour=1, contre=0, abstention=0
    )
    assert d.numero == f"{annee}-01"


def test_une_deliberation_ne_change_jamais(monde_conference):
    seance = monde_conference.seance(points=[("Vote", VOTE)])
    services.enregistrer_presences(seance, acteur=monde_conference.staff, presences=presences(monde_conference))
    d = services.enregistrer_vote(
        seance.points.get(), acteur=monde_conference.staff, votants=7, pour=7, contre=0, abstention=0
    )
    d.pour = 0
    with pytest.raises(JournalImmuable):
        d.save()
    with pytest.raises(JournalImmuable):
        Deliberation.objects.filter(pk=d.pk).update(pour=0)
    with pytest.raises(JournalImmuable):
        d.delete()
    with pytest.raises(JournalImmuable):
        JournalConference.objects.all().delete()
    assert Deliberation.objects.get(pk=d.pk).pour == 7


def test_voix_preponderante_selon_la_regle(monde_conference):
    services.ajouter_regle(
        monde_conference.pleniere,
        acteur=monde_conference.staff,
        date_debut=dt.date(2024, 1, 1),
        source="Règlement intérieur, art. 9 : voix prépondérante du président",
        voix_preponderante=True,
    )
    seance = monde_conference.seance(points=[("Vote", VOTE)])
    services.enregistrer_presences(
        seance, acteur=monde_conference.staff, presences=presences(monde_conference, asso="EXCUSE")
    )
    point = seance.points.get()
    with pytest.raises(RegleError, match="indiquez le sens de la voix prépondérante"):
        services.enregistrer_vote(point, acteur=monde_conference.staff, votants=6, pour=3, contre=3, abstention=0)
    d = services.enregistrer_vote(
        point, acteur=monde_conference.staff, votants=6, pour=3, contre=3, abstention=0, voix_preponderante="POUR"
    )
    assert (d.resultat, d.voix_preponderante) == ("ADOPTE", "POUR")
    assert monde_conference.pleniere.regles.order_by("date_debut").first().date_fin == dt.date(2023, 12, 31)


def test_mandat_termine_ne_compte_plus(monde_conference):
    services.mettre_fin_au_mandat(
        monde_conference.membres["asso"], acteur=monde_conference.staff, fin_mandat=dt.date(2024, 12, 31)
    )
    seance = monde_conference.seance(points=[("Vote", VOTE)])
    saisie = presences(monde_conference)
    with pytest.raises(RegleError, match="n'est pas en exercice"):
        services.enregistrer_presences(seance, acteur=monde_conference.staff, presences=saisie)
    del saisie[monde_conference.membres["asso"].pk]
    services.enregistrer_presences(seance, acteur=monde_conference.staff, presences=saisie)
    assert selectors.comptage(seance).en_exercice == 6
    assert len(mail.outbox) == 7  # the convocation went to the members in office only


def test_cloture_et_annulation(monde_conference):
    seance = monde_conference.seance(points=[("Vote", VOTE)])
    with pytest.raises(ValidationError):
        services.enregistrer_compte_rendu(seance, acteur=monde_conference.staff, compte_rendu="", clore=True)
    services.enregistrer_compte_rendu(seance, acteur=monde_conference.staff, compte_rendu="Séance tenue.", clore=True)
    with pytest.raises(RegleError, match="close"):
        services.ajouter_point(seance, acteur=monde_conference.staff, titre="Tard", type=INFO)
    autre = monde_conference.seance(points=[("Vote", VOTE)])
    services.enregistrer_presences(autre, acteur=monde_conference.staff, presences=presences(monde_conference))
    services.enregistrer_vote(
        autre.points.get(), acteur=monde_conference.staff, votants=7, pour=7, contre=0, abstention=0
    )
    with pytest.raises(RegleError, match="a déjà délibéré"):
        services.annuler_seance(autre, acteur=monde_conference.staff, motif="Erreur")


def test_document_stocke_hors_de_la_racine_web(monde_conference, tmp_path):
    seance = monde_conference.seance(convoquer=False)
    doc = services.deposer_document(
        seance,
        acteur=monde_conference.staff,
        titre="Bilan",
        fichier=SimpleUploadedFile("bilan.pdf", b"%PDF-1.7 bilan", content_type="application/pdf"),
    )
    assert doc.fichier.path.startswith(str(tmp_path / "prive"))
    assert doc.nom_original == "bilan.pdf" and doc.type_mime == "application/pdf"
    with doc.fichier.open("rb") as f:
        assert f.read() == b"%PDF-1.7 bilan"
