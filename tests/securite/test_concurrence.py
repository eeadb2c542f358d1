"""Races and double submissions on the allocation steps (vacancy candidates, commission decisions, leases).

Two agents submitting at the same moment must not both give rank 2 for one dwelling, and a form posted twice
(double click, two tabs, a retried request) must record one decision, one answer, one lease, and one event in
the demand's shared log. The database holds the net (unique presentation order per vacancy, unique decision
rank per vacancy and session); the services lock the vacancy and compare with what is already recorded.

The thread tests need real concurrent connections: PostgreSQL only (SQLite serialises every write anyway).
"""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse

from attributions import services
from attributions.models import Candidature, DecisionCaleol, Logement, ParametreAttribution, Vacance
from attributions.services import ActionRefusee
from cil.models import SeuilQuartile
from demandes.models import Evenement
from demandes.tests.factories import creer_demande

from .conftest import connecte

AUJOURD_HUI = dt.date.today()


def _parametres():
    """The national minimum of candidates (a data migration loads it; a flushed test database may lack it)."""
    ParametreAttribution.objects.get_or_create(
        code="NB_CANDIDATS_MIN",
        epci=None,
        date_debut=dt.date(2000, 1, 1),
        defaults={"valeur": 3, "source": "R. 441-3 CCH"},
    )


def vacance_en_commission(t, nb: int = 3):
    """A dwelling of territory ``t`` freed, routed to its holder, ``nb`` candidates designated, on a session."""
    _parametres()
    bailleur = t["bailleur"]
    logement = Logement.objects.create(
        identifiant=f"CONC-{t.code}",
        bailleur=t.bailleur,
        commune=t.commune,
        epci=t.epci,
        typologie="T3",
        carte_2024_connue=True,
        carte_2015_connue=True,
    )
    vacance = services.declarer_vacance(
        logement=logement, date_liberation=AUJOURD_HUI - dt.timedelta(days=5), acteur=bailleur
    )
    services.orienter_vacance(vacance=vacance, reservataire=t.reservataire, acteur=bailleur)
    demandes = [t.demande] + [
        creer_demande(t.guichet, acteur=t["agent"], nom=f"Candidat{i}", date_depot=AUJOURD_HUI - dt.timedelta(days=60))
        for i in range(nb - 1)
    ]
    services.designer_candidats(vacance=vacance, demandes=demandes, acteur=t["reservataire"])
    seance = services.creer_seance(bailleur=t.bailleur, epci=t.epci, date=AUJOURD_HUI, acteur=bailleur)
    services.inscrire_en_seance(seance=seance, vacance=Vacance.objects.get(pk=vacance.pk), acteur=bailleur)
    candidatures = list(Candidature.objects.filter(vacance=vacance).order_by("rang_propose"))
    return Vacance.objects.get(pk=vacance.pk), seance, candidatures


def evenements(candidature, type_) -> int:
    return Evenement.objects.filter(demande_id=candidature.demande_id, type=type_).count()


# --- The database constraints (any database) ------------------------------------------------------------


@pytest.mark.django_db
def test_un_ordre_de_presentation_par_place(monde_hostile):
    vacance, _, (c1, c2, _) = vacance_en_commission(monde_hostile.val)
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidature.objects.filter(pk=c2.pk).update(rang_propose=c1.rang_propose)
    assert sorted(vacance.candidatures.values_list("rang_propose", flat=True)) == [1, 2, 3]


