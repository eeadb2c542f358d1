"""The reception points' monthly figures (demandes.selectors.activite_guichets): the closed months read from the
night's figures (services.calculer_activite_guichets), the current month and what the night did not count live;
the same figures either way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cil.models import Guichet
from demandes import selectors, services
from demandes.models import ActiviteGuichet, Contact, Evenement, RendezVous
from demandes.tests.factories import creer_demande

pytestmark = pytest.mark.django_db

AUJOURD_HUI = dt.date(2026, 3, 10)
DEBUT = selectors.premier_mois_d_activite(AUJOURD_HUI)


def _a(jour: dt.date, heure: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(jour, dt.time(heure, minute)))


def _enregistree(guichet, quand: dt.datetime):
    demande = creer_demande(guichet)
    Evenement.objects.filter(demande=demande, type=Evenement.Type.ENREGISTREMENT).update(date=quand)
    return demande


@pytest.fixture
def activite(monde_demandes):
    m = monde_demandes
    g, autre = (
        m.guichet,
        Guichet.objects.create(epci=m.epci, nom="Point du Sud", niveau=2, commune=m.commune, enregistreur=True),
    )
    for quand, canal, guichet in [
        (_a(dt.date(2026, 1, 31), 23, 30), "VISITE", g),  # the last evening of January (local time)
        (_a(dt.date(2026, 2, 1), 0, 10), "VISITE", g),  # just after midnight: February
        (_a(dt.date(2026, 2, 14), 9), "APPEL", g),
        (_a(dt.date(2026, 2, 20), 9), "APPEL", autre),
        (_a(dt.date(2026, 3, 9), 11), "VISITE", g),  # the current month
        (_a(dt.date(2025, 2, 27), 11), "VISITE", g),  # before the twelve months shown
    ]:
        Contact.objects.create(guichet=guichet, canal=canal, date=quand)
    d1 = _enregistree(g, _a(dt.date(2026, 2, 3), 10))
    _enregistree(g, _a(dt.date(2026, 3, 2), 10))
    _enregistree(autre, _a(dt.date(2025, 12, 31), 23, 59))
    RendezVous.objects.create(demande=d1, guichet=g, debut=_a(dt.date(2026, 2, 5), 14), statut="HONORE")
    RendezVous.objects.create(demande=d1, guichet=g, debut=_a(dt.date(2026, 2, 6), 14), statut="ANNULE")
    return m, g, autre


def _vu(lignes):
    return {(ligne["guichet_id"], ligne["mois"]): (ligne["visites"], ligne["appels"], ligne["enregistrements"],
                                                   ligne["entretiens"]) for ligne in lignes}  # fmt: skip


def test_les_chiffres_de_la_nuit_et_ceux_du_mois_en_cours_egalent_le_comptage_direct(activite):
    _m, g, autre = activite
    ids = [g.pk, autre.pk]
    attendu = {
        (g.pk, dt.date(2026, 1, 1)): (1, 0, 0, 0),
        (g.pk, dt.date(2026, 2, 1)): (1, 1, 1, 1),
        (autre.pk, dt.date(2026, 2, 1)): (0, 1, 0, 0),
        (autre.pk, dt.date(2025, 12, 1)): (0, 0, 1, 0),
        (g.pk, dt.date(2026, 3, 1)): (1, 0, 1, 0),
    }
    sans_la_nuit = selectors.activite_guichets(ids, DEBUT, AUJOURD_HUI)
    assert _vu(sans_la_nuit) == attendu
    resultat = services.calculer_activite_guichets(jour=AUJOURD_HUI)
    assert resultat["mois"][0] == "2025-04-01" and resultat["mois"][-1] == "2026-02-01"
    assert ActiviteGuichet.objects.count() == Guichet.objects.count() * 11  # every point, every closed month
    avec_la_nuit = selectors.activite_guichets(ids, DEBUT, AUJOURD_HUI)
    assert avec_la_nuit == sans_la_nuit  # the same rows, in the same order (newest month first)
    services.calculer_activite_guichets(jour=AUJOURD_HUI)  # a rerun: the same rows
    assert ActiviteGuichet.objects.count() == Guichet.objects.count() * 11
    assert selectors.activite_guichets(ids, DEBUT, AUJOURD_HUI) == sans_la_nuit


def test_un_mois_clos_est_lu_dans_les_chiffres_de_la_nuit_sans_recompter(activite):
    """With the night's figures, the request counts the current month only; a row dated in a closed month after
    the night shows from the next night on."""
    _m, g, autre = activite
    services.calculer_activite_guichets(jour=AUJOURD_HUI)
    Contact.objects.create(guichet=g, canal="APPEL", date=_a(dt.date(2026, 2, 25), 9))  # after the night
    with CaptureQueriesContext(connection) as requetes:
        lignes = _vu(selectors.activite_guichets([g.pk, autre.pk], DEBUT, AUJOURD_HUI))
    assert lignes[(g.pk, dt.date(2026, 2, 1))] == (1, 1, 1, 1)  # the night's figure
    assert lignes[(g.pk, dt.date(2026, 3, 1))] == (1, 0, 1, 0)  # live
    assert len(requetes) == 4  # the stored rows, then the current month's three counts (February not counted)
    services.calculer_activite_guichets(jour=AUJOURD_HUI)
    assert _vu(selectors.activite_guichets([g.pk], DEBUT, AUJOURD_HUI))[(g.pk, dt.date(2026, 2, 1))] == (1, 2, 1, 1)


def test_un_guichet_ouvert_apres_la_nuit_est_compte_en_direct(activite):
    m, g, _autre = activite
    services.calculer_activite_guichets(jour=AUJOURD_HUI)
    nouveau = Guichet.objects.create(epci=m.epci, nom="Point du Nord", niveau=2, commune=m.commune)
    Contact.objects.create(guichet=nouveau, canal="VISITE", date=_a(dt.date(2026, 2, 26), 9))
    lignes = _vu(selectors.activite_guichets([g.pk, nouveau.pk], DEBUT, AUJOURD_HUI))
    assert lignes[(nouveau.pk, dt.date(2026, 2, 1))] == (1, 0, 0, 0)
    assert lignes[(g.pk, dt.date(2026, 2, 1))] == (1, 1, 1, 1)


def test_la_page_du_reseau_et_la_tache_de_nuit(client, monde_demandes, activite):
    """The page shows the agent's points only, the night's figures included; the nightly task records its run."""
    from core.models import TacheExecution
    from demandes.tasks import NOM_TACHE_ACTIVITE, calculer_activite_guichets

    calculer_activite_guichets.apply()
    execution = TacheExecution.objects.get(nom=NOM_TACHE_ACTIVITE)
    assert execution.statut == TacheExecution.Statut.REUSSIE and execution.detail["lignes"] > 0
    client.force_login(monde_demandes.agent)
    lignes = client.get(reverse("demandes:reseau")).context["activite"]
    assert lignes and {ligne["guichet_id"] for ligne in lignes} <= {monde_demandes.guichet.pk}
