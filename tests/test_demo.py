"""The demonstration's data (``seed_demo`` with the seeders of the demands, the allocations, the national format,
the local policy, the observatory and the conference), seeded once for this module: what each of those demos
promises, then a second run that changes nothing.

Seeding takes about half a minute (three years of commission decisions, thousands of demands): the module seeds
once, in a transaction of its own, as Django's ``setUpTestData`` does for a class. Each test runs inside it in
its own savepoint (pytest-django's ``db``), rolled back after the test, so what a test writes (a session, a
journal row, the second run below) never reaches the next one; after the last test the module's transaction is
rolled back too, so no demo row reaches another module. No test here may be transactional (``transaction=True``,
``live_server``, the Celery worker): its flush would empty the shared data. ``tests/test_browser_csp.py`` seeds
its own committed demo for the live server.

The checks of a single seeder run on its own (the territory and its accounts, the relocation and demands demos
with their determinism) stay in each app's ``tests/test_demo.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from tests import donnees_initiales

pytestmark = pytest.mark.django_db

GRENOBLE_METRO = "200040715"
NBSP = "\u00a0"


# The seeders whose demo this module checks (the others have their own tests, on a seeder run on its own); in the
# order of settings.DEMO_SEEDERS. core.demo.seed is left out: it gives the EPCI's staff a second factor, which
# the pages opened here would ask for.
SEEDERS = {
    "demandes.demo.seed",
    "attributions.demo.seed",
    "sne.demo.seed",
    "politique.demo.seed",
    "observatoire.demo.seed",
    "conference.demo.seed",
}


@dataclass(frozen=True)
class Demo:
    sortie: str  # what the first run of seed_demo wrote
    au_commit: list[Callable[[], object]]  # the callbacks its transactions left to run on commit (not run)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Demo]:
    """The demo on the reference data of Grenoble-Alpes-Métropole, seeded once for the module and rolled back after
    its last test. What the seeders leave to run on commit (the 2025 balance sheet's production, a PDF built by
    the worker) is kept, not run: the test of the balance sheet runs it. The private files (the balance sheet,
    the conference's document) go to a temporary folder."""
    from django.conf import settings

    from cil.services import import_referentiels

    seeders = [s for s in settings.DEMO_SEEDERS if s in SEEDERS]
    assert len(seeders) == len(SEEDERS), "un module de démonstration vérifié ici n'est plus dans DEMO_SEEDERS"
    prive = settings.STORAGES["prive"]
    stockage = {**prive, "OPTIONS": {**prive.get("OPTIONS", {}), "location": str(tmp_path_factory.mktemp("prive"))}}
    with override_settings(STORAGES={**settings.STORAGES, "prive": stockage}, DEMO_SEEDERS=seeders):
        with django_db_blocker.unblock():
            # the module's transaction, marked as a test case's so that the code's durable blocks are allowed
            atomics = TestCase._enter_atomics()
        try:
            with django_db_blocker.unblock():
                # a transactional test before this module may have flushed the rows of the data migrations
                if donnees_initiales.manquantes():
                    donnees_initiales.recharger()
                import_referentiels(only_epci=GRENOBLE_METRO)
                sortie = StringIO()
                with TestCase.captureOnCommitCallbacks() as au_commit:
                    call_command("seed_demo", stdout=sortie)
                # the deferred checks of the foreign keys, run once here as a commit would: else each test's
                # teardown (TestCase checks the constraints before its rollback) would check every seeded row again
                connection.check_constraints()
            yield Demo(sortie=sortie.getvalue(), au_commit=au_commit)
        finally:
            with django_db_blocker.unblock():
                TestCase._rollback_atomics(atomics)


# The journals of the imports: a second run imports the demo's files again, and each import is recorded.
JOURNAUX_D_IMPORT = {"attributions.LotImport", "sne.FichierSne"}


def comptes() -> dict[str, int]:
    """The number of rows of every model, but the journals of the imports."""
    return {
        m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.label not in JOURNAUX_D_IMPORT
    }


# --------------------------------------------------------------------------- attributions


def test_des_objectifs_realistes(demo, client):
    from attributions.models import DecisionCaleol
    from attributions.selectors import calcule_objectifs_epci
    from cil.models import Epci
    from core.models import User

    assert DecisionCaleol.objects.count() > 5000
    epci = Epci.objects.get(siren=GRENOBLE_METRO)
    resultat = calcule_objectifs_epci(epci, 2025)
    assert resultat["hors_qpv"]["base"] > 1000
    assert 0.15 < resultat["hors_qpv"]["taux"] < 0.35
    assert 0.45 < resultat["qpv"]["taux"] < 0.75
    assert len(resultat["reservataires"]) >= 10
    assert len(resultat["secteurs"]) == 5
    client.force_login(User.objects.get(username="epci"))
    response = client.get(reverse("attributions:tableau_de_bord"), {"annee": "2025"})
    assert response.status_code == 200
    assert response.context["r"]["hors_qpv"]["base"] == resultat["hors_qpv"]["base"]


# --------------------------------------------------------------------------- observatoire


@pytest.mark.pdf
def test_le_bilan_de_la_cil_et_l_indice_des_quartiers(demo, django_capture_on_commit_callbacks):
    from cil.models import ClassementQuartiers
    from observatoire.demo import ANNEE_DEMO
    from observatoire.models import BilanAnnuel

    # what the seeding left to run on commit, run as the worker would after it (with what those callbacks leave)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in demo.au_commit:
            callback()
    bilan = BilanAnnuel.objects.get(annee=ANNEE_DEMO, kind=BilanAnnuel.Kind.CIL)
    assert bilan.statut == BilanAnnuel.Statut.PRET
    assert bilan.demande_par.username == "epci"
    # the neighbourhood index: classified at the end of the year and today, at least one neighbourhood per class
    classements = list(ClassementQuartiers.objects.order_by("jour"))
    assert [c.jour.year for c in classements][0] == ANNEE_DEMO and len(classements) == 2
    resultats = classements[-1].resultats.all()
    assert {r.classe_libelle for r in resultats} == {"vigilance", "équilibre", "attractif"}
    assert all(r.score is not None for r in resultats)


def test_les_indicateurs(demo, client):
    from core.models import User
    from observatoire.demo import ANNEE_DEMO
    from observatoire.indicateurs import valeurs_par_commune
    from observatoire.models import CalculIndicateurs, Indicateur, IndicateurTerritoire

    calcul = CalculIndicateurs.objects.get(annee=ANNEE_DEMO)
    figures = IndicateurTerritoire.objects.filter(calcul=calcul, niveau="EPCI", cle="", detail="", typologie="")
    valeurs = dict(figures.filter(bailleur=None, reservataire=None).values_list("indicateur", "valeur"))
    for indicateur in (Indicateur.DEMANDES_EN_COURS, Indicateur.ATTRIBUTIONS, Indicateur.DELAI_MEDIAN):
        assert valeurs.get(indicateur), indicateur
    assert valeurs_par_commune(calcul.epci, ANNEE_DEMO, Indicateur.PRESSION)
    client.force_login(User.objects.get(username="epci"))
    r = client.get(f"/observatoire/indicateurs/{calcul.epci.siren}/{ANNEE_DEMO}/")
    assert r.status_code == 200 and r.context["lignes"]


def test_le_tableau_de_l_etat(demo):
    """Rates calibrated on published orders of magnitude, dwellings with their details, and the older extract's
    unknown situations said."""
    from attributions.models import Logement
    from cil.models import Epci
    from observatoire import etat

    epci = Epci.objects.get(siren=GRENOBLE_METRO)
    t = etat.tableau_etat(epci, 2025, dt.date(2025, 12, 31), etat.Perimetre(entier=True))
    n = t.total.chiffres
    assert n["attributions"] > 1000
    assert 0.16 <= n["prioritaires"] / n["attributions"] <= 0.24
    assert 0.01 <= n["dalo"] / n["attributions"] <= 0.06
    assert 0.14 <= n["premier_quartile"] / n["attributions"] <= 0.20
    assert 0.03 <= n["sortants_hebergement"] / n["attributions"] <= 0.12
    assert 0.005 <= n["sans_abri"] / n["attributions"] <= 0.05
    assert 0 < n["prioritaires__qpv"] < n["prioritaires"]
    # the leases of 2025 that follow a decision of 2024 come from the 2024 extract: situation unknown
    assert 0 < t.total.inconnues["sans_abri"] < 0.15 * n["attributions"]
    # the 2024 extract predates the situation columns: said unknown
    t2024 = etat.tableau_etat(epci, 2024, dt.date(2024, 12, 31), etat.Perimetre(entier=True))
    assert t2024.total.inconnues["sans_abri"] == t2024.total.chiffres["attributions"] > 0
    # the demo dwellings have an address, a living area, a financing, a rent and a first letting
    logements = Logement.objects.filter(identifiant__startswith="DEMO-0")
    assert logements.count() > 5000
    assert not logements.filter(adresse="").exists()
    assert not logements.filter(surface=None).exists() and not logements.filter(loyer=None).exists()
    assert set(logements.values_list("financement", flat=True)) == {"PLAI", "PLUS", "PLS"}
    assert not logements.filter(date_premiere_location=None).exists()


# --------------------------------------------------------------------------- politique


def test_la_cia_le_ppgdid_et_les_cibles_locales(demo, client):
    """The CIA (adopted in December 2020, in force), twelve numbered actions, a PPGDID and local targets, among
    which 42,5 % of priority households for one landlord, beside the legal 25 %."""
    from cil.models import CibleLocale
    from core.models import User
    from politique.demo import TITRE_CIA, TITRE_PPGDID
    from politique.models import VersionDocument

    cia = VersionDocument.objects.get(document__titre=TITRE_CIA)
    assert (cia.statut, str(cia.date_adoption), cia.publie) == ("EN_VIGUEUR", "2020-12-01", True)
    assert cia.orientations.count() == 3 and cia.actions.count() == 12
    action_8 = cia.actions.get(numero=8)
    assert action_8.intitule.startswith("Cotation avant le 1er septembre 2021 ; conventions de gestion en flux")
    assert VersionDocument.objects.get(document__titre=TITRE_PPGDID).statut == "EN_VIGUEUR"
    cible = CibleLocale.objects.get(bailleur__nom="Actis")
    assert (cible.taux_texte, cible.version) == (f"42,5{NBSP}%", cia)
    # the landlord's staff sees its local target beside the legal one on the objectives page
    client.force_login(User.objects.get(username="bailleur"))
    r = client.get(reverse("attributions:tableau_de_bord"), {"annee": "2025"}).context["r"]
    actis = next(c for c in r["cibles_locales"] if c["perimetre"]["type"] == "BAILLEUR")
    assert (actis["cible"], actis["cible_legale"], actis["base"] > 0) == (0.425, 0.25, True)
    # the EPCI's staff opens the CIA and its follow-up
    client.force_login(User.objects.get(username="epci"))
    page = client.get(reverse("politique:version", args=[cia.pk]), {"annee": "2025"}).content.decode()
    assert "Action 8 : Cotation avant le 1er septembre 2021" in page and "en retard" in page


# --------------------------------------------------------------------------- conference


@pytest.mark.pdf  # the upcoming meeting's document is rendered by WeasyPrint
def test_la_conference(demo, client):
    """49 titulars in office, the December 2020 deliberations with the counts of the record, the 2025 balance sheet
    reviewed, one upcoming meeting convened; the demo CIL member sees it all."""
    from cil.models import Epci
    from conference.demo import SEANCE_BILAN, SEANCE_CIA
    from conference.models import Deliberation, Instance, Seance
    from core.models import User

    epci = Epci.objects.get(siren=GRENOBLE_METRO)
    pleniere = Instance.objects.get(epci=epci, type="PLENIERE")
    assert pleniere.membres.titulaires().en_exercice(SEANCE_CIA).count() == 49
    assert pleniere.membres.titulaires().en_exercice(timezone.localdate()).count() == 49
    assert set(pleniere.membres.exclude(copresidence="").values_list("copresidence", flat=True)) == {
        "PREFET",
        "PRESIDENT_EPCI",
    }
    assert Instance.objects.filter(epci=epci).count() == 4
    cia = Deliberation.objects.filter(date=SEANCE_CIA).order_by("rang")
    assert [d.numero for d in cia] == ["2020-01", "2020-02"]
    assert (
        cia[0].ligne == "membres en exercice 49, présents 36, pouvoirs 7, votants 43 : pour 43, contre 0, abstention 0"
    )
    assert cia[0].resultat == "ADOPTE"
    bilan = Deliberation.objects.get(date=SEANCE_BILAN)
    assert bilan.numero == f"{SEANCE_BILAN.year}-01" and bilan.point.annee_bilan == 2025
    prochaine = Seance.objects.get(instance=pleniere, date__gte=timezone.localdate())
    assert prochaine.statut == "CONVOQUEE" and prochaine.documents.count() == 1
    assert prochaine.points.count() >= 2
    client.force_login(User.objects.get(username="membre"))
    espace = client.get(reverse("conference:espace")).content.decode()
    assert "2020-01" in espace and "Note de présentation" in espace
    assert "Paul Lefèvre" in client.get(reverse("conference:instance", args=[pleniere.pk])).content.decode()


# --------------------------------------------------------------------------- sne


def test_le_format_national(demo):
    from attributions.models import DecisionCaleol
    from demandes.models import Demande
    from sne.demo import NUD_ATTRIBUTION
    from sne.exemples import NUD

    assert "Format national" in demo.sortie
    assert Demande.objects.get(numero_national=NUD).statut == "ACTIVE"
    radiee = Demande.objects.get(numero_national=NUD_ATTRIBUTION)
    assert radiee.motif_radiation == "ATTRIBUTION"
    assert DecisionCaleol.objects.filter(numero_unique=radiee.numero_unique, reservataire_a_qualifier=True).count() == 1


# --------------------------------------------------------------------------- a second run


def test_une_seconde_execution_ne_change_rien(demo):
    """``seed_demo`` again on the seeded demo: not a row more or less in any table (the journals of the imports
    record the second import of the same files)."""
    from attributions.models import DecisionCaleol
    from cil.models import ClassementQuartiers
    from conference.models import Deliberation, Instance, JournalConference, Seance
    from demandes.models import Demande
    from observatoire.models import BilanAnnuel
    from politique.models import Action, JournalPolitique

    pleniere = Instance.objects.get(epci__siren=GRENOBLE_METRO, type="PLENIERE")

    def conference():
        return [m.objects.count() for m in (Deliberation, Seance, JournalConference)] + [pleniere.membres.count()]

    avant = comptes()
    decisions, demandes, journal, seances = (
        DecisionCaleol.objects.count(),
        Demande.objects.count(),
        JournalPolitique.objects.count(),
        conference(),
    )
    sortie = StringIO()
    call_command("seed_demo", stdout=sortie)
    assert comptes() == avant
    # attributions: the same F1 files imported again create no decision
    assert DecisionCaleol.objects.count() == decisions
    assert "0 créées" in sortie.getvalue()
    # observatoire: the balance sheet produced the first time is kept, the neighbourhoods are not classified again
    assert BilanAnnuel.objects.count() == 1
    assert ClassementQuartiers.objects.count() == 2
    # politique: the same actions, no journal entry
    assert (Action.objects.count(), JournalPolitique.objects.count()) == (14, journal)
    # conference, sne
    assert conference() == seances
    assert (Demande.objects.count(), DecisionCaleol.objects.count()) == (demandes, decisions)
