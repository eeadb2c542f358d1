"""Pages of the reception desk through Django's test client, with at least three actors each."""

import datetime as dt
import io
import re
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from demandes import services
from demandes.models import Demande, Evenement, PieceJustificative

from .conftest import connecte
from .factories import creer_demande

PDF_MINIMAL = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_recherche_insensible_aux_accents_et_a_la_casse(client, monde_demandes, demande):
    connecte(client, monde_demandes.agent2)  # another reception point of the same territory
    for q in [
        "lefevre",
        "LEFÈVRE",
        "Lef",
        "lefevre ame",
        "amelie lefevre",
        demande.numero_unique,
        demande.numero_unique.replace("-", ""),
    ]:
        r = client.get(reverse("demandes:recherche"), {"q": q})
        assert r.status_code == 200
        assert demande.numero_unique in r.content.decode(), q
    r = client.get(reverse("demandes:recherche"), {"q": "martin"})
    assert demande.numero_unique not in r.content.decode()
    r = client.get(reverse("demandes:recherche"), {"date_naissance": "1988-04-12"})
    assert demande.numero_unique in r.content.decode()


def test_recherche_htmx_renvoie_le_fragment(client, monde_demandes, demande):
    connecte(client, monde_demandes.agent)
    r = client.get(reverse("demandes:recherche"), {"q": "lef"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert "<html" not in html and demande.numero_unique in html


def test_recherche_nombre_de_requetes_fixe(client, monde_demandes, django_assert_num_queries):
    for i in range(30):
        creer_demande(
            monde_demandes.guichet if i % 2 else monde_demandes.guichet2, acteur=monde_demandes.agent, nom=f"Lefort{i}"
        )
    connecte(client, monde_demandes.agent)
    client.get(reverse("demandes:recherche"))  # warm the session
    # session, user, the memberships (scope and access to demands), then one ordered index range per reading of the
    # words (name of use, birth name), each with its reception point, then the read log (the reader's
    # organisation, one row per territory), and whether the agent is a relocation referent (the menu):
    # never one query per row
    with django_assert_num_queries(8):
        r = client.get(reverse("demandes:recherche"), {"q": "lefort"})
    assert r.content.decode().count("/demandes/") >= 30
    # two words: compound name of use or birth name, name + first name, first name + name; the read log
    with django_assert_num_queries(10):
        client.get(reverse("demandes:recherche"), {"q": "lefort amel"})


def test_outsider_ne_voit_rien(client, monde_demandes, demande):
    for user in (monde_demandes.outsider, monde_demandes.outsider_bailleur):
        connecte(client, user)
        r = client.get(reverse("demandes:recherche"), {"q": "lefevre"})
        assert demande.numero_unique not in r.content.decode()
        assert client.get(reverse("demandes:fiche", args=[demande.pk])).status_code == 404
        assert client.get(reverse("demandes:modifier", args=[demande.pk])).status_code == 404
        r = client.get(reverse("demandes:export"), {"q": "lefevre"})
        assert demande.numero_unique not in b"".join(r.streaming_content).decode()
        assert client.get(f"/api/demandes/{demande.pk}/").status_code == 404
        assert demande.numero_unique not in client.get("/api/demandes/", {"q": "lefevre"}).content.decode()


def test_membre_cil_et_anonyme_sans_acces(client, monde_demandes, demande):
    connecte(client, monde_demandes.membre_cil)
    assert client.get(reverse("demandes:recherche")).status_code == 403
    assert client.get(reverse("demandes:fiche", args=[demande.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("demandes:fiche", args=[demande.pk])).status_code == 302
    assert client.get("/api/demandes/").status_code in (401, 403)


def test_bailleur_lit_sans_modifier_ni_voir_le_sensible(client, monde_demandes, demande):
    services.reconnaitre_priorite(
        demande,
        critere="VIOLENCES_COUPLE",
        source="GUICHET",
        reconnu_le=dt.date(2026, 1, 5),
        acteur=monde_demandes.agent,
    )
    services.reconnaitre_priorite(
        demande, critere="SANS_LOGEMENT", source="GUICHET", reconnu_le=dt.date(2026, 1, 5), acteur=monde_demandes.agent
    )
    connecte(client, monde_demandes.bailleur_user)
    html = client.get(reverse("demandes:fiche", args=[demande.pk])).content.decode()
    assert "Dépourvue de logement" in html
    assert "violences" not in html.lower()
    assert reverse("demandes:modifier", args=[demande.pk]) not in html
    assert client.get(reverse("demandes:modifier", args=[demande.pk])).status_code == 403
    assert client.post(reverse("demandes:renouveler", args=[demande.pk])).status_code == 403
    assert "Critère de priorité, détail réservé" in html  # that a priority exists, never which
    api = client.get(f"/api/demandes/{demande.pk}/").json()
    assert sorted(p["critere"] for p in api["priorites"]) == ["RESERVE", "SANS_LOGEMENT"]
    assert [e["type"] for e in api["evenements"]] == ["ENREGISTREMENT", "PRIORITE_RECONNUE", "PRIORITE_RECONNUE"]
    assert "violences" not in str(api).lower()
    # the reception agent of another point of the territory sees it, the API never shows it
    connecte(client, monde_demandes.agent2)
    assert "Victime de violences" in client.get(reverse("demandes:fiche", args=[demande.pk])).content.decode()
    assert "VIOLENCES" not in client.get(f"/api/demandes/{demande.pk}/").content.decode()
    export = b"".join(client.get(reverse("demandes:export"), {"q": "lefevre"}).streaming_content).decode()
    assert demande.numero_unique in export and "VIOLENCES" not in export.upper()


def test_api_liste_filtree_et_limitee_au_territoire(client, monde_demandes, demande):
    creer_demande(monde_demandes.guichet_autre, acteur=monde_demandes.outsider, nom="Voironnais")
    connecte(client, monde_demandes.reservataire_user)
    data = client.get("/api/demandes/").json()
    assert [d["numero_unique"] for d in data["results"]] == [demande.numero_unique]
    assert client.get("/api/demandes/", {"statut": "RADIEE"}).json()["count"] == 0
    assert client.get("/api/demandes/", {"typologie": "T3"}).json()["count"] == 1
    assert client.get("/api/demandes/", {"typologie": "T5"}).json()["count"] == 0


def test_modification_concurrente_message_clair_et_saisie_conservee(client, monde_demandes, demande):
    url = reverse("demandes:modifier", args=[demande.pk])
    connecte(client, monde_demandes.agent)
    page = client.get(url).content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    # someone else saves in between
    services.modifier_demande(
        Demande.objects.get(pk=demande.pk),
        version=int(version),
        donnees={"telephone": "0476000001"},
        acteur=monde_demandes.agent2,
    )
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("communes_souhaitees",)}
    data.update(
        {
            "version": version,
            "ville": "Échirolles",
            "date_naissance": "1988-04-12",
            "motifs": ["TROP_CHER"],
            "typologies": ["T2"],
            "communes_souhaitees": [monde_demandes.commune.pk],
            "telephone": "",
            "membres-TOTAL_FORMS": "0",
            "membres-INITIAL_FORMS": "0",
            "ressources-TOTAL_FORMS": "0",
            "ressources-INITIAL_FORMS": "0",
        }
    )
    data.pop("bailleur_actuel", None)
    r = client.post(url, data)
    assert r.status_code == 409
    html = unescape(r.content.decode())
    assert "modifiée par quelqu'un d'autre" in html
    assert 'value="Échirolles"' in html  # the user's input is kept
    frais = Demande.objects.get(pk=demande.pk)
    assert frais.ville == "Grenoble" and frais.telephone == "0476000001"
    # confirming saves over the current version
    data["version"] = str(frais.version)
    r = client.post(url, data)
    assert r.status_code == 302
    frais = Demande.objects.get(pk=demande.pk)
    assert frais.ville == "Échirolles" and frais.telephone == "0476000001"  # nothing lost


def test_pas_de_renouvellement_le_jour_de_l_enregistrement(client, monde_demandes):
    d = creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent, date_depot=dt.date.today())
    connecte(client, monde_demandes.agent2)
    fiche = client.get(reverse("demandes:fiche", args=[d.pk])).content.decode()
    assert reverse("demandes:renouveler", args=[d.pk]) not in fiche
    assert "renouvellement possible à partir du" in fiche
    page = client.get(reverse("demandes:renouveler", args=[d.pk])).content.decode()
    assert "Confirmer le renouvellement" not in page and "pas encore à renouveler" in page
    r = client.post(reverse("demandes:renouveler", args=[d.pk]), {"version": d.version, "confirmation": "oui"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.date_dernier_renouvellement is None
    assert not d.evenements.filter(type="RENOUVELLEMENT").exists()
    message = [str(m) for m in get_messages(r.wsgi_request)]
    assert any("son renouvellement sera possible à partir du" in m for m in message)


def test_renouveler_radier_reactiver(client, monde_demandes):
    d = creer_demande(
        monde_demandes.guichet, acteur=monde_demandes.agent, date_depot=dt.date.today() - dt.timedelta(days=350)
    )
    connecte(client, monde_demandes.agent2)
    r = client.get(reverse("demandes:renouveler", args=[d.pk]))
    assert r.status_code == 200 and "Confirmer le renouvellement" in r.content.decode()
    r = client.post(reverse("demandes:renouveler", args=[d.pk]), {"version": d.version})
    assert r.status_code == 400 and "Cochez la confirmation du demandeur" in r.content.decode()
    d.refresh_from_db()
    assert d.date_dernier_renouvellement is None
    r = client.post(reverse("demandes:renouveler", args=[d.pk]), {"version": d.version, "confirmation": "oui"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.date_dernier_renouvellement == dt.date.today()
    r = client.post(reverse("demandes:radier", args=[d.pk]), {"version": d.version, "motif": "SANS_REPONSE"})
    assert r.status_code == 200 and "courrier d&#x27;avertissement" in r.content.decode()
    r = client.post(reverse("demandes:radier", args=[d.pk]), {"action": "avertir", "motif": "SANS_REPONSE"})
    assert r.status_code == 302
    d.evenements.filter(type="AVERTISSEMENT").update(detail={"motif": "SANS_REPONSE", "date": "2020-01-01"})
    r = client.post(reverse("demandes:radier", args=[d.pk]), {"version": d.version, "motif": "SANS_REPONSE"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.statut == "RADIEE"
    assert "Réactiver" in client.get(reverse("demandes:fiche", args=[d.pk])).content.decode()
    client.post(reverse("demandes:reactiver", args=[d.pk]))
    d.refresh_from_db()
    assert d.statut == "ACTIVE"


def test_inscription_en_etapes_avec_doublon(client, monde_demandes, demande):
    connecte(client, monde_demandes.agent)
    base = {
        "guichet": monde_demandes.guichet.pk,
        "nom": "LEFEVRE",
        "prenom": "amélie",
        "date_naissance": "1988-04-12",
        "sexe": "F",
        "nationalite": "FR",
        "situation_familiale": "CELIBATAIRE",
        "situation_professionnelle": "CDI",
        "adresse": "3 rue Haute",
        "code_postal": "38000",
        "ville": "Grenoble",
    }
    r = client.post(reverse("demandes:inscription_etape", args=["demandeur"]), base)
    assert r.status_code == 200 and "déjà une demande active" in r.content.decode()
    assert "Cochez cette case" in unescape(r.content.decode())
    assert demande.numero_unique in r.content.decode()
    r = client.post(
        reverse("demandes:inscription_etape", args=["demandeur"]), {**base, "prenom": "Zoé", "code_postal": "380"}
    )
    assert "Le code postal compte 5 chiffres." in r.content.decode()
    assert 'aria-describedby="id_code_postal-erreurs"' in r.content.decode()
    r = client.post(reverse("demandes:inscription_etape", args=["demandeur"]), {**base, "prenom": "Zoé"})
    assert r.status_code == 302
    r = client.post(
        reverse("demandes:inscription_etape", args=["menage"]),
        {
            "membres-TOTAL_FORMS": "2",
            "membres-INITIAL_FORMS": "0",
            "membres-0-lien": "ENFANT",
            "membres-0-nom": "Lefèvre",
            "membres-0-prenom": "Léa",
            "membres-0-date_naissance": "2019-02-03",
            "membres-1-lien": "",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    r = client.post(
        reverse("demandes:inscription_etape", args=["ressources"]),
        {
            "ressources-TOTAL_FORMS": "2",
            "ressources-INITIAL_FORMS": "0",
            "ressources-0-personne": "D",
            "ressources-0-nature": "SALAIRE",
            "ressources-0-montant_mensuel": "1450.50",
            "ressources-1-personne": "0",
            "ressources-1-nature": "AIDE_LOGEMENT",
            "ressources-1-montant_mensuel": "120",
            "revenu_fiscal_reference": "15200",
            "annee_revenu_fiscal": str(dt.date.today().year - 1),
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    r = client.post(
        reverse("demandes:inscription_etape", args=["logement"]),
        {"logement_actuel": "HEBERGE_FAMILLE", "motifs": ["SANS_LOGEMENT"]},
    )
    assert r.status_code == 302
    r = client.post(reverse("demandes:inscription_etape", args=["souhaits"]), {"typologies": ["T2"]})
    assert "Ce champ est obligatoire." in r.content.decode()
    r = client.post(
        reverse("demandes:inscription_etape", args=["souhaits"]),
        {"typologies": ["T2", "T3"], "communes_souhaitees": [monde_demandes.commune.pk], "loyer_max": "550"},
    )
    assert r.status_code == 302
    r = client.get(reverse("demandes:inscription_etape", args=["recapitulatif"]))
    assert "Zoé" in r.content.decode() and "Léa" in r.content.decode()
    recap = _texte_visible(r.content.decode())
    # labels, never the codes entered; French dates; the maximum rent kept
    for code in ("CELIBATAIRE", "SALAIRE", "AIDE_LOGEMENT", "HEBERGE_FAMILLE", "SANS_LOGEMENT", "ENFANT", "FR "):
        assert code not in recap, code
    assert "Salarié(e) en CDI" in recap
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", recap), re.findall(r"\b\d{4}-\d{2}-\d{2}\b", recap)
    assert "03/02/2019" in recap and "1 450,50 €" in recap.replace("\u00a0", " ")
    assert "550" in recap and "Loyer" in recap
    r = client.post(reverse("demandes:inscription_etape", args=["recapitulatif"]))
    nouvelle = Demande.objects.get(prenom="Zoé")
    assert r.status_code == 302 and r.url == reverse("demandes:fiche", args=[nouvelle.pk])
    assert nouvelle.numero_unique.startswith("038-")
    assert nouvelle.membres.get().prenom == "Léa"
    assert sorted(nouvelle.ressources.values_list("nature", flat=True)) == ["AIDE_LOGEMENT", "SALAIRE"]
    assert list(nouvelle.communes_souhaitees.all()) == [monde_demandes.commune]
    assert nouvelle.evenements.get().type == Evenement.Type.ENREGISTREMENT
    fiche = client.get(r.url).content.decode()
    assert "Attestation d'hébergement" in unescape(fiche)  # checklist follows the situation
    assert "Livret de famille" in fiche


def _texte_visible(html: str) -> str:
    """The page's text as a user reads it (no tags, no attribute values, no hidden inputs)."""
    sans_script = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", sans_script))


def test_outsider_ne_peut_pas_enregistrer_au_guichet_d_un_autre(client, monde_demandes):
    connecte(client, monde_demandes.bailleur_user)
    assert client.get(reverse("demandes:inscription")).status_code == 403


def test_pieces_type_taille_stockage_prive_et_droits(client, monde_demandes, demande, settings, tmp_path):
    connecte(client, monde_demandes.agent)
    url = reverse("demandes:piece_ajouter", args=[demande.pk])
    r = client.post(
        url,
        {
            "type_piece": "IDENTITE",
            "fichier": SimpleUploadedFile("cni.pdf", b"MZ\x90\x00 pas un pdf", "application/pdf"),
        },
    )
    assert r.status_code == 400 and "PDF, JPEG ou PNG" in r.content.decode()
    settings.DEMANDES_TAILLE_MAX_PIECE = 100
    r = client.post(url, {"type_piece": "IDENTITE", "fichier": SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * 200)})
    assert r.status_code == 400 and "taille maximale" in r.content.decode()
    del settings.DEMANDES_TAILLE_MAX_PIECE
    r = client.post(
        url, {"type_piece": "IDENTITE", "fichier": SimpleUploadedFile("cni.pdf", PDF_MINIMAL, "text/plain")}
    )
    assert r.status_code == 302
    piece = PieceJustificative.objects.get(demande=demande)
    assert piece.type_mime == "application/pdf" and piece.statut == "RECUE"
    assert piece.fichier.path.startswith(str(tmp_path / "prive"))
    assert not piece.fichier.name.endswith("cni.pdf")  # random name on disk
    assert demande.evenements.filter(type="PIECE_RECUE").exists()
    telecharger = reverse("demandes:piece", args=[demande.pk, piece.pk])
    r = client.get(telecharger)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF_MINIMAL
    assert r["Content-Type"] == "application/pdf"
    for user, attendu in (
        (monde_demandes.bailleur_user, 200),
        (monde_demandes.outsider, 404),
        (monde_demandes.outsider_bailleur, 404),
    ):
        connecte(client, user)
        assert client.get(telecharger).status_code == attendu
    connecte(client, monde_demandes.agent)
    client.post(reverse("demandes:piece_statut", args=[demande.pk, piece.pk]), {"statut": "VALIDE"})
    piece.refresh_from_db()
    assert piece.statut == "VALIDE"


def test_qualification_priorite_et_dalo_depuis_la_fiche(client, monde_demandes, demande):
    connecte(client, monde_demandes.agent)
    r = client.post(
        reverse("demandes:priorite_ajouter", args=[demande.pk]),
        {"critere": "MENACE_EXPULSION", "source": "GUICHET", "reconnu_le": "2030-01-01"},
    )
    assert r.status_code == 400 and "ne peut pas être dans le futur" in unescape(r.content.decode())
    r = client.post(
        reverse("demandes:priorite_ajouter", args=[demande.pk]),
        {"critere": "MENACE_EXPULSION", "source": "GUICHET", "reconnu_le": "2026-01-10"},
    )
    assert r.status_code == 302
    p = demande.priorites.get()
    assert p.reconnu_par == monde_demandes.agent and p.organisation == monde_demandes.guichet.nom
    r = client.post(
        reverse("demandes:dalo_ajouter", args=[demande.pk]),
        {"date_decision": "2025-11-03", "commission": "COMED 38", "prioritaire_urgent": "on"},
    )
    assert r.status_code == 302 and demande.decisions_dalo.get().prioritaire_urgent
    # a landlord cannot qualify
    connecte(client, monde_demandes.bailleur_user)
    r = client.post(
        reverse("demandes:priorite_ajouter", args=[demande.pk]),
        {"critere": "HANDICAP", "source": "BAILLEUR", "reconnu_le": "2026-01-10"},
    )
    assert r.status_code == 403


def test_formulaires_replies_charges_a_l_ouverture(client, monde_demandes, demande, django_assert_max_num_queries):
    """The file carries its folded sections' forms as links loaded on opening (htmx), not rendered each time."""
    connecte(client, monde_demandes.agent)
    fiche = client.get(reverse("demandes:fiche", args=[demande.pk])).content.decode()
    for nom in ("priorite_ajouter", "dalo_ajouter", "rdv_ajouter"):
        url = reverse(f"demandes:{nom}", args=[demande.pk])
        assert f'hx-get="{url}"' in fiche and f'<a href="{url}">Ouvrir le formulaire</a>' in fiche
    assert 'name="critere"' not in fiche and 'name="date_decision"' not in fiche and 'name="debut"' not in fiche
    url = reverse("demandes:priorite_ajouter", args=[demande.pk])
    with django_assert_max_num_queries(12):
        fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200 and 'name="critere"' in html and "<html" not in html
    assert f'action="{url}"' in html and "csrfmiddlewaretoken" in html
    page = client.get(url).content.decode()  # without JavaScript: the form on its own page, a way back
    assert "<html" in page and 'name="critere"' in page and "Retour à la demande" in page
    rdv = client.get(reverse("demandes:rdv_ajouter", args=[demande.pk]), headers={"HX-Request": "true"})
    assert f'value="{monde_demandes.guichet.pk}" selected' in rdv.content.decode()  # the agent's own desk
    # a bound form with errors comes back open, in the file
    r = client.post(url, {"critere": "MENACE_EXPULSION", "source": "GUICHET", "reconnu_le": "2030-01-01"})
    assert r.status_code == 400 and 'name="critere"' in r.content.decode()
    assert '<details class="mt-3"\n         open>' in r.content.decode()
    # who may not edit gets nothing; a radiated demand has no form
    connecte(client, monde_demandes.bailleur_user)
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 403
    connecte(client, monde_demandes.outsider)
    assert client.get(url).status_code == 404
    Demande.objects.filter(pk=demande.pk).update(
        statut="RADIEE", motif_radiation="ATTRIBUTION", date_radiation=dt.date.today()
    )
    connecte(client, monde_demandes.agent)
    assert client.get(url).status_code == 403


@pytest.mark.pdf
def test_attestation_pdf_contient_le_numero(client, monde_demandes, demande):
    connecte(client, monde_demandes.agent)
    r = client.post(reverse("demandes:fiche_information", args=[demande.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(r.content))
    texte = "".join(page.extract_text() for page in reader.pages)
    assert demande.numero_unique in texte
    assert "Attestation d'enregistrement" in texte
    # Tagged for assistive technologies (PDF/UA), in French, titled.
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"]) and reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.metadata.title == f"Attestation d'enregistrement {demande.numero_unique}"
    assert demande.evenements.filter(type="FICHE_INFORMATION").exists()
    connecte(client, monde_demandes.outsider)
    assert client.post(reverse("demandes:fiche_information", args=[demande.pk])).status_code == 404


def test_rendez_vous_et_reseau(client, monde_demandes, demande):
    connecte(client, monde_demandes.agent)
    r = client.post(
        reverse("demandes:rdv_ajouter", args=[demande.pk]),
        {"guichet": monde_demandes.guichet.pk, "objet": "ENTRETIEN", "debut": "2026-03-02T10:30"},
    )
    assert r.status_code == 302
    rdv = demande.rendez_vous.get()
    client.post(reverse("demandes:rdv_cloturer", args=[demande.pk, rdv.pk]), {"statut": "HONORE"})
    rdv.refresh_from_db()
    assert rdv.statut == "HONORE"
    assert demande.evenements.filter(type="ENTRETIEN").count() == 1
    r = client.post(
        reverse("demandes:contact_ajouter", args=[monde_demandes.guichet.pk]),
        {"canal": "VISITE"},
        HTTP_HX_REQUEST="true",
    )
    assert "1 aujourd'hui" in unescape(r.content.decode())
    page = client.get(reverse("demandes:reseau"))
    assert page.status_code == 200
    lignes = page.context["activite"]
    assert any(ligne["visites"] == 1 and ligne["guichet"] == monde_demandes.guichet.nom for ligne in lignes)
    assert any(ligne["entretiens"] == 1 for ligne in lignes)
    csv_activite = client.get(reverse("demandes:reseau"), {"format": "csv"}).getvalue().decode("utf-8-sig")
    assert csv_activite.splitlines()[0] == "mois;guichet;visites;appels;enregistrements;entretiens"
    assert f";{monde_demandes.guichet.nom};1;0;1;" in csv_activite
    # the outsider's agent cannot count for our reception point
    connecte(client, monde_demandes.outsider)
    assert (
        client.post(
            reverse("demandes:contact_ajouter", args=[monde_demandes.guichet.pk]), {"canal": "APPEL"}
        ).status_code
        == 404
    )


def test_page_des_traitements_programmes(client, monde_demandes):
    d = creer_demande(
        monde_demandes.guichet, acteur=monde_demandes.agent, date_depot=dt.date.today() - dt.timedelta(days=340)
    )
    connecte(client, monde_demandes.staff)
    r = client.get(reverse("demandes:traitements"))
    assert r.status_code == 200 and d.numero_unique in r.content.decode()
    connecte(client, monde_demandes.bailleur_user)
    assert client.get(reverse("demandes:traitements")).status_code == 403


def test_recherche_noms_composes_et_nom_de_naissance(client, monde_demandes):
    compose = creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent, nom="Le Gall", prenom="Maëlle")
    mariee = creer_demande(
        monde_demandes.guichet, acteur=monde_demandes.agent, nom="Dupuis", nom_naissance="N'Diaye", prenom="Awa"
    )
    connecte(client, monde_demandes.agent)
    for q, attendue in [
        ("le gall", compose),
        ("LE GALL MAE", compose),
        ("maelle le gall", compose),
        ("ndi", None),
        ("n'diaye", mariee),
        ("dupuis awa", mariee),
    ]:
        html = client.get(reverse("demandes:recherche"), {"q": q}).content.decode()
        if attendue is not None:
            assert attendue.numero_unique in html, q
    # the API (one queryset) finds the same demands
    data = client.get("/api/demandes/", {"q": "n'diaye"}).json()
    assert [d["numero_unique"] for d in data["results"]] == [mariee.numero_unique]


@pytest.mark.pdf
def test_courriers_de_rappel_a_imprimer(client, monde_demandes):
    d = creer_demande(
        monde_demandes.guichet,
        acteur=monde_demandes.agent,
        date_depot=dt.date.today() - dt.timedelta(days=340),
        email="",
        courrier_postal=True,
    )
    services.envoyer_rappel_renouvellement(d.pk)
    connecte(client, monde_demandes.staff)
    assert "Imprimer les 1 avis" in client.get(reverse("demandes:traitements")).content.decode()
    r = client.get(reverse("demandes:courriers_rappel"))
    reader = PdfReader(io.BytesIO(r.content))
    texte = "".join(page.extract_text() for page in reader.pages)
    assert d.numero_unique in texte and "est à renouveler" in texte
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"]) and reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.metadata.title == "Avis de renouvellement"
    connecte(client, monde_demandes.outsider)
    r = client.get(reverse("demandes:courriers_rappel"))
    assert d.numero_unique not in "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)


def test_piece_perimee_comptee_expiree(client, monde_demandes, demande):
    connecte(client, monde_demandes.agent)
    client.post(
        reverse("demandes:piece_ajouter", args=[demande.pk]),
        {
            "type_piece": "AVIS_IMPOSITION",
            "valide_jusqu_au": "2020-12-31",
            "fichier": SimpleUploadedFile("avis.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50),
        },
    )
    html = client.get(reverse("demandes:fiche", args=[demande.pk])).content.decode()
    ligne = html[html.index("Avis d&#x27;imposition") :][:600]
    assert "Expirée" in ligne


def test_doublons_en_direct_htmx(client, monde_demandes, demande):
    params = {
        "guichet": monde_demandes.guichet.pk,
        "nom": "lefevre",
        "prenom": "AMELIE",
        "date_naissance": "1988-04-12",
    }
    connecte(client, monde_demandes.agent2)
    r = client.get(reverse("demandes:doublons"), params, HTTP_HX_REQUEST="true")
    assert demande.numero_unique in r.content.decode()
    connecte(client, monde_demandes.outsider)  # cannot probe another territory's register
    r = client.get(reverse("demandes:doublons"), params, HTTP_HX_REQUEST="true")
    assert demande.numero_unique not in r.content.decode()


def test_reseau_entretiens_en_retard_dit_quand_la_liste_continue(client, monde_demandes, monkeypatch):
    """The late interviews' list shows the oldest rows only; its title never passes a cut list off as the total."""
    from demandes.views import reseau

    depot = dt.date.today() - dt.timedelta(days=200)
    for i in range(3):
        creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent, date_depot=depot, nom=f"Tardif{i}")
    connecte(client, monde_demandes.agent)
    entier = _texte_visible(client.get(reverse("demandes:reseau")).content.decode())
    assert re.search(r"\(\d+ jours\) :\s+3\s", entier) and "plus de" not in entier
    monkeypatch.setattr(reseau, "LIGNES_TRAITEMENTS", 2)
    page = client.get(reverse("demandes:reseau"))
    coupe = _texte_visible(page.content.decode())
    assert re.search(r"plus de 2 \(les 2 plus anciennes ci-dessous\)", coupe) and len(page.context["en_retard"]) == 2


def test_l_export_d_une_recherche_au_dela_du_seuil_est_ecrit_par_le_worker(
    client, monde_demandes, settings, django_capture_on_commit_callbacks
):
    """Above EXPORT_DIRECT_MAX_LIGNES demands the request queues the file (the read log written once, at the
    request); the worker writes the direct download's bytes, scoped for the agent who asked; nobody else gets it."""
    from core.models import ExportDiffere
    from demandes.models import JournalConsultation

    for nom in ("Lefevre", "Lefebvre", "Lefort"):
        creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent, nom=nom)
    creer_demande(monde_demandes.guichet_autre, acteur=monde_demandes.outsider, nom="Lefranc")  # not ours
    connecte(client, monde_demandes.agent)
    direct = client.get(reverse("demandes:export"), {"q": "lef"}).getvalue()
    assert direct.count(b"\r\n") == 4 and b"Lefranc" not in direct  # the header and our three demands
    settings.EXPORT_DIRECT_MAX_LIGNES = 2
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.get(reverse("demandes:export"), {"q": "lef"})
    export = ExportDiffere.objects.get(utilisateur=monde_demandes.agent)
    assert reponse.status_code == 302 and export.statut == ExportDiffere.Statut.PRET and export.lignes_total == 3
    assert client.get(reverse("core:export_fichier", args=[export.pk])).getvalue() == direct
    lectures = JournalConsultation.objects.filter(utilisateur=monde_demandes.agent, canal="EXPORT")
    assert [j.nombre for j in lectures] == [3, 3]  # the direct export, then the deferred one's request
    connecte(client, monde_demandes.agent2)
    assert client.get(reverse("core:export_fichier", args=[export.pk])).status_code == 404


def test_le_journal_d_un_export_coupe_compte_les_demandes_du_fichier(client, monde_demandes, monkeypatch):
    """The search's export holds its first MAX_LIGNES_EXPORT demands; the read log counts those, not the whole
    search (GDPR: the log says what left the platform)."""
    from demandes.models import JournalConsultation
    from demandes.views import recherche

    for nom in ("Lefevre", "Lefebvre", "Lefort"):
        creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent, nom=nom)
    monkeypatch.setattr(recherche, "MAX_LIGNES_EXPORT", 2)
    connecte(client, monde_demandes.agent)
    fichier = client.get(reverse("demandes:export"), {"q": "lef"}).getvalue().decode("utf-8-sig")
    assert fichier.count("\r\n") == 3 and "Lefort" not in fichier  # the header and the first two by name
    lectures = JournalConsultation.objects.filter(utilisateur=monde_demandes.agent, canal="EXPORT")
    assert [(j.nombre, j.epci_id) for j in lectures] == [(2, monde_demandes.epci.pk)]
