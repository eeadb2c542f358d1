"""One base for business errors, answered once (core.middleware.ErreurMetierMiddleware) with the
French message, never a 500; what is not a business error still fails loudly."""

import json
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attributions import rules as arules
from attributions import selectors as aselectors
from attributions import services as aservices
from attributions.vacances import flux, stock
from cil import demo as cdemo
from cil import services as cservices
from core.erreurs import ErreurMetier, texte_du_refus
from core.models import User
from core.pdf import RessourceRefusee
from core.tests.urls_erreurs import MESSAGE
from demandes import models as dmodels
from demandes import rules as drules
from relogement import rules as rrules

pytestmark = pytest.mark.django_db

URLS = "core.tests.urls_erreurs"


@pytest.mark.parametrize(
    "classe",
    [
        drules.DomainError,
        drules.TransitionInterdite,
        drules.ConflitDeVersion,
        dmodels.GrilleFigee,
        rrules.RegleError,
        arules.RegleError,
        aservices.ImportRejete,
        aservices.ActionRefusee,
        flux.ParametreManquant,
        stock.StockRejete,
        aselectors.ObjectifsIndisponibles,
        cservices.ReferentielError,
        cdemo.DemoError,
    ],
)
def test_chaque_refus_metier_herite_de_la_base_commune(classe):
    assert issubclass(classe, ErreurMetier)


def test_les_regle_error_restent_des_value_error():
    """Callers (and the pure rules themselves) still catch them as ValueError."""
    assert issubclass(rrules.RegleError, ValueError) and issubclass(arules.RegleError, ValueError)


@pytest.mark.parametrize("classe", [dmodels.JournalImmuable, RessourceRefusee])
def test_une_garde_interne_n_est_pas_un_refus_metier(classe):
    """A breached invariant or a security guard is a bug to see in the error log, not a message."""
    assert not issubclass(classe, ErreurMetier)


@pytest.fixture
def agent(client):
    user = User.objects.create_user(username="agent", password="x")
    client.force_login(user)
    return user


@pytest.mark.urls(URLS)
def test_une_page_qui_refuse_affiche_le_message_en_400(client, agent):
    reponse = client.get("/essai/refus/")
    assert reponse.status_code == 400
    assert [t.name for t in reponse.templates][0] == "core/erreur_metier.html"
    assert [str(m) for m in reponse.context["messages"]] == [MESSAGE]
    html = unescape(reponse.content.decode())
    assert f'<div class="alert alert-danger"\n               role="alert">{MESSAGE}</div>' in html
    assert "Opération impossible" in html
    assert 'href="/"' in html  # back to the home page: the origin is unknown


@pytest.mark.urls(URLS)
def test_un_formulaire_refuse_revient_sur_sa_page_avec_le_message(client, agent):
    reponse = client.post("/essai/refus/", HTTP_REFERER="http://testserver/")
    assert reponse.status_code == 302 and reponse["Location"] == "http://testserver/"
    page = client.get(reponse["Location"])
    assert page.status_code == 200
    assert MESSAGE in unescape(page.content.decode())
    assert 'class="alert alert-danger"' in page.content.decode()


@pytest.mark.urls(URLS)
@pytest.mark.parametrize("referer", ["https://autre.example/", "//autre.example/", "javascript:alert(1)", ""])
def test_sans_page_d_origine_du_site_la_page_400_et_pas_de_redirection(client, agent, referer):
    entetes = {"HTTP_REFERER": referer} if referer else {}
    reponse = client.post("/essai/refus/", **entetes)
    assert reponse.status_code == 400
    assert [str(m) for m in reponse.context["messages"]] == [MESSAGE]
    html = reponse.content.decode()
    assert MESSAGE in unescape(html) and "autre.example" not in html and "javascript:" not in html


@pytest.mark.urls(URLS)
def test_htmx_recoit_le_message_seul(client, agent):
    reponse = client.post("/essai/refus/", HTTP_HX_REQUEST="true", HTTP_REFERER="http://testserver/")
    assert reponse.status_code == 400
    assert reponse["Content-Type"].startswith("text/plain")
    assert reponse.content.decode() == MESSAGE


@pytest.mark.urls(URLS)
@pytest.mark.parametrize("url", ["/api/essai/refus/", "/api/essai/refus-drf/"])
def test_l_api_repond_400_en_json(client, agent, url):
    reponse = client.get(url)
    assert reponse.status_code == 400
    assert json.loads(reponse.content) == {"detail": MESSAGE}


@pytest.mark.urls(URLS)
def test_une_autre_exception_n_est_pas_avalee(client, agent):
    with pytest.raises(RuntimeError, match="pas une erreur métier"):
        client.get("/essai/panne/")


@pytest.mark.urls(URLS)
def test_une_page_sans_refus_n_est_pas_touchee(client, agent):
    reponse = client.post("/essai/accepte/", HTTP_REFERER="http://testserver/")
    assert reponse.status_code == 200 and reponse.content == b"fait"


def test_une_vraie_vue_qui_ne_rattrape_plus_le_refus_donne_le_message_pas_une_500(client):
    """demandes.views.fiche.reactiver no longer catches the refusal itself: reactivating an active demand."""
    from cil.models import Membership
    from core.roles import Role
    from demandes.tests.factories import GuichetFactory, creer_demande

    guichet = GuichetFactory()
    agent = User.objects.create_user(username="agent", password="x")
    Membership.objects.create(user=agent, role=Role.AGENT_ACCUEIL, epci=guichet.epci, guichet=guichet)
    demande = creer_demande(guichet, acteur=agent)
    client.force_login(agent)
    fiche = reverse("demandes:fiche", args=[demande.pk])
    attendu = "Cette demande ne peut plus être réactivée (motif ou délai) : il faut déposer une nouvelle demande."

    reponse = client.post(reverse("demandes:reactiver", args=[demande.pk]), HTTP_REFERER=f"http://testserver{fiche}")
    assert reponse.status_code == 302 and reponse["Location"].endswith(fiche)
    assert attendu in unescape(client.get(fiche).content.decode())

    sans_origine = client.post(reverse("demandes:reactiver", args=[demande.pk]))
    assert sans_origine.status_code == 400 and attendu in unescape(sans_origine.content.decode())
    demande.refresh_from_db()
    assert demande.statut == "ACTIVE" and not demande.transitions.exists()


@pytest.mark.parametrize(
    ("exc", "separateur", "attendu"),
    [
        (ErreurMetier("Refusé."), " ", "Refusé."),
        (ValidationError(["Un.", "Deux."]), " ", "Un. Deux."),
        (ValidationError(["Un.", "Deux."]), "; ", "Un.; Deux."),
        (ValidationError({"date": ["Date requise."], "nom": ["Nom requis."]}), " ", "Date requise. Nom requis."),
    ],
)
def test_le_texte_d_un_refus(exc, separateur, attendu):
    assert texte_du_refus(exc, separateur=separateur) == attendu
