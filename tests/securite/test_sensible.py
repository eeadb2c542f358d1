"""Domestic violence never leaks (docs/droit/regles.md, platform decision 12): every channel, every role, three
territories.

Each territory's demand carries a domestic-violence reason, the matching L. 441-1 criterion and a checked
protection order (its file named after it); Val's territory scores with a grid whose lines name violence.
Only the reception agents and the EPCI staff of the demand's territory read the detail; everyone else
(landlords, holders, CIL members, relocation officers, other territories, the platform administrator and
the superuser) reads that a priority, a reason, a document or an event exists ("détail réservé"), never
what it is. The API and exports are channels for partners: masked for everyone.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib import admin as django_admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from demandes import sensibles, services
from demandes.models import CritereCotation, Demande, ElementSensible, Evenement, PieceJustificative

from .conftest import ROLES, connecte

# what must never be read by whoever may not see the detail (lower case)
MOTS = ("violence", "ordonnance", "prostitution", "proxénétisme", "agression sexuelle")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fuites(texte: str) -> list[str]:
    bas = texte.lower()
    return [mot for mot in MOTS if mot in bas]


def lecteurs(monde_hostile, t):
    """(name, user, sees the detail) for every user of the world, about territory ``t``'s demand."""
    for autre in monde_hostile.territoires:
        for role in ROLES:
            yield f"{role}_{autre.code}", autre[role], autre is t and role in ("agent", "epci")
    yield "admin", monde_hostile.admin, False
    yield "superuser", monde_hostile.superuser, False


