"""Platform decision 9, one answer everywhere: for the same household on the same day, the reception desk, the
candidate screen, the scoring simulation and the commission give the same consumption units and quartile.

Each is reached through the entry point its page or service uses: the desk through
``demandes.selectors.situation_ressources`` (the demand's file), the candidate screen through
``attributions.vacances.flux.enrichir`` (the vacancy's candidates page), the simulation through
``demandes.simulation.simuler``, the commission through ``attributions.services.enregistrer_decision`` (the
recorded DecisionCaleol, counted by the objectives engine's SQL condition). Alternating custody is not
modelled by the platform (a child is a member of the household or not), so it has no case here.
"""

import datetime as dt
from decimal import Decimal

import pytest

from attributions import services
from attributions.models import Candidature, DecisionCaleol
from attributions.selectors import q_premier_quartile
from attributions.tests.fabrique import creer_demande
from attributions.vacances import flux
from demandes import selectors, simulation
from demandes import services as demandes_services
from demandes.models import Demande

pytestmark = pytest.mark.django_db

JOUR = dt.date(2025, 6, 12)
SEUIL = Decimal("10716")  # the 2025 threshold of the test territory


def _membre(lien: str, naissance: dt.date, **extra) -> dict:
    return {"lien": lien, "nom": "Lefèvre", "prenom": f"{lien}-{naissance}", "date_naissance": naissance, **extra}


# name: (members, monthly resources without housing benefits, expected UC, expected first quartile)
MENAGES = {
    "seul, sous le seuil": ([], "800", "1", True),
    "seul, juste au-dessus du seuil": ([], "893.01", "1", False),  # 10,716.12 EUR per UC
    # not born on the day: no consumption unit (it would be Q1 with 1.3 UC)
    "enfant à naître": ([_membre("ENFANT", dt.date(2025, 9, 1), enfant_a_naitre=True)], "1000", "1", False),
    "enfant à naître, né le jour même": ([_membre("ENFANT", JOUR, enfant_a_naitre=True)], "1000", "1.3", True),
    # 14 on the day, 13 until tomorrow; exactly at the threshold with 1.8 UC (Q2 with 1.6)
    "enfants de 13 et 14 ans": (
        [_membre("ENFANT", dt.date(2011, 6, 12)), _membre("ENFANT", dt.date(2011, 6, 13))],
        "1607.40",
        "1.8",
        True,
    ),
    "co-demandeur": ([_membre("CO_TITULAIRE", dt.date(1990, 2, 1))], "1339.50", "1.5", True),  # exactly at it
    # docs/droit/regles.md, platform decision 5: exactly 10,716 per UC, which binary floats put in the second quartile
    "un adulte et trois enfants de moins de 14 ans": (
        [_membre("ENFANT", dt.date(2014, 9, 1)), _membre("ENFANT", dt.date(2016, 2, 3)), _membre("ENFANT", JOUR)],
        "1696.70",
        "1.9",
        True,
    ),
    "couple et enfant majeur": (
        [_membre("CO_TITULAIRE", dt.date(1984, 1, 1)), _membre("ENFANT", dt.date(2005, 3, 3))],
        "1900",
        "2",
        False,
    ),
}


def _commission(monde_attributions, demande) -> DecisionCaleol:
    """The household allocated a dwelling by the commission on JOUR, through the services the pages call."""
    bailleur = monde_attributions["staff"]["bailleur"]
    vacance = services.declarer_vacance(logement=monde_attributions["logement"], date_liberation=JOUR, acteur=bailleur)
    services.orienter_vacance(vacance=vacance, reservataire=monde_attributions["al"], acteur=bailleur, jour=JOUR)
    services.designer_candidats(
        vacance=vacance, demandes=[demande], exception="INSUFFISANCE", justification="Un seul candidat", acteur=None
    )
    seance = services.creer_seance(
        bailleur=monde_attributions["bailleur"], epci=monde_attributions["epci"], date=JOUR, acteur=bailleur
    )
    services.inscrire_en_seance(seance=seance, vacance=vacance, acteur=bailleur)
    candidature = Candidature.objects.get(vacance=vacance, demande=demande)
    services.enregistrer_decision(candidature=candidature, type_decision="ATTRIBUTION", acteur=bailleur)
    candidature.refresh_from_db()
    return candidature.decision


@pytest.mark.parametrize("nom", list(MENAGES))
def test_meme_menage_memes_unites_et_meme_quartile_partout(monde_attributions, nom):
    membres, ressources, uc, premier_quartile = MENAGES[nom]
    uc = Decimal(uc)
    demande = creer_demande(
        monde_attributions, "Lefèvre", date_depot=dt.date(2024, 1, 10), ressources=ressources, membres=membres
    )
    demande = Demande.objects.prefetch_related(*flux.PREFETCH_MENAGE).get(pk=demande.pk)

    guichet = selectors.situation_ressources(demande, JOUR)
    assert guichet.seuil_q1 == SEUIL
    assert (guichet.uc, guichet.premier_quartile) == (uc, premier_quartile)
    assert guichet.quartile == (1 if premier_quartile else 2)
    assert guichet.nb_personnes == 1 + len(membres)  # an expected child counts in the size, not in the UC

    decision = _commission(
        monde_attributions, demande
    )  # designates the household: the screen below is the same vacancy's
    (candidat,) = flux.enrichir([demande], decision.candidature.vacance, jour=JOUR)
    assert Decimal(candidat.situation.uc_dixiemes) / 10 == uc
    assert candidat.premier_quartile is premier_quartile
    assert candidat.situation.nb_personnes == guichet.nb_personnes
    assert candidat.situation.ressources_par_uc == guichet.ressources_annuelles_par_uc

    assert decision.date_decision == JOUR
    assert Decimal(decision.uc_dixiemes) / 10 == decision.unites_consommation == uc
    compte_q1 = DecisionCaleol.objects.filter(pk=decision.pk).filter(q_premier_quartile(SEUIL)).exists()
    assert compte_q1 is premier_quartile

    projet = demandes_services.creer_brouillon(epci=monde_attributions["epci"], acteur=None, nom="Projet")
    sim = simulation.simuler(projet, None, jour=JOUR)
    (ligne,) = [li for li in sim.lignes if li.demande_id == demande.pk]
    assert sim.seuil_q1 == SEUIL
    assert ligne.premier_quartile is premier_quartile