@pytest.mark.django_db
def test_un_rang_de_decision_par_logement_et_par_seance(monde_hostile):
    _, seance, (c1, c2, c3) = vacance_en_commission(monde_hostile.val)
    Candidature.objects.filter(pk=c1.pk).update(type_decision="ATTRIBUTION_RANG", rang=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidature.objects.filter(pk=c2.pk).update(type_decision="ATTRIBUTION_RANG", rang=2)
    # candidates without a rank are many; the same rank at another session is another decision
    Candidature.objects.filter(pk__in=[c2.pk, c3.pk]).update(type_decision="NON_ATTRIBUTION", rang=None)
    autre = services.creer_seance(bailleur=seance.bailleur, epci=seance.epci, date=AUJOURD_HUI, acteur=None)
    Candidature.objects.filter(pk=c2.pk).update(seance=autre, type_decision="ATTRIBUTION_RANG", rang=2)
    assert Candidature.objects.filter(rang=2).count() == 2


@pytest.mark.django_db
def test_un_conflit_de_rang_devient_une_erreur_en_francais(monde_hostile):
    """A rank written behind the service's back (another process, a past race): the constraint refuses, the
    service says why in French, and the demand's log gets nothing."""
    _, _, (c1, c2, c3) = vacance_en_commission(monde_hostile.val)
    bailleur = monde_hostile.val["bailleur"]
    services.enregistrer_decision(candidature=c1, type_decision="ATTRIBUTION_RANG", rang=1, acteur=bailleur)
    Candidature.objects.filter(pk=c2.pk).update(type_decision="NON_ATTRIBUTION", rang=2, motif_decision="x")
    with pytest.raises(ActionRefusee, match="Un autre candidat a déjà le rang 2 pour ce logement dans cette séance"):
        services.enregistrer_decision(candidature=c3, type_decision="ATTRIBUTION_RANG", rang=2, acteur=bailleur)
    c3.refresh_from_db()
    assert (c3.type_decision, c3.rang, c3.decision_id) == ("", None, None)
    assert evenements(c3, Evenement.Type.DECISION_CAL) == 0


# --- Double submission through the pages (any database) -------------------------------------------------


@pytest.mark.django_db
def test_decision_postee_deux_fois_une_decision_un_evenement(client, monde_hostile):
    _, seance, (c1, _, _) = vacance_en_commission(monde_hostile.val)
    connecte(client, monde_hostile.val["bailleur"])
    url = reverse("attributions:seance", args=[seance.pk])
    formulaire = {"candidature": c1.pk, "type_decision": "ATTRIBUTION_RANG", "rang": "1"}
    for _ in range(2):
        reponse = client.post(url, formulaire, follow=True)
        messages = [str(m) for m in reponse.context["messages"]]
        assert messages == [f"Décision enregistrée pour {c1.demande.numero_unique}."]
    assert evenements(c1, Evenement.Type.DECISION_CAL) == 1
    assert DecisionCaleol.objects.filter(numero_unique=c1.demande.numero_unique).count() == 1
    # a real change of the decision before the household answers is recorded, with its own event
    client.post(url, {**formulaire, "type_decision": "NON_ATTRIBUTION", "rang": "", "motif": "Dossier incomplet"})
    assert evenements(c1, Evenement.Type.DECISION_CAL) == 2


@pytest.mark.django_db
def test_reponse_et_bail_postes_deux_fois(client, monde_hostile):
    vacance, _, (c1, _, _) = vacance_en_commission(monde_hostile.val)
    services.enregistrer_decision(candidature=c1, type_decision="ATTRIBUTION", acteur=monde_hostile.val["bailleur"])
    connecte(client, monde_hostile.val["bailleur"])
    reponse_url = reverse("attributions:vacance_action", args=[vacance.pk, "reponse"])
    bail_url = reverse("attributions:vacance_action", args=[vacance.pk, "bail"])
    for _ in range(2):
        suite = client.post(
            reponse_url, {"candidature": c1.pk, "reponse": "ACCEPTATION", "date_reponse": AUJOURD_HUI}, follow=True
        )
        assert [m.level_tag for m in suite.context["messages"]] == ["success"]
    assert evenements(c1, Evenement.Type.PROPOSITION) == 1
    for _ in range(2):
        suite = client.post(bail_url, {"candidature": c1.pk, "date": AUJOURD_HUI}, follow=True)
        assert [m.level_tag for m in suite.context["messages"]] == ["success"]
    assert evenements(c1, Evenement.Type.BAIL_SIGNE) == 1
    assert evenements(c1, Evenement.Type.RADIATION) == 1
    assert Vacance.objects.get(pk=vacance.pk).statut == "BAIL_SIGNE"
    # another date for a lease already signed is refused, not recorded
    autre = client.post(bail_url, {"candidature": c1.pk, "date": AUJOURD_HUI + dt.timedelta(days=1)}, follow=True)
    assert [str(m) for m in autre.context["messages"]] == [
        f"Le bail de ce candidat est déjà signé (le {AUJOURD_HUI:%d/%m/%Y})."
    ]
    assert Candidature.objects.get(pk=c1.pk).date_bail == AUJOURD_HUI


@pytest.mark.django_db
def test_designation_soumise_deux_fois(monde_hostile):
    """The same designation sent twice from the same page (the second request carries the page's stale state)."""
    _parametres()
    t = monde_hostile.val
    logement = Logement.objects.create(
        identifiant="DES-1", bailleur=t.bailleur, commune=t.commune, epci=t.epci, typologie="T3"
    )
    vacance = services.declarer_vacance(logement=logement, date_liberation=AUJOURD_HUI, acteur=t["bailleur"])
    services.orienter_vacance(vacance=vacance, reservataire=t.reservataire, acteur=t["bailleur"])
    pages = [Vacance.objects.get(pk=vacance.pk) for _ in range(2)]
    for page in pages:
        try:
            services.designer_candidats(
                vacance=page,
                demandes=[t.demande],
                exception="INSUFFISANCE",
                justification="Un seul candidat",
                acteur=t["reservataire"],
            )
        except ActionRefusee as exc:
            assert str(exc) == "Le logement a changé de statut entre-temps : rechargez la page."
    assert list(Candidature.objects.filter(vacance=vacance).values_list("rang_propose", flat=True)) == [1]
    assert Evenement.objects.filter(demande=t.demande, type=Evenement.Type.DESIGNATION).count() == 1


# --- Real concurrent connections (PostgreSQL) -----------------------------------------------------------


def sur_postgresql(test):
    """Committed data seen by another connection: a transactional test, on PostgreSQL only. A transactional
    test before it may have emptied the tables: the rows of the data migrations are loaded again first
    (``_donnees_initiales``)."""
    test = pytest.mark.usefixtures("_donnees_initiales")(pytest.mark.django_db(transaction=True)(test))
    return pytest.mark.skipif(connection.vendor != "postgresql", reason="deux connexions simultanées : PostgreSQL")(
        test
    )


def en_meme_temps(premier, second):
    """Run ``premier`` in a transaction kept open while ``second`` runs on another connection, as two requests
    arriving together; ``second`` gets one second to finish (it may be waiting for a lock), then the first
    commits. Returns each one's result or exception."""
    pret, liberer = threading.Event(), threading.Event()
    resultats: dict[str, object] = {}

    def a():
        try:
            with transaction.atomic():
                resultats["premier"] = premier()
                pret.set()
                liberer.wait(10)
        except Exception as exc:  # noqa: BLE001 - returned to the test
            resultats["premier"] = exc
        finally:
            pret.set()
            connections.close_all()

    def b():
        try:
            resultats["second"] = second()
        except Exception as exc:  # noqa: BLE001 - returned to the test
            resultats["second"] = exc
        finally:
            connections.close_all()

    fil_a = threading.Thread(target=a)
    fil_a.start()
    assert pret.wait(10)
    fil_b = threading.Thread(target=b)
    fil_b.start()
    fil_b.join(1)
    liberer.set()
    fil_a.join(10)
    fil_b.join(10)
    return resultats["premier"], resultats["second"]


@pytest.fixture
def en_commission(monde_hostile):
    # committed decisions recompute the territory's objectives (on_commit): they need the year's threshold
    SeuilQuartile.objects.create(
        epci=monde_hostile.val.epci,
        annee=AUJOURD_HUI.year,
        seuil_q1=Decimal("10716"),
        arrete="arrêté de test",
        date_effet=dt.date(AUJOURD_HUI.year, 1, 1),
        source="test",
    )
    vacance, seance, candidatures = vacance_en_commission(monde_hostile.val)
    bailleur = monde_hostile.val["bailleur"]
    premier = candidatures[0]
    services.enregistrer_decision(candidature=premier, type_decision="ATTRIBUTION_RANG", rang=1, acteur=bailleur)
    return vacance, seance, candidatures, bailleur


@sur_postgresql
def test_deux_candidats_au_rang_2_en_meme_temps(en_commission):
    vacance, _, (_, c2, c3), bailleur = en_commission

    def rang_2(candidature_id):
        return lambda: services.enregistrer_decision(
            candidature=Candidature.objects.get(pk=candidature_id),
            type_decision="ATTRIBUTION_RANG",
            rang=2,
            acteur=bailleur,
        )

    premier, second = en_meme_temps(rang_2(c2.pk), rang_2(c3.pk))
    assert isinstance(premier, Candidature)
    assert isinstance(second, ActionRefusee), second
    assert "rang 2" in str(second)
    assert list(Candidature.objects.filter(vacance=vacance, rang=2).values_list("pk", flat=True)) == [c2.pk]
    assert DecisionCaleol.objects.filter(logement=vacance.logement, rang=2).count() == 1
    assert evenements(c3, Evenement.Type.DECISION_CAL) == 0


@sur_postgresql
def test_meme_decision_soumise_deux_fois_en_meme_temps(en_commission):
    _, _, (_, c2, _), bailleur = en_commission

    def decider():
        return services.enregistrer_decision(
            candidature=Candidature.objects.get(pk=c2.pk), type_decision="ATTRIBUTION_RANG", rang=2, acteur=bailleur
        )

    premier, second = en_meme_temps(decider, decider)
    assert isinstance(premier, Candidature) and isinstance(second, Candidature), (premier, second)
    assert evenements(c2, Evenement.Type.DECISION_CAL) == 1
    assert DecisionCaleol.objects.filter(numero_unique=c2.demande.numero_unique).count() == 1


@sur_postgresql
def test_meme_bail_soumis_deux_fois_en_meme_temps(en_commission):
    vacance, _, (c1, _, _), bailleur = en_commission
    services.enregistrer_reponse(candidature=c1, reponse="ACCEPTATION", date_reponse=AUJOURD_HUI, acteur=bailleur)

    def signer():
        return services.signer_bail(
            candidature=Candidature.objects.get(pk=c1.pk), date_bail=AUJOURD_HUI, acteur=bailleur
        )

    premier, second = en_meme_temps(signer, signer)
    assert isinstance(premier, Candidature) and isinstance(second, Candidature), (premier, second)
    assert evenements(c1, Evenement.Type.BAIL_SIGNE) == 1
    assert evenements(c1, Evenement.Type.RADIATION) == 1
    assert Vacance.objects.get(pk=vacance.pk).statut == "BAIL_SIGNE"


@sur_postgresql
def test_deux_designations_en_meme_temps(monde_hostile):
    _parametres()
    t = monde_hostile.val
    logement = Logement.objects.create(
        identifiant="DES-2", bailleur=t.bailleur, commune=t.commune, epci=t.epci, typologie="T3"
    )
    vacance = services.declarer_vacance(logement=logement, date_liberation=AUJOURD_HUI, acteur=t["bailleur"])
    services.orienter_vacance(vacance=vacance, reservataire=t.reservataire, acteur=t["bailleur"])
    autre = creer_demande(t.guichet, acteur=t["agent"], nom="Concurrent")

    def designer(demande):
        return lambda: services.designer_candidats(
            vacance=Vacance.objects.get(pk=vacance.pk),
            demandes=[demande],
            exception="INSUFFISANCE",
            justification="Un seul candidat",
            acteur=t["reservataire"],
        )

    premier, second = en_meme_temps(designer(t.demande), designer(autre))
    assert isinstance(premier, Vacance)
    assert isinstance(second, ActionRefusee), second
    assert list(Candidature.objects.filter(vacance=vacance).values_list("demande_id", "rang_propose")) == [
        (t.demande.pk, 1)
    ]


@pytest.fixture
def _donnees_initiales(transactional_db):
    from tests import donnees_initiales

    donnees_initiales.recharger()