@pytest.fixture
def dossiers(monde_hostile, django_capture_on_commit_callbacks):
    """The world's demands with a checked protection order; Val scores with lines that name violence."""
    for t in monde_hostile.territoires:
        fichier = SimpleUploadedFile("ordonnance-protection.pdf", PDF, content_type="application/pdf")
        piece = services.ajouter_piece(
            t.demande, type_piece="ORDONNANCE_PROTECTION", fichier=fichier, acteur=t["agent"]
        )
        services.changer_statut_piece(piece, "VALIDE", acteur=t["agent"])
        t.piece = piece
    grille = services.creer_brouillon(
        epci=monde_hostile.val.epci, acteur=monde_hostile.val["epci"], nom="Grille du Val"
    )
    grille.criteres.all().delete()
    for ordre, (code, libelle, type_, valeurs) in enumerate(
        [
            ("anciennete", "Ancienneté", "ANCIENNETE", []),
            ("violences", "Violences au sein du couple", "PRIORITE", ["VIOLENCES_COUPLE"]),
            ("motif", "Motif : violences familiales", "MOTIF", ["VIOLENCES"]),
        ]
    ):
        CritereCotation.objects.create(
            grille=grille, ordre=ordre, code=code, libelle=libelle, type=type_, points=10 + ordre, valeurs=valeurs
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.adopter_grille(grille, acteur=monde_hostile.val["epci"], deliberation="Délibération test")
    for t in monde_hostile.territoires:
        t.demande.refresh_from_db()
    return monde_hostile


# --- The demand's page, its edit page, the search ------------------------------------------------


def test_fiche_detail_pour_le_guichet_et_l_epci_seulement(client, dossiers):
    monde_hostile = dossiers
    for t in monde_hostile.territoires:
        url = reverse("demandes:fiche", args=[t.demande.pk])
        for nom, user, voit in lecteurs(monde_hostile, t):
            reponse = connecte(client, user).get(url)
            html = reponse.content.decode()
            if voit:
                assert reponse.status_code == 200, nom
                for attendu in ("Violences familiales", "Victime de violences au sein du couple",
                                "Ordonnance de protection", "ordonnance-protection.pdf"):  # fmt: skip
                    assert attendu in html, (nom, attendu)
                if t is monde_hostile.val:
                    assert "Violences au sein du couple" in html and "Motif : violences familiales" in html
                continue
            assert not fuites(html), (nom, t.code, fuites(html))
            if reponse.status_code == 200:  # reads the demand: sees that something exists, not what
                for masque in (sensibles.MASQUE_MOTIF, sensibles.MASQUE_CRITERE, sensibles.MASQUE_PIECE):
                    assert masque in html, (nom, masque)
                if t is monde_hostile.val:  # the scoring line is there, its label masked
                    assert f"{t.demande.score} points" in html, nom
            else:
                assert reponse.status_code == 404, nom


def test_formulaires_replies_de_la_fiche_sans_le_sensible(client, dossiers):
    """The forms the file loads when a section is opened (priority, DALO, appointment) are pages of their own:
    the same masking as the file (criteria and documents' choices), the same refusals to whoever may not edit."""
    monde_hostile = dossiers
    for t in monde_hostile.territoires:
        urls = [reverse(nom, args=[t.demande.pk]) for nom in
                ("demandes:priorite_ajouter", "demandes:dalo_ajouter", "demandes:rdv_ajouter")]  # fmt: skip
        for nom, user, voit in lecteurs(monde_hostile, t):
            connecte(client, user)
            for url in urls:
                for entetes in ({}, {"HX-Request": "true"}):
                    reponse = client.get(url, headers=entetes)
                    html = reponse.content.decode()
                    assert reponse.status_code in (200, 403, 404), (nom, url, reponse.status_code)
                    if voit and "priorite" in url and reponse.status_code == 200:
                        assert "Victime de violences au sein du couple" in html, nom  # the criterion to pick
                    elif not voit:
                        assert not fuites(html), (nom, url, fuites(html))


def test_qui_lit_la_fiche_en_clair(client, dossiers):
    """The masked readers above include those who read the page: landlord, holder, admin, superuser."""
    monde_hostile = dossiers
    url = reverse("demandes:fiche", args=[monde_hostile.val.demande.pk])
    for user in (
        monde_hostile.val["bailleur"],
        monde_hostile.val["reservataire"],
        monde_hostile.admin,
        monde_hostile.superuser,
    ):
        assert connecte(client, user).get(url).status_code == 200, user.username
    for user in (monde_hostile.val["membre"], monde_hostile.mont["agent"], monde_hostile.lac["epci"]):
        assert connecte(client, user).get(url).status_code == 404, user.username


def test_journal_des_evenements_masque_sans_rien_retirer(client, dossiers):
    monde_hostile = dossiers
    demande = monde_hostile.val.demande
    n = demande.evenements.count()
    agent = connecte(client, monde_hostile.val["agent"]).get(reverse("demandes:fiche", args=[demande.pk]))
    admin = connecte(client, monde_hostile.admin).get(reverse("demandes:fiche", args=[demande.pk]))
    assert len(agent.context["evenements"]) == len(admin.context["evenements"]) == n
    masques = [e for e in admin.context["evenements"] if e.masque]
    types = {e.objet.type for e in masques}
    assert {"PRIORITE_RECONNUE", "PIECE_RECUE", "PIECE_VALIDEE"} <= types
    assert {e.libelle for e in masques} == {sensibles.MASQUE_CRITERE, sensibles.MASQUE_PIECE}
    assert not any(e.masque for e in agent.context["evenements"])


def test_page_de_modification_sans_le_motif_et_sans_le_perdre(client, dossiers):
    monde_hostile = dossiers
    demande = monde_hostile.val.demande
    url = reverse("demandes:modifier", args=[demande.pk])
    html = connecte(client, monde_hostile.val["agent"]).get(url).content.decode()
    assert "Violences familiales" in html
    for user in (monde_hostile.admin, monde_hostile.superuser):
        reponse = connecte(client, user).get(url)
        assert reponse.status_code == 200 and not fuites(reponse.content.decode()), user.username
        form = reponse.context["form"]
        assert form.motifs_masques == ["VIOLENCES"] and "VIOLENCES" not in dict(form.fields["motifs"].choices)
        # saving the reasons this user sees keeps the one they do not see
        form.cleaned_data = {**{k: getattr(demande, k) for k in form.Meta.fields if k != "communes_souhaitees"}}
        form.cleaned_data["motifs"] = ["TROP_CHER"]
        assert form.donnees()["motifs"] == ["TROP_CHER", "VIOLENCES"]


def test_recherche_et_export_csv(client, dossiers):
    monde_hostile = dossiers
    for t in monde_hostile.territoires:
        for nom, user, _voit in lecteurs(monde_hostile, t):
            connecte(client, user)
            page = client.get(reverse("demandes:recherche"), {"q": f"secret{t.code}"})
            assert not fuites(page.content.decode()), nom
            export = client.get(reverse("demandes:export"), {"q": f"secret{t.code}"})
            if export.status_code == 200:
                assert not fuites(b"".join(export.streaming_content).decode()), nom


# --- API --------------------------------------------------------------------------------------------


def test_api_liste_et_detail_masques_pour_tous(client, dossiers):
    monde_hostile = dossiers
    for t in monde_hostile.territoires:
        for nom, user, _voit in lecteurs(monde_hostile, t):
            connecte(client, user)
            liste = client.get("/api/demandes/", {"q": f"secret{t.code}"})
            assert not fuites(liste.content.decode()), nom
            detail = client.get(f"/api/demandes/{t.demande.pk}/")
            assert not fuites(detail.content.decode()) and "VIOLENCES" not in detail.content.decode(), nom
            if detail.status_code != 200:
                assert detail.status_code == 404, nom
                continue
            donnees = detail.json()
            assert donnees["motifs"] == ["RESERVE"], nom  # that a reason exists, never which
            assert [p["libelle"] for p in donnees["priorites"]] == [sensibles.MASQUE_CRITERE], nom
            libelles = {e["libelle"] for e in donnees["evenements"]}
            assert {sensibles.MASQUE_CRITERE, sensibles.MASQUE_PIECE} <= libelles, nom


# --- Documents: the file, its status, the lifted priority, the attestation PDF ----------------------


def test_piece_et_priorite_sensibles_inaccessibles_par_adresse(client, dossiers):
    monde_hostile = dossiers
    t = monde_hostile.val
    priorite = t.demande.priorites.get(critere="VIOLENCES_COUPLE")
    piece_url = reverse("demandes:piece", args=[t.demande.pk, t.piece.pk])
    for user in (t["bailleur"], t["reservataire"], monde_hostile.admin, monde_hostile.superuser):
        connecte(client, user)
        assert client.get(piece_url).status_code == 404, user.username
    for user in (monde_hostile.admin, monde_hostile.superuser):  # they may edit the demand, not these items
        connecte(client, user)
        statut = client.post(reverse("demandes:piece_statut", args=[t.demande.pk, t.piece.pk]), {"statut": "EXPIREE"})
        assert statut.status_code == 404
        lever = client.post(reverse("demandes:priorite_lever", args=[t.demande.pk, priorite.pk]))
        assert lever.status_code == 404
    assert PieceJustificative.objects.get(pk=t.piece.pk).statut == "VALIDE"
    assert t.demande.priorites.get(pk=priorite.pk).fin_le is None
    connecte(client, t["agent"])
    assert client.get(piece_url).status_code == 200


@pytest.mark.pdf
def test_attestation_pdf(client, dossiers):
    from pypdf import PdfReader

    monde_hostile = dossiers
    url = reverse("demandes:fiche_information", args=[monde_hostile.val.demande.pk])

    def texte(user) -> str:
        reponse = connecte(client, user).post(url)
        assert reponse.status_code == 200, user.username
        return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(reponse.content)).pages).split())

    clair = texte(monde_hostile.val["agent"])
    assert "Violences au sein du couple" in clair
    for user in (monde_hostile.admin, monde_hostile.superuser):
        masque = texte(user)
        assert not fuites(masque) and "détail réservé" in masque, user.username


