"""Factories for demands (factory_boy): reference rows, and ``DemandeFactory`` with named traits.

``creer_demande`` registers a plain demand; ``DemandeFactory`` does the same through the same service and adds
what a household's situation needs, by trait: ``dalo``, ``prioritaire``, ``premier_quartile``,
``enfant_a_naitre``. Traits combine: ``DemandeFactory(guichet=g, dalo=True, enfant_a_naitre=True)``.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from cil.models import Commune, Epci, Guichet
from demandes import services
from demandes.models import CriterePriorite, Demande, MembreMenage, Ressource


class EpciFactory(DjangoModelFactory):
    class Meta:
        model = Epci
        django_get_or_create = ("siren",)

    siren = "200040715"
    nom = "Grenoble-Alpes-Métropole"
    type = Epci.Type.METROPOLE


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code_insee",)

    code_insee = "38185"
    nom = "Grenoble"
    departement = "38"
    epci = factory.SubFactory(EpciFactory)


class GuichetFactory(DjangoModelFactory):
    class Meta:
        model = Guichet

    epci = factory.SubFactory(EpciFactory)
    nom = factory.Sequence(lambda n: f"Guichet n° {n}")
    niveau = Guichet.Niveau.NIVEAU_2
    enregistreur = True
    adresse = "1 place de la Mairie"
    commune = factory.SubFactory(CommuneFactory, epci=factory.SelfAttribute("..epci"))


def donnees_demandeur(**overrides) -> dict:
    donnees = {
        "nom": "Lefèvre",
        "prenom": "Amélie",
        "date_naissance": dt.date(1988, 4, 12),
        "sexe": Demande.Sexe.F,
        "nationalite": Demande.Nationalite.FRANCAISE,
        "adresse": "12 rue des Alpes",
        "code_postal": "38000",
        "ville": "Grenoble",
        "email": "amelie.lefevre@example.org",
        "situation_familiale": Demande.SituationFamiliale.CELIBATAIRE,
        "situation_professionnelle": Demande.SituationProfessionnelle.CDI,
        "logement_actuel": Demande.LogementActuel.LOCATAIRE_PRIVE,
        "motifs": [Demande.Motif.TROP_CHER],
        "typologies": ["T2", "T3"],
    }
    donnees.update(overrides)
    return donnees


def creer_demande(guichet, *, acteur=None, date_depot=None, membres=(), ressources=None, **overrides) -> Demande:
    if ressources is None:
        ressources = [{"membre_index": None, "nature": "SALAIRE", "montant_mensuel": Decimal("1500.00")}]
    return services.enregistrer_demande(
        guichet=guichet,
        donnees=donnees_demandeur(**overrides),
        membres=list(membres),
        ressources=ressources,
        acteur=acteur,
        date_depot=date_depot,
    )


class DemandeFactory(factory.Factory):
    """A demand registered at a reception point through ``services.enregistrer_demande``, so that its number,
    event log and score are those a reception desk would have produced.

    Any field of ``donnees_demandeur`` can be passed (``nom``, ``logement_actuel``, ...); ``membres``,
    ``ressources`` and ``communes`` as the service takes them. Traits:

    - ``dalo``: a favourable DALO decision (``dalo_le``, 30 days ago by default);
    - ``prioritaire``: the L. 441-1 criterion ``SANS_LOGEMENT`` recognised by the reception point
      (``priorites`` lists the criteria);
    - ``premier_quartile``: 600 € a month (RSA) for the whole household, below any first-quartile threshold
      (about 10,000 € a year per consumption unit);
    - ``enfant_a_naitre``: a child expected in three months (``MembreMenage.enfant_a_naitre``).
    """

    class Meta:
        model = Demande

    class Params:
        dalo = factory.Trait(dalo_le=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30)))
        prioritaire = factory.Trait(priorites=[CriterePriorite.Critere.SANS_LOGEMENT])
        premier_quartile = factory.Trait(
            ressources=[{"membre_index": None, "nature": Ressource.Nature.RSA, "montant_mensuel": Decimal("600.00")}]
        )
        enfant_a_naitre = factory.Trait(
            membres=factory.LazyFunction(
                lambda: [
                    {
                        "lien": MembreMenage.Lien.ENFANT,
                        "nom": "Lefèvre",
                        "prenom": "Bébé",
                        "date_naissance": timezone.localdate() + dt.timedelta(days=90),
                        "enfant_a_naitre": True,
                    }
                ]
            )
        )

    guichet = factory.SubFactory(GuichetFactory)
    acteur = None
    date_depot = None
    membres = ()
    ressources = None
    communes = ()
    dalo_le = None
    priorites = ()

    @classmethod
    def _create(
        cls, model_class, *, guichet, acteur, date_depot, membres, ressources, communes, dalo_le, priorites, **donnees
    ):
        if ressources is None:
            ressources = [{"membre_index": None, "nature": "SALAIRE", "montant_mensuel": Decimal("1500.00")}]
        demande = services.enregistrer_demande(
            guichet=guichet,
            donnees=donnees_demandeur(**donnees),
            membres=list(membres),
            ressources=ressources,
            communes=communes,
            acteur=acteur,
            date_depot=date_depot,
        )
        if dalo_le is not None:
            services.enregistrer_dalo(demande, date_decision=dalo_le, commission="COMED de l'Isère", acteur=acteur)
        for critere in priorites:
            services.reconnaitre_priorite(
                demande,
                critere=critere,
                source=CriterePriorite.Source.GUICHET,
                reconnu_le=timezone.localdate() - dt.timedelta(days=10),
                acteur=acteur,
            )
        demande.refresh_from_db()
        return demande
