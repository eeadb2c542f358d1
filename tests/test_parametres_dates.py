"""Dated parameter tables (core.periodes): one row in force per scope and day, enforced by the database
(same start) and by clean() (overlapping periods, French message); no silent fallback to values in the code
when no row is in force."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from attributions.models import ParametreAttribution
from attributions.vacances import flux
from cil.models import TauxLegal
from cil.selectors import taux_legal_en_vigueur
from demandes import rules as drules
from demandes import selectors as dselectors
from demandes.models import ParametresDemande
from demandes.tests.factories import EpciFactory
from relogement import rules as rrules
from relogement import selectors as rselectors
from relogement.models import ParametresRelogement

pytestmark = pytest.mark.django_db
D = dt.date


def _attribution(**kw):
    valeurs = {"code": "NB_CANDIDATS_MIN", "valeur": Decimal("4"), "source": "décret de test", **kw}
    return ParametreAttribution(**valeurs)


def _demande(**kw):
    return ParametresDemande(**{"validite_mois": 24, "source": "décret de test", **kw})


def _taux(**kw):
    return TauxLegal(**{"objectif": "HORS_QPV", "taux": Decimal("0.30"), "source": "loi de test", **kw})


# (builder of a new national row, the national row loaded by the migration, the value read on a day, the
# field holding the value and the new row's value)
CAS = {
    "attributions": (
        _attribution,
        lambda: ParametreAttribution.objects.get(code="NB_CANDIDATS_MIN", epci=None),
        lambda jour: flux.parametres_en_vigueur(jour)["NB_CANDIDATS_MIN"],
        "valeur",
        Decimal("4"),
    ),
    "demandes": (
        _demande,
        lambda: ParametresDemande.objects.get(epci=None),
        lambda jour: dselectors.parametres_pour(None, jour).validite_mois,
        "validite_mois",
        24,
    ),
    "taux_legaux": (
        _taux,
        lambda: TauxLegal.objects.get(objectif="HORS_QPV"),
        lambda jour: taux_legal_en_vigueur("HORS_QPV", jour),
        "taux",
        Decimal("0.30"),
    ),
}


@pytest.mark.parametrize("cas", CAS)
def test_a_new_value_must_follow_the_one_in_force(cas):
    nouvelle, en_vigueur, lue, champ, valeur = CAS[cas]
    ancienne = en_vigueur()
    assert ancienne.source and ancienne.date_fin is None  # the migration's row, with its source
    ligne = nouvelle(date_debut=D(2027, 1, 1))
    with pytest.raises(ValidationError) as erreur:
        ligne.full_clean()
    message = " ".join(erreur.value.messages)
    assert "chevauche" in message and f"du {ancienne.date_debut:%d/%m/%Y} sans date de fin" in message
    assert "date de fin antérieure au 01/01/2027" in message
    # Closing the row in force the day before: the periods follow each other.
    ancienne.date_fin = D(2026, 12, 31)
    ancienne.full_clean()
    ancienne.save()
    ligne.full_clean()
    ligne.save()
    assert lue(D(2026, 12, 31)) == getattr(ancienne, champ) != valeur
    assert lue(D(2027, 1, 1)) == valeur
    # Reopening the old row, or a row inside the new one's period, is refused.
    ancienne.date_fin = None
    with pytest.raises(ValidationError, match="chevauche"):
        ancienne.full_clean()
    with pytest.raises(ValidationError, match="date de fin antérieure au 01/01/2028"):
        nouvelle(date_debut=D(2028, 1, 1), date_fin=D(2028, 6, 30)).full_clean()
    with pytest.raises(ValidationError, match="Modifiez les dates"):
        nouvelle(date_debut=D(2026, 6, 1), date_fin=D(2027, 1, 1)).full_clean()  # one common day is enough


@pytest.mark.parametrize("cas", CAS)
def test_the_database_refuses_two_rows_starting_the_same_day_or_ending_before_starting(cas):
    nouvelle, en_vigueur, *_ = CAS[cas]
    debut = en_vigueur().date_debut
    with pytest.raises(ValidationError, match="commence déjà à cette date"):
        nouvelle(date_debut=debut).validate_constraints()
    with transaction.atomic(), pytest.raises(IntegrityError):
        nouvelle(date_debut=debut).save()
    with pytest.raises(ValidationError, match="La date de fin précède la date de début"):
        nouvelle(date_debut=D(2030, 1, 2), date_fin=D(2030, 1, 1)).full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        nouvelle(date_debut=D(2030, 1, 2), date_fin=D(2030, 1, 1)).save()


def test_a_territory_row_may_overlap_the_national_one_not_another_of_its_territory():
    epci, autre = EpciFactory(), EpciFactory(siren="200000180", nom="CC du Mont")
    for ligne in (_attribution(epci=epci, date_debut=D(2025, 1, 1)), _demande(epci=epci, date_debut=D(2025, 1, 1))):
        ligne.full_clean()
        ligne.save()
    _demande(epci=autre, date_debut=D(2025, 1, 1)).full_clean()  # another territory: its own scope
    _attribution(epci=epci, code="SURFACE_UNE_PERSONNE", date_debut=D(2025, 6, 1)).full_clean()  # another code
    with pytest.raises(ValidationError, match="chevauche"):
        _demande(epci=epci, date_debut=D(2025, 6, 1)).full_clean()
    with pytest.raises(ValidationError, match="chevauche"):
        _attribution(epci=epci, date_debut=D(2026, 1, 1)).full_clean()
    assert dselectors.parametres_pour(epci.pk, D(2025, 6, 1)).validite_mois == 24
    assert flux.parametres_en_vigueur(D(2025, 6, 1), epci.pk)["NB_CANDIDATS_MIN"] == Decimal("4")
    with transaction.atomic(), pytest.raises(IntegrityError):
        ParametresRelogement.objects.create(epci=None, date_debut=D(2018, 5, 25), source="doublon")
    ParametresRelogement.objects.create(epci=epci, date_debut=D(2018, 5, 25), source="délibération")
    with transaction.atomic(), pytest.raises(IntegrityError):
        ParametresRelogement.objects.create(epci=epci, date_debut=D(2018, 5, 25), source="doublon")


def test_the_admin_shows_the_overlap_in_french(client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin-parametres", "a@example.org", "x")
    client.force_login(admin)
    champs = {
        f.name: f.default
        for f in ParametresDemande._meta.concrete_fields
        if f.name not in ("id", "epci", "date_fin") and f.has_default()
    }
    donnees = {**champs, "epci": "", "date_debut": "2027-01-01", "date_fin": "", "source": "Décret de test"}
    reponse = client.post(reverse("admin:demandes_parametresdemande_add"), donnees)
    assert reponse.status_code == 200
    assert "chevauche celle d&#x27;une autre ligne" in reponse.content.decode()
    assert ParametresDemande.objects.count() == 1


# --- No silent fallback -----------------------------------------------------------------------------------


def test_demand_delays_without_a_row_in_force_are_an_error_not_defaults():
    national = ParametresDemande.objects.get(epci=None)
    assert "R. 441-2-7" in national.source and national.validite_mois == 12
    assert dselectors.delais_pour(None, D(2026, 3, 1)).validite_mois == 12
    national.date_fin = D(2025, 12, 31)
    national.save()
    with pytest.raises(drules.ParametresManquants, match="Aucun paramètre des demandes .* le 01/03/2026"):
        dselectors.parametres_pour(EpciFactory().pk, D(2026, 3, 1))
    assert issubclass(drules.ParametresManquants, drules.DomainError)  # shown to the user by the views


def test_relocation_retention_is_a_national_row_with_its_source_not_a_constant():
    national = ParametresRelogement.objects.get(epci=None)
    assert national.conservation_mois == 24 and "RGPD" in national.source
    epci = EpciFactory()
    assert rselectors.conservation_mois(epci.pk, D(2026, 1, 1)) == 24
    ParametresRelogement.objects.create(epci=epci, date_debut=D(2025, 1, 1), conservation_mois=12, source="charte")
    assert rselectors.conservation_mois(epci.pk, D(2026, 1, 1)) == 12
    assert rselectors.conservation_mois(epci.pk, D(2024, 12, 31)) == 24
    national.conservation_mois = 36
    national.save()
    assert rselectors.conservation_mois(None, D(2026, 1, 1)) == 36  # read from the row, not from the code
    ParametresRelogement.objects.all().delete()
    with pytest.raises(rrules.ParametresManquants, match="Aucune durée de conservation du relogement"):
        rselectors.conservation_mois(epci.pk, D(2026, 1, 1))
    assert not hasattr(rrules, "CONSERVATION_MOIS_DEFAUT")


def test_demand_parameters_territory_row_first_then_national_in_one_query(django_assert_num_queries):
    """parametres_pour: the territory's row in force before any national row, even one that started later;
    another territory's row is never read; once the territory's rows have ended, the national row in force."""
    epci, autre = EpciFactory(), EpciFactory(siren="200000180", nom="CC du Mont")
    ParametresDemande.objects.create(epci=None, date_debut=D(2027, 1, 1), validite_mois=13, source="décret")
    for ligne in (
        _demande(epci=epci, date_debut=D(2025, 1, 1), date_fin=D(2025, 12, 31), validite_mois=18),
        _demande(epci=epci, date_debut=D(2026, 1, 1), date_fin=D(2026, 6, 30), validite_mois=20),
    ):
        ligne.full_clean()
        ligne.save()
    _demande(epci=autre, date_debut=D(2025, 1, 1), validite_mois=30).save()
    cas = [
        (epci.pk, D(2025, 6, 1), 18),
        (epci.pk, D(2026, 3, 1), 20),
        (epci.pk, D(2026, 9, 1), 12),  # its rows ended: the national row in force that day
        (epci.pk, D(2027, 3, 1), 13),
        (autre.pk, D(2027, 3, 1), 30),  # its own row, before the later national one
        (None, D(2026, 3, 1), 12),  # the national row of the migration
        (EpciFactory(siren="200000181", nom="CC du Lac").pk, D(2026, 3, 1), 12),
    ]
    for epci_id, jour, attendu in cas:
        with django_assert_num_queries(1):
            assert dselectors.parametres_pour(epci_id, jour).validite_mois == attendu, (epci_id, jour)