# --- Admin ------------------------------------------------------------------------------------------


def test_listes_de_l_admin_sans_fuite(client, dossiers):
    """Every changelist of the admin, for the superuser, the platform admin and EPCI staff (the definition of
    what is sensitive and the expected documents' checklist name the situations: they are configuration)."""
    monde_hostile = dossiers
    configuration = {"elementsensible", "checklistpiece"}
    for user in (monde_hostile.superuser, monde_hostile.admin, monde_hostile.val["epci"]):
        connecte(client, user)
        for model in django_admin.site._registry:
            if model._meta.model_name in configuration:
                continue
            try:
                url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            except NoReverseMatch:
                continue
            html = client.get(url).content.decode()
            assert not fuites(html), (user.username, url, fuites(html))


def test_admin_definition_par_territoire(client, dossiers):
    monde_hostile = dossiers
    val, mont = monde_hostile.val, monde_hostile.mont
    propre_mont = ElementSensible.objects.create(epci=mont.epci, nature="MOTIF", code="DECOHABITATION")
    defaut = ElementSensible.objects.get(epci=None, nature="CRITERE", code="VIOLENCES_COUPLE")
    liste = reverse("admin:demandes_elementsensible_changelist")
    connecte(client, val["epci"])
    page = client.get(liste)
    assert page.status_code == 200
    vus = set(page.context["cl"].queryset.values_list("pk", flat=True))
    assert defaut.pk in vus and propre_mont.pk not in vus
    assert client.get(reverse("admin:demandes_elementsensible_change", args=[propre_mont.pk])).status_code in (
        302,
        404,
    )
    # the defaults are read, not changed, by a territory
    change = reverse("admin:demandes_elementsensible_change", args=[defaut.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"epci": val.epci.pk, "nature": "CRITERE", "code": "HANDICAP"}).status_code == 403
    defaut.refresh_from_db()
    assert (defaut.epci_id, defaut.code) == (None, "VIOLENCES_COUPLE")
    # a code that is not of the nature is refused, in French, naming the field
    ajout = reverse("admin:demandes_elementsensible_add")
    erreur = client.post(ajout, {"epci": val.epci.pk, "nature": "PIECE", "code": "SEPARATION", "source": "x"})
    assert erreur.status_code == 200 and "Code inconnu pour la nature" in erreur.content.decode()
    # a territory extends the definition: its demands' separation reason is now masked for its landlord
    donnees = {"epci": val.epci.pk, "nature": "MOTIF", "code": "SEPARATION", "source": "CIL"}
    reponse = client.post(ajout, donnees, follow=True)  # follow: the success message is read here
    assert reponse.redirect_chain and reponse.redirect_chain[0][1] == 302
    assert ElementSensible.objects.filter(epci=val.epci, nature="MOTIF", code="SEPARATION").exists()
    for t in (val, mont):
        Demande.objects.filter(pk=t.demande.pk).update(motifs=["SEPARATION", "TROP_CHER"])
    html_val = connecte(client, val["bailleur"]).get(reverse("demandes:fiche", args=[val.demande.pk])).content
    html_mont = connecte(client, mont["bailleur"]).get(reverse("demandes:fiche", args=[mont.demande.pk])).content
    assert "Divorce, séparation" not in html_val.decode()
    assert sensibles.MASQUE_MOTIF in html_val.decode()
    assert "Divorce, séparation" in html_mont.decode()
    assert (
        "Divorce, séparation"
        in connecte(client, val["agent"]).get(reverse("demandes:fiche", args=[val.demande.pk])).content.decode()
    )


