"""Portable SQL expressions give the same answer on SQLite and PostgreSQL (the suite runs on both)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import DateField, DecimalField, IntegerField, Value

from core.db import DureeJours, Quotient
from core.models import User

pytestmark = pytest.mark.django_db

MONTANT = DecimalField(max_digits=14, decimal_places=4)


@pytest.mark.parametrize(
    ("numerateur", "denominateur", "attendu"),
    [
        (Value(450, output_field=IntegerField()), Value(1800, output_field=IntegerField()), Decimal("0.25")),
        (Value(Decimal("450.00"), output_field=MONTANT), Value(Decimal("1800.00"), output_field=MONTANT), "0.25"),
        (Value(Decimal("1"), output_field=MONTANT), Value(Decimal("3"), output_field=MONTANT), "0.3333"),
        (Value(Decimal("2000"), output_field=MONTANT), Value(Decimal("1000"), output_field=MONTANT), "2"),
    ],
)
def test_quotient_jamais_une_division_entiere(numerateur, denominateur, attendu):
    User.objects.create_user(username="u", password="x")
    valeur = User.objects.annotate(q=Quotient(numerateur, denominateur)).values_list("q", flat=True).get()
    assert Decimal(str(valeur)).quantize(Decimal("0.0001")) == Decimal(attendu).quantize(Decimal("0.0001"))


def test_duree_en_jours():
    User.objects.create_user(username="u", password="x")
    debut = Value(dt.date(2026, 3, 2), output_field=DateField())
    fin = Value(dt.date(2026, 6, 1), output_field=DateField())
    assert User.objects.annotate(d=DureeJours(fin, debut)).values_list("d", flat=True).get() == 91


def test_ordre_alphabetique_francais_sur_les_deux_bases():
    """Accented names sort with their letter ("Échirolles" before "Vizille")."""
    from cil.models import Commune, Epci
    from core.db import cle_fr, ordre_fr

    epci = Epci.objects.create(siren="200040715", nom="Grenoble-Alpes-Métropole", type=Epci.Type.METROPOLE)
    noms = ["Vizille", "Échirolles", "Eybens", "Grenoble", "Le Gua", "Œuilly", "Ornon", "eybens-bas"]
    for i, nom in enumerate(noms):
        Commune.objects.create(code_insee=f"38{i:03d}", nom=nom, departement="38", epci=epci)
    attendu = ["Échirolles", "Eybens", "eybens-bas", "Grenoble", "Le Gua", "Œuilly", "Ornon", "Vizille"]
    assert sorted(noms, key=cle_fr) == attendu
    assert list(Commune.objects.values_list("nom", flat=True)) == attendu  # the model's default ordering
    assert list(epci.communes.order_by(ordre_fr("nom", descending=True)).values_list("nom", flat=True)) == attendu[::-1]
