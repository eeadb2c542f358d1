"""The applicant's own follow-up (R. 441-2-17): identification by a one-time code sent by e-mail, the demand of
the session only, throttling, renewal when open, sensitive items masked, never cacheable, every reading logged."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cil.models import Commune, Epci, Guichet
from demandes import services as demandes_services
from demandes.models import CritereCotation, Evenement, JournalConsultation, Statut
from demandes.tests.test_cotation_services import grille_test
from public import suivi
from public.models import CodeSuivi

SLUG = "grenoble-alpes-metropole"
NAISSANCE = dt.date(1985, 6, 1)
MESSAGE = "Si ces informations correspondent à une demande active de ce territoire"


def url(nom, slug=SLUG):
    return reverse(f"public:{nom}", args=[slug])


@pytest.fixture
def demande(territoire):
    return territoire.demande(["38185"], ["T3"], email="camille@example.org", depot=timezone.localdate())


def _demander(client, numero, naissance=NAISSANCE, slug=SLUG, **extra):
    return client.post(
        url("suivi", slug), {"numero": numero, "date_naissance": naissance.isoformat()}, follow=True, **extra
    )


def _code_recu() -> str:
    return re.search(r"est : (\d{6})", mail.outbox[-1].body).group(1)


def _identifier(client, demande, slug=SLUG):
    _demander(client, demande.numero_unique, slug=slug)
    return client.post(url("suivi_code", slug), {"code": _code_recu()}, follow=True)


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "") and "public" not in response.get("Cache-Control", "")


def test_identification_par_code_puis_la_demande(client, demande):
    page = client.get(url("suivi"))
    assert page.status_code == 200 and _no_store(page)
    reponse = _demander(client, demande.numero_unique.replace("-", ""))
    assert MESSAGE in reponse.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["camille@example.org"]
    code = _code_recu()
    assert CodeSuivi.objects.get().empreinte != code  # stored hashed
    page = client.post(url("suivi_code"), {"code": code}, follow=True)
    html = page.content.decode()
    assert page.redirect_chain[-1][0] == url("ma_demande")
    assert f"Ma demande n° {demande.numero_unique}" in html and "Enregistrement de la demande" in html
    assert _no_store(page)
    consultation = JournalConsultation.objects.get()
    assert (consultation.canal, consultation.demande_id, consultation.identifiant) == ("SUIVI", demande.pk, "demandeur")
    # single use: the same code does not open a second session
    client.post(url("suivi_deconnexion"))
    assert client.get(url("ma_demande")).status_code == 302
    _demander(client, demande.numero_unique)
    mail.outbox.clear()
    assert "Ma demande n°" not in client.post(url("suivi_code"), {"code": code}, follow=True).content.decode()


def test_meme_reponse_que_le_numero_existe_ou_non(client, demande, territoire):
    sans_courriel = territoire.demande(["38185"], ["T3"])
    for numero, naissance in [
        ("038-2026-9999999", NAISSANCE),
        (demande.numero_unique, dt.date(1990, 1, 1)),
        (sans_courriel.numero_unique, NAISSANCE),
    ]:
        reponse = _demander(client, numero, naissance)
        assert MESSAGE in reponse.content.decode()
        assert reponse.redirect_chain[-1][0] == url("suivi_code")
    assert mail.outbox == []
    _demander(client, demande.numero_unique)
    assert len(mail.outbox) == 1


def test_code_faux_et_code_expire(client, demande):
    _demander(client, demande.numero_unique)
    code = _code_recu()
    faux = "000000" if code != "000000" else "111111"
    html = client.post(url("suivi_code"), {"code": faux}).content.decode()
    assert "Ce code n&#x27;est pas valable" in html or "Ce code n'est pas valable" in html
    assert client.get(url("ma_demande")).status_code == 302
    CodeSuivi.objects.update(expire_le=timezone.now() - dt.timedelta(seconds=1))
    client.post(url("suivi_code"), {"code": code})
    assert client.get(url("ma_demande")).status_code == 302


def test_dix_codes_faux_bloquent_le_numero_et_l_adresse(client, demande):
    _demander(client, demande.numero_unique)
    for _ in range(suivi.ECHECS_MAX):
        _demander(client, demande.numero_unique)
        client.post(url("suivi_code"), {"code": "abcdef"})
    mail.outbox.clear()
    reponse = _demander(client, demande.numero_unique)
    assert "Trop d&#x27;essais" in reponse.content.decode() or "Trop d'essais" in reponse.content.decode()
    assert mail.outbox == []  # locked: no code sent, the right code is not even looked at
    # another address is locked too for this number; this address is locked for any number
    autre = client.__class__()
    assert "Trop d" in _demander(autre, demande.numero_unique, REMOTE_ADDR="10.0.0.9").content.decode()


def test_dix_numeros_faux_bloquent_l_adresse(client, demande):
    for i in range(suivi.ECHECS_MAX):
        _demander(client, f"038-2026-{9000000 + i:07d}")
    reponse = _demander(client, demande.numero_unique)
    assert "Trop d" in reponse.content.decode() and mail.outbox == []


def test_la_session_ne_donne_que_sa_demande(client, demande, territoire):
    autre = territoire.demande(["38151"], ["T2"], email="autre@example.org")
    _identifier(client, demande)
    html = client.get(url("ma_demande"), {"demande": autre.pk, "pk": autre.pk, "numero": autre.numero_unique})
    html = html.content.decode()
    assert demande.numero_unique in html and autre.numero_unique not in html
    # a forged session value for a demand of another territory reaches nothing
    ailleurs = _autre_territoire(territoire)
    session = client.session
    session[suivi.cle_session(territoire.epci)] = {"demande": ailleurs.pk, "fin": 2**40}
    session.save()
    assert client.get(url("ma_demande")).status_code == 302
    # the session expires
    session = client.session
    session[suivi.cle_session(territoire.epci)] = {"demande": demande.pk, "fin": 1}
    session.save()
    assert client.get(url("ma_demande")).status_code == 302


def _autre_territoire(territoire):
    epci = Epci.objects.create(siren="243800604", nom="Le Grésivaudan", type=Epci.Type.CC)
    commune = Commune.objects.create(code_insee="38170", nom="Crolles", departement="38", epci=epci)
    guichet = Guichet.objects.create(epci=epci, nom="Accueil de Crolles", niveau=2, enregistreur=True, commune=commune)
    territoire.guichets.insert(0, guichet)
    territoire.communes["38170"] = commune
    try:
        return territoire.demande(["38170"], ["T2"], email="gresivaudan@example.org")
    finally:
        territoire.guichets.pop(0)


def test_demande_d_un_autre_territoire_non_identifiable_ici(client, territoire):
    ailleurs = _autre_territoire(territoire)
    assert _demander(client, ailleurs.numero_unique).status_code == 200
    assert mail.outbox == []
    slug_ailleurs = "le-gresivaudan"
    _identifier(client, ailleurs, slug=slug_ailleurs)
    assert client.get(url("ma_demande", slug_ailleurs)).status_code == 200
    assert client.get(url("ma_demande")).status_code == 302  # the session is scoped per territory


def test_renouvellement_seulement_quand_il_est_ouvert(client, demande):
    _identifier(client, demande)
    html = client.get(url("ma_demande")).content.decode()
    assert "Renouveler ma demande" not in html and "sera possible à partir du" in html
    client.post(url("suivi_renouveler"))
    demande.refresh_from_db()
    assert demande.date_dernier_renouvellement is None
    from demandes.models import Demande

    Demande.objects.filter(pk=demande.pk).update(date_depot=timezone.localdate() - dt.timedelta(days=350))
    assert "Renouveler ma demande" in client.get(url("ma_demande")).content.decode()
    html = client.post(url("suivi_renouveler"), follow=True).content.decode()
    demande.refresh_from_db()
    assert demande.date_dernier_renouvellement == timezone.localdate() and demande.statut == Statut.ACTIVE
    assert "Votre demande est renouvelée" in html
    evenement = demande.evenements.get(type=Evenement.Type.RENOUVELLEMENT)
    assert evenement.acteur is None and evenement.organisation == "Le demandeur, en ligne"


def test_rien_de_sensible_et_evenements_internes_caches(client, territoire, django_capture_on_commit_callbacks):
    grille = grille_test(territoire.epci)
    CritereCotation.objects.create(
        grille=grille, ordre=9, code="violences", libelle="Violences au sein du couple", type="PRIORITE", points=50,
        valeurs=["VIOLENCES_COUPLE"],
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        demandes_services.adopter_grille(grille, acteur=None, deliberation="Délibération test")
    demande = territoire.demande(["38185"], ["T3"], email="c@example.org", motifs=["VIOLENCES"])
    demandes_services.reconnaitre_priorite(
        demande, critere="VIOLENCES_COUPLE", source="GUICHET", reconnu_le=dt.date(2025, 2, 1), acteur=None
    )
    demandes_services.record_event(demande, Evenement.Type.ENTRETIEN, acteur=None, libelle="Notes d'entretien")
    html = _identifier(client, demande).content.decode()
    demande.refresh_from_db()
    assert f"{demande.score} points" in html
    assert "Critère de priorité, détail réservé" in html
    assert "iolence" not in html
    assert "Notes d'entretien" not in html and "Entretien" not in html


def test_lien_depuis_l_accueil_du_territoire(client, territoire):
    html = client.get(url("territoire")).content.decode()
    assert f'href="{url("suivi")}"' in html


def test_decision_de_commission_avec_rang_et_motif(client, demande):
    demandes_services.record_event(
        demande,
        Evenement.Type.DECISION_CAL,
        acteur=None,
        libelle="CALEOL du 02/11/2026, logement L00001 : attribution (rang 2)",
        detail={"decision": "ATTRIBUTION_RANG", "rang": 2, "motif": "Ressources suffisantes", "condition": ""},
    )
    html = _identifier(client, demande).content.decode()
    assert "Décisions des commissions d&#x27;attribution" in html or "Décisions des commissions d'attribution" in html
    assert "(rang 2)" in html and "motif : Ressources suffisantes" in html


def test_une_demande_radiee_ne_s_identifie_plus(client, demande):
    demandes_services.radier(demande, "RENONCIATION", acteur=None)
    _demander(client, demande.numero_unique)
    assert mail.outbox == []


def test_peu_de_demandes_comparables_le_nombre_est_masque_et_la_regle_enoncee(client, demande, territoire):
    """Platform decision 11 on the applicant's own page: a number of similar demands below the threshold of the
    territory's rule in force is not printed, and the rule applied is stated."""
    from cil.models import RegleSecret

    _identifier(client, demande)
    html = client.get(url("ma_demande")).content.decode()
    assert "moins de 10" in html  # one similar demand (this one), below the platform's 10
    assert 'id="regle-secret"' in html and "Secret statistique : Les effectifs inférieurs à 10" in html
    # the territory's own rule of 1 from today: nothing below it, nothing masked, no rule to state
    RegleSecret.objects.create(epci=territoire.epci, seuil=1, date_debut=timezone.localdate(), source="CIL")
    html = client.get(url("ma_demande")).content.decode()
    assert "moins de 10" not in html and 'id="regle-secret"' not in html