def test_admin_de_la_definition_refuse_aux_autres_roles(client, dossiers):
    monde_hostile = dossiers
    liste = reverse("admin:demandes_elementsensible_changelist")
    for role in ("agent", "bailleur", "reservataire", "membre"):
        reponse = connecte(client, monde_hostile.val[role]).get(liste)
        assert reponse.status_code == 302 and "/login/" in reponse["Location"], role  # not staff


# --- Relocation, the commission for specific cases, candidates --------------------------------------


def test_relogement_et_commission_sans_fuite(client, dossiers):
    from core.models import User
    from relogement import services as relogement
    from relogement.models import Operation

    monde_hostile = dossiers
    t = monde_hostile.val
    referent = User.objects.create_user(username="referent_val", password="x-referent-2026")
    operation = Operation.objects.create(
        epci=t.epci, nom="Renouvellement du Val", type="NPNRU", commune=t.commune, date_lancement=dt.date(2025, 1, 1)
    )
    operation.bailleurs.add(t.bailleur)
    menage = relogement.creer_menage(
        operation=operation, acteur=t["epci"], referent=referent, reference="V-1", nom="Ménage Secret"
    )
    relogement.lier_demande(menage, demande=t.demande, acteur=t["epci"])
    saisine = relogement.saisir_commission(
        epci=t.epci, acteur=t["bailleur"], organisation=t.bailleur.nom, motif="BLOCAGE", expose="Relogement bloqué.",
        demande=t.demande, menage=menage,
    )  # fmt: skip
    pages = [
        reverse("relogement:menage", args=[menage.pk]),
        reverse("relogement:operation", args=[operation.pk]),
        reverse("relogement:saisine", args=[saisine.pk]),
        reverse("relogement:export", args=[operation.pk, "csv"]),
        "/api/relogement/menages/",
    ]
    for user in (referent, t["bailleur"], t["epci"], monde_hostile.admin, monde_hostile.superuser):
        connecte(client, user)
        for url in pages:
            reponse = client.get(url)
            contenu = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
            assert not fuites(contenu.decode("utf-8", "replace")), (user.username, url)
    # the relocation officer reads the household linked to the demand, and cannot open the demand
    connecte(client, referent)
    assert t.demande.numero_unique in client.get(pages[0]).content.decode()
    assert client.get(reverse("demandes:fiche", args=[t.demande.pk])).status_code in (403, 404)


