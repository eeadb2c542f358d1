"""The demo territory gets its CIA (adopted in December 2020, in force), twelve numbered actions, a PPGDID and
local targets, among which 42,5 % of priority households for one landlord, beside the legal 25 %."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from cil.models import CibleLocale
from cil.services import import_referentiels
from core.models import User
from politique.demo import TITRE_CIA, TITRE_PPGDID
from politique.models import Action, JournalPolitique, VersionDocument

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def test_demo_cia_ppgdid_et_cibles(client, settings):
    settings.DEMO_SEEDERS = ["attributions.demo.seed", "politique.demo.seed"]
    import_referentiels(only_epci="200040715")
    call_command("seed_demo", stdout=StringIO())
    cia = VersionDocument.objects.get(document__titre=TITRE_CIA)
    assert (cia.statut, str(cia.date_adoption), cia.publie) == ("EN_VIGUEUR", "2020-12-01", True)
    assert cia.orientations.count() == 3 and cia.actions.count() == 12
    action_8 = cia.actions.get(numero=8)
    assert action_8.intitule.startswith("Cotation avant le 1er septembre 2021 ; conventions de gestion en flux")
    assert VersionDocument.objects.get(document__titre=TITRE_PPGDID).statut == "EN_VIGUEUR"
    cible = CibleLocale.objects.get(bailleur__nom="Actis")
    assert (cible.taux_texte, cible.version) == (f"42,5{NBSP}%", cia)
    journal = JournalPolitique.objects.count()
    call_command("seed_demo", stdout=StringIO())  # idempotent
    assert (Action.objects.count(), JournalPolitique.objects.count()) == (14, journal)
    # the landlord's staff sees its local target beside the legal one on the objectives page
    client.force_login(User.objects.get(username="bailleur"))
    r = client.get(reverse("attributions:tableau_de_bord"), {"annee": "2025"}).context["r"]
    actis = next(c for c in r["cibles_locales"] if c["perimetre"]["type"] == "BAILLEUR")
    assert (actis["cible"], actis["cible_legale"], actis["base"] > 0) == (0.425, 0.25, True)
    # the EPCI's staff opens the CIA and its follow-up
    client.force_login(User.objects.get(username="epci"))
    page = client.get(reverse("politique:version", args=[cia.pk]), {"annee": "2025"}).content.decode()
    assert "Action 8 : Cotation avant le 1er septembre 2021" in page and "en retard" in page
