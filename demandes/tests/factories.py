"""Factories with named traits for demands (factory_boy, Faker fr_FR)."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from cil.models import Commune, Epci, Guichet
from demandes import services
from demandes.models import Demande


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