def test_ecrans_des_candidats_sans_fuite(client, dossiers):
    from django.utils import timezone

    from attributions.models import Candidature, Logement, Vacance

    monde_hostile = dossiers
    t = monde_hostile.val
    logement = Logement.objects.create(
        identifiant="VAL-1", bailleur=t.bailleur, commune=t.commune, epci=t.epci, typologie="T3"
    )
    vacance = Vacance.objects.create(
        logement=logement, bailleur=t.bailleur, epci=t.epci, statut="ORIENTEE", reservataire=t.reservataire,
        date_declaration=dt.date.today(), date_liberation=dt.date.today(),
    )  # fmt: skip
    Candidature.objects.create(
        vacance=vacance, demande=t.demande, reservataire=t.reservataire, rang_propose=1, designee_le=timezone.now()
    )
    pages = [
        reverse("attributions:vacance", args=[vacance.pk]),
        reverse("attributions:vacance_candidats", args=[vacance.pk]),
        "/api/vacances/",  # the vacancies' API lists their candidates
        reverse("admin:attributions_vacance_change", args=[vacance.pk]),  # the candidates' inline
    ]
    for user in (t["bailleur"], t["reservataire"], t["epci"], monde_hostile.admin, monde_hostile.superuser):
        connecte(client, user)
        for url in pages:
            html = client.get(url, follow=True).content.decode()
            assert not fuites(html), (user.username, url)
    assert t.demande.numero_unique in connecte(client, monde_hostile.superuser).get(pages[-1]).content.decode()
    assert t.demande.numero_unique in connecte(client, t["bailleur"]).get("/api/vacances/").content.decode()


# --- The one definition -------------------------------------------------------------------------------


def test_une_seule_definition_chargee_par_migration(monde_hostile):
    attendus = {
        ("MOTIF", "VIOLENCES"),
        ("CRITERE", "VIOLENCES_COUPLE"),
        ("CRITERE", "SORTIE_PROSTITUTION"),
        ("CRITERE", "TRAITE_PROXENETISME"),
        ("CRITERE", "VICTIME_VIOL_DOMICILE"),
        ("PIECE", "ORDONNANCE_PROTECTION"),
    }
    assert set(ElementSensible.objects.filter(epci=None).values_list("nature", "code")) == attendus
    definition = sensibles.definition(monde_hostile.val.epci.pk)
    assert definition.criteres == {"VIOLENCES_COUPLE", "SORTIE_PROSTITUTION", "TRAITE_PROXENETISME",
                                   "VICTIME_VIOL_DOMICILE"}  # fmt: skip
    # an event type a territory flags is masked as a whole, whatever its detail
    ElementSensible.objects.create(epci=monde_hostile.val.epci, nature="EVENEMENT", code="AVIS_COMMISSION")
    services.record_event(
        monde_hostile.val.demande, "AVIS_COMMISSION", acteur=monde_hostile.val["epci"], libelle="Avis favorable"
    )
    ev = monde_hostile.val.demande.evenements.get(type=Evenement.Type.AVIS_COMMISSION)
    lu = sensibles.lecture(monde_hostile.val["bailleur"], monde_hostile.val.demande).evenement(ev)
    assert (lu.type, lu.type_libelle, lu.libelle) == ("RESERVE", sensibles.MASQUE_EVENEMENT, "")
    assert (
        sensibles.lecture(monde_hostile.mont["bailleur"], monde_hostile.mont.demande).definition.evenements
        == frozenset()
    )
