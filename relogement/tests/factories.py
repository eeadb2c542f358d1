"""Factories for the relocation tests (factory_boy): households of ``monde_relogement``, with named traits.

``MenageARelogerFactory(monde=monde_relogement)`` registers a household of the world's NPNRU operation
through ``relogement.services.creer_menage``, as ``monde_relogement.menage()`` does. Trait ``reloge_anru``: the
household then goes through the social survey, one offer of a new dwelling outside QPV (Fontaine) and its
definitive relocation with a lease signed on ``date_bail``, so that it counts in objective A through the
commission decision the platform records (``relogement = "ANRU"``).
"""

import datetime as dt
from decimal import Decimal

import factory

from relogement import services
from relogement.models import MenageAReloger, Relogement
from tests.fixtures.relogement import REPONSES


class MenageARelogerFactory(factory.Factory):
    """``monde`` (a ``MondeRelogement``) is required: the operation, its building and its actors come from it.

    Two adults and two children with 1,800 € a month (first quartile in 2026), as ``monde.menage()``; pass
    ``ressources_mensuelles=Decimal("6000")`` for a household that counts in objective A only as relocated.
    """

    class Meta:
        model = MenageAReloger

    class Params:
        monde = None
        reloge_anru = factory.Trait(reloge_dans=factory.SelfAttribute("monde.logement_hors_qpv_neuf"))

    operation = factory.SelfAttribute("monde.operation")
    batiment = factory.SelfAttribute("monde.batiment")
    acteur = factory.SelfAttribute("monde.staff")
    referent = factory.SelfAttribute("monde.referent")
    reference = factory.Sequence(lambda n: f"F-{n:03d}")
    nom = factory.LazyAttribute(lambda m: f"Ménage {m.reference}")
    nb_personnes_14_plus = 2
    nb_enfants_moins_14 = 2
    ressources_mensuelles = Decimal("1800")
    loyer_avant = Decimal("420")
    charges_avant = Decimal("130")
    apl_avant = Decimal("150")
    reloge_dans = None
    date_bail = dt.date(2026, 6, 1)

    @classmethod
    def _create(cls, model_class, *, operation, acteur, referent, reloge_dans, date_bail, **champs):
        menage = services.creer_menage(operation=operation, acteur=acteur, referent=referent, **champs)
        if reloge_dans is not None:
            services.enregistrer_enquete(
                menage, reponses=REPONSES, date_enquete=date_bail - dt.timedelta(days=90), acteur=referent
            )
            proposition = services.proposer(
                menage, acteur=referent, date_proposition=date_bail - dt.timedelta(days=30), logement=reloge_dans
            )
            services.enregistrer_relogement(
                menage,
                acteur=referent,
                type=Relogement.Type.DEFINITIF,
                proposition=proposition,
                date_bail=date_bail,
                date_emmenagement=date_bail + dt.timedelta(days=5),
                loyer=Decimal("480"),
                charges=Decimal("110"),
                apl=Decimal("90"),
            )
            menage.refresh_from_db()
        return menage
