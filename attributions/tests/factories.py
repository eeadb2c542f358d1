"""Factories for the allocation tests (factory_boy): dwellings and commission decisions with named traits.

Reference rows are fetched or created by their identity (SIREN, INSEE code, QPV code, reservation holder's
type and code), so the factories fit on ``territoire_minimal`` and ``monde_attributions`` as well as on an
empty database: ``DecisionCaleolFactory()`` alone creates Grenoble-Alpes-Métropole, Grenoble, Alpes Isère
Habitat, Action Logement and a dwelling outside any QPV.
"""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from attributions import rules
from attributions.models import DecisionCaleol, Logement
from cil.models import Bailleur, Qpv, Reservataire
from demandes.tests.factories import CommuneFactory


class BailleurFactory(DjangoModelFactory):
    class Meta:
        model = Bailleur
        django_get_or_create = ("siren",)

    siren = "552081317"
    nom = "Alpes Isère Habitat"


class QpvFactory(DjangoModelFactory):
    """The QPV Villeneuve (2024 map), in Grenoble: the one of ``territoire_minimal``."""

    class Meta:
        model = Qpv
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = "QN03807M"
    nom = "Villeneuve"
    carte = Qpv.Carte.CARTE_2024
    epci = None

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if create and extracted:
            self.communes.add(*extracted)


class ReservataireFactory(DjangoModelFactory):
    class Meta:
        model = Reservataire
        django_get_or_create = ("type", "code")

    type = Reservataire.Type.ACTION_LOGEMENT
    code = ""
    nom = "Action Logement Services"


class LogementFactory(DjangoModelFactory):
    """A T3 of Alpes Isère Habitat in Grenoble, outside any QPV (both maps known). Trait ``en_qpv``: in the QPV
    Villeneuve."""

    class Meta:
        model = Logement

    class Params:
        en_qpv = factory.Trait(qpv=factory.SubFactory(QpvFactory, epci=factory.SelfAttribute("..epci")))

    identifiant = factory.Sequence(lambda n: f"LGT-{n:05d}")
    bailleur = factory.SubFactory(BailleurFactory)
    commune = factory.SubFactory(CommuneFactory)
    epci = factory.SelfAttribute("commune.epci")
    qpv = None
    typologie = "T3"
    carte_2024_connue = True
    carte_2015_connue = True
    loyer = Decimal("452.30")


class DecisionCaleolFactory(DjangoModelFactory):
    """An allocation decided on 10 March 2025 with a lease signed on 1 April 2025, for one person earning
    2,500 € a month (30,000 € a year per consumption unit: above the first quartile), not DALO, not
    prioritised, not relocated: counted in the base of objective A and in nothing else.

    Traits:

    - ``en_qpv``: the dwelling is in the QPV Villeneuve (``qpv`` and ``en_qpv_au_bail`` follow the dwelling);
    - ``premier_quartile``: 600 € a month, below any first-quartile threshold;
    - ``reloge_anru``: a household relocated by an urban renewal operation (counts in objective A whatever
      its resources).

    Resources in ten-thousandths and consumption units are derived from the amounts and the household, as
    the F1 import derives them.
    """

    class Meta:
        model = DecisionCaleol

    class Params:
        en_qpv = factory.Trait(logement__en_qpv=True)
        premier_quartile = factory.Trait(ressources_mensuelles=Decimal("600"))
        reloge_anru = factory.Trait(relogement=DecisionCaleol.Relogement.ANRU)

    numero_unique = factory.Sequence(lambda n: f"038{n:09d}")
    date_depot = dt.date(2024, 1, 15)
    date_decision = dt.date(2025, 3, 10)
    type_decision = DecisionCaleol.Type.ATTRIBUTION
    date_bail = dt.date(2025, 4, 1)
    logement = factory.SubFactory(LogementFactory)
    bailleur = factory.SelfAttribute("logement.bailleur")
    commune = factory.SelfAttribute("logement.commune")
    epci = factory.SelfAttribute("logement.epci")
    qpv = factory.SelfAttribute("logement.qpv")
    en_qpv_au_bail = factory.LazyAttribute(lambda d: d.qpv is not None if d.date_bail else None)
    typologie = factory.SelfAttribute("logement.typologie")
    reservataire = factory.SubFactory(ReservataireFactory)
    ressources_mensuelles = Decimal("2500")
    ressources_annuelles_e4 = factory.LazyAttribute(lambda d: rules.ressources_annuelles_e4(d.ressources_mensuelles))
    nb_personnes_14_plus = 1
    nb_enfants_moins_14 = 0
    uc_dixiemes = factory.LazyAttribute(
        lambda d: rules.unites_consommation_dixiemes(d.nb_personnes_14_plus, d.nb_enfants_moins_14)
    )
