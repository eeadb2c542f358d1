"""The follow-up report of the CIA, rendered by WeasyPrint and read back: each action's status and milestones,
its indicators measured now, each local target against its result, beside the legal target."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cil.models import Objectif
from politique import pdf, services
from tests.fixtures.politique import adopter_cia

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


def texte(octets: bytes) -> str:
    reader = PdfReader(io.BytesIO(octets))
    return re.sub(r"[\u00a0\u202f\s]+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def test_bilan_de_suivi_de_la_cia(client, monde_politique):
    version = adopter_cia(monde_politique)
    acteur = monde_politique["users"]["epci"]
    action = version.actions.get()
    services.enregistrer_avancement(action, acteur=acteur, statut="EN_COURS", commentaire="Commission trimestrielle.")
    services.creer_cible(
        epci=monde_politique["epci"],
        acteur=acteur,
        objectif=Objectif.PRIORITAIRES,
        taux=Decimal("0.425"),
        bailleur=monde_politique["bailleur"],
        date_debut=dt.date(2021, 3, 1),
        version=version,
        article="article 5.2",
    )
    octets = pdf.suivi_pdf(version, annee=2025, auteur="Claire Rousseau")
    reader = PdfReader(io.BytesIO(octets))
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.metadata.title == "Bilan de suivi 2025 – CIA de la Métropole"
    t = texte(octets)
    assert "Délibération n° 2020-12-01" in t
    assert "1 action : 1 en cours ; 1 en retard sur son calendrier" in t  # the milestone of 1 Sept. 2021 is not done
    assert "Action 1 : Prioritaires chez le bailleur" in t and "Avancement : Commission trimestrielle." in t
    assert "non, échéance dépassée" in t
    # the indicator, measured now by the objectives engine: 4 of the landlord's 10 allocations of 2025
    assert "Prioritaires du bailleur" in t and "40,0 %" in t and "42,5 %" in t
    # the local target against its result, beside the legal 25 %, with its source
    nom = re.escape(monde_politique["bailleur"].nom)
    ligne = re.search(
        rf"Par réservataire : DALO ou prioritaires \(C\) {nom} 25 % 42,5 % 40,0 % \(4 sur 10\) non atteinte", t
    )
    assert ligne, t
    assert "article 5.2" in t
    # the page offers it to the EPCI staff and CIL members only
    url = reverse("politique:suivi_pdf", args=[version.pk])
    client.force_login(monde_politique["users"]["membre"])
    reponse = client.get(url, {"annee": "2025"})
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"
    client.force_login(monde_politique["users"]["bailleur"])
    assert client.get(url).status_code == 403
    client.force_login(monde_politique["users"]["etranger"])
    assert client.get(url).status_code == 404
