"""The indicators against a small territory whose every figure is computed by hand (docs/observatoire.md).

Year 2025, reference date 31 December 2025, first-quartile threshold 10 716 EUR (territoire_minimal).

Demands (wished communes; first typology; situation):
  d1 filed 2024-03-01, Grenoble, T3, 500 EUR/month (first quartile), private tenant        - in force
  d2 filed 2025-02-01, Grenoble + Échirolles, T2, 3 000 EUR, hosted by a third party        - in force, new
  d3 filed 2025-06-01, Échirolles, T3, radiated 2025-09-01 (renunciation)                  - new, radiated
  d4 filed 2023-01-01, Fontaine, T4, radiated 2024-05-01                                   - nothing in 2025
  d5 filed 2025-03-01, Grenoble, T3, 2 500 EUR, social tenant asking a transfer, priority   - in force, new
  d6 filed 2026-01-10, Grenoble                                                            - nothing in 2025
Decisions (filing -> lease, else decision):
  a1 Grenoble T3 landlord A, Action Logement, allocation 2025-03-01, lease 2025-04-01, filed 2024-01-01:
     456 days, 800 EUR (first quartile), DALO
  a2 Grenoble T3 in the QPV Villeneuve, landlord A, State, under condition 2025-05-01, no lease, filed 2025-01-01:
     120 days, transfer
  a3 Échirolles T2 landlord B, Action Logement, ranked first 2025-06-01, lease 2026-01-15 (after the reference
     date: the decision date counts), filed 2023-01-01: 882 days, priority
  a4 ranked second, a5 non-allocation, a6 decided in 2024, a7 another territory: not counted
Refusals: r1 2025-07-01 rent (landlord A, Action Logement), r2 2025-08-01 location (landlord B, the City),
  r3 2024-12-20 (not in 2025).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from attributions import rules as arules
from attributions.models import Candidature, DecisionCaleol, Logement, Vacance
from attributions.tests.fabrique import creer_demande
from cil.models import Quartier, Secteur
from demandes.models import CriterePriorite, Demande

JOUR = dt.date(2025, 12, 31)
AUJOURD_HUI = dt.date(2026, 3, 1)


def _decision(
    monde,
    numero,
    logement,
    *,
    depot,
    decision,
    bail=None,
    type_="ATTRIBUTION",
    rang=None,
    mensuel="2500",
    reservataire=None,
    epci=None,
    qpv=None,
    **flags,
):
    mensuel = Decimal(mensuel)
    return DecisionCaleol.objects.create(
        numero_unique=numero,
        date_depot=depot,
        date_decision=decision,
        type_decision=type_,
        rang=rang,
        date_bail=bail,
        logement=logement,
        bailleur=logement.bailleur,
        commune=logement.commune,
        epci=epci or monde["epci"],
        qpv=qpv,
        typologie=logement.typologie,
        reservataire=reservataire or monde["al"],
        ressources_mensuelles=mensuel,
        ressources_annuelles_e4=int(mensuel * 12 * 10000),
        nb_personnes_14_plus=1,
        nb_enfants_moins_14=0,
        uc_dixiemes=arules.unites_consommation_dixiemes(1, 0),
        **flags,
    )


def _radier(demande, jour, motif="RENONCIATION"):
    Demande.objects.filter(pk=demande.pk).update(statut="RADIEE", date_radiation=jour, motif_radiation=motif)


@pytest.fixture
def monde_obs(monde_attributions):
    m = monde_attributions
    c = m["communes"]
    grenoble, echirolles, fontaine = c["38185"], c["38151"], c["38169"]
    d = {}
    d[1] = creer_demande(m, "Un", date_depot=dt.date(2024, 3, 1), ressources="500")
    d[2] = creer_demande(
        m,
        "Deux",
        date_depot=dt.date(2025, 2, 1),
        ressources="3000",
        communes=[grenoble, echirolles],
        typologies=["T2", "T3"],
        logement_actuel="HEBERGE_TIERS",
    )
    d[3] = creer_demande(m, "Trois", date_depot=dt.date(2025, 6, 1), ressources="2000", communes=[echirolles])
    _radier(d[3], dt.date(2025, 9, 1))
    d[4] = creer_demande(m, "Quatre", date_depot=dt.date(2023, 1, 1), communes=[fontaine], typologies=["T4"])
    _radier(d[4], dt.date(2024, 5, 1), "NON_RENOUVELLEMENT")
    d[5] = creer_demande(m, "Cinq", date_depot=dt.date(2025, 3, 1), ressources="2500", logement_actuel="LOCATAIRE_HLM")
    Demande.objects.filter(pk=d[5].pk).update(est_mutation=True)
    CriterePriorite.objects.create(
        demande=d[5], critere="SANS_LOGEMENT", source="GUICHET", reconnu_le=dt.date(2025, 4, 1)
    )
    d[6] = creer_demande(m, "Six", date_depot=dt.date(2026, 1, 10))

    logement_e = Logement.objects.create(
        identifiant="GH-0002", bailleur=m["autre_bailleur"], commune=echirolles, epci=m["epci"], typologie="T2"
    )
    a = {}
    a[1] = _decision(
        m,
        "A1",
        m["logement"],
        depot=dt.date(2024, 1, 1),
        decision=dt.date(2025, 3, 1),
        bail=dt.date(2025, 4, 1),
        mensuel="800",
        dalo=True,
    )
    a[2] = _decision(
        m,
        "A2",
        m["logement_qpv"],
        depot=dt.date(2025, 1, 1),
        decision=dt.date(2025, 5, 1),
        type_="ATTRIBUTION_CONDITION",
        reservataire=m["etat"],
        qpv=m["qpv"],
        mutation=True,
    )
    a[3] = _decision(
        m,
        "A3",
        logement_e,
        depot=dt.date(2023, 1, 1),
        decision=dt.date(2025, 6, 1),
        bail=dt.date(2026, 1, 15),
        type_="ATTRIBUTION_RANG",
        rang=1,
        prioritaire=True,
    )
    a[4] = _decision(
        m, "A4", logement_e, depot=dt.date(2023, 1, 2), decision=dt.date(2025, 6, 1), type_="ATTRIBUTION_RANG", rang=2
    )
    a[5] = _decision(
        m, "A5", m["logement"], depot=dt.date(2024, 1, 1), decision=dt.date(2025, 2, 1), type_="NON_ATTRIBUTION"
    )
    a[6] = _decision(m, "A6", m["logement_b"], depot=dt.date(2024, 1, 1), decision=dt.date(2024, 11, 1))
    lyon = Logement.objects.create(
        identifiant="LY-1", bailleur=m["bailleur"], commune=c["69123"], epci=m["autre_epci"], typologie="T3"
    )
    a[7] = _decision(m, "A7", lyon, depot=dt.date(2024, 1, 1), decision=dt.date(2025, 3, 1), epci=m["autre_epci"])

    def vacance(logement):
        return Vacance.objects.create(
            logement=logement,
            bailleur=logement.bailleur,
            epci=m["epci"],
            date_declaration=dt.date(2025, 1, 1),
            date_liberation=dt.date(2025, 2, 1),
        )

    v1, v2 = vacance(m["logement"]), vacance(m["logement_b"])
    maintenant = dt.datetime(2025, 6, 1, 10, tzinfo=dt.UTC)
    for rang, (v, demande, res, motif, jour) in enumerate(
        [
            (v1, d[1], m["al"], "LOYER", dt.date(2025, 7, 1)),
            (v2, d[2], m["ville"], "LOCALISATION", dt.date(2025, 8, 1)),
            (v1, d[5], m["al"], "LOYER", dt.date(2024, 12, 20)),
        ],
        start=1,
    ):
        Candidature.objects.create(
            vacance=v,
            demande=demande,
            reservataire=res,
            rang_propose=rang,
            designee_le=maintenant,
            reponse="REFUS",
            motif_refus=motif,
            date_reponse=jour,
        )
    sud = Secteur.objects.create(epci=m["epci"], nom="Sud")
    sud.communes.add(grenoble, echirolles)
    villeneuve = Quartier.objects.create(epci=m["epci"], nom="Villeneuve", type="QPV", commune=grenoble, qpv=m["qpv"])
    return {**m, "d": d, "a": a, "sud": sud, "villeneuve": villeneuve}
