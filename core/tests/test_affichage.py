"""The shared reader-facing formatter: labels instead of codes, French dates and numbers."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms

from core.affichage import date_fr, libelle


class Exemple(forms.Form):
    situation = forms.ChoiceField(choices=[("", "—"), ("CDI", "Salarié(e) en CDI"), ("CDD", "CDD")])
    motifs = forms.MultipleChoiceField(
        choices=[("TROP_CHER", "Logement trop cher"), ("SANS_LOGEMENT", "Sans logement")]
    )
    groupes = forms.ChoiceField(choices=[("Groupe", [("A", "Premier"), ("B", "Second")])])


@pytest.mark.parametrize(
    ("valeur", "champ", "attendu"),
    [
        ("CDI", "situation", "Salarié(e) en CDI"),
        (["SANS_LOGEMENT", "TROP_CHER"], "motifs", "Sans logement, Logement trop cher"),
        ("B", "groupes", "Second"),
        ("INCONNU", "situation", "INCONNU"),
        ("", "situation", "—"),
        (None, None, "—"),
        ([], "motifs", "—"),
        (True, None, "oui"),
        (False, None, "non"),
        (dt.date(2026, 11, 29), None, "29/11/2026"),
        (Decimal("1450.50"), None, "1\u00a0450,50"),
        (Decimal("550"), None, "550"),
    ],
)
def test_libelle(valeur, champ, attendu):
    assert libelle(valeur, Exemple.base_fields[champ] if champ else None) == attendu


def test_date_fr_lit_les_dates_iso_des_instantanes():
    assert date_fr("2026-11-29") == "29/11/2026"
    assert date_fr("pas une date") == "pas une date"
    assert date_fr(None) == "—"
