"""The NIR is never stored: the one detector used by every form (core.validators)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core.validators import SansNirMixin, contient_nir, refuser_nir


def _nir(debut: str) -> str:
    chiffres = debut.upper().replace("2A", "19").replace("2B", "18")
    return f"{debut}{97 - int(chiffres) % 97:02d}"


VALIDE = _nir("1850578006084")
CORSE = _nir("269022A123456")


@pytest.mark.parametrize(
    "texte",
    [
        VALIDE,
        f"NIR : {VALIDE[0]} {VALIDE[1:3]} {VALIDE[3:5]} {VALIDE[5:7]} {VALIDE[7:10]} {VALIDE[10:13]} {VALIDE[13:]}",
        f"{VALIDE[:7]}.{VALIDE[7:10]}.{VALIDE[10:13]}-{VALIDE[13:]}",
        CORSE,
        "n° " + _nir("7990199999999"),  # temporary number (NIA)
    ],
)
def test_nir_detecte(texte):
    assert contient_nir(texte)


@pytest.mark.parametrize(
    "texte",
    [
        "",
        None,
        VALIDE[:-2] + f"{(int(VALIDE[-2:]) + 1) % 100:02d}",  # wrong key
        "06 12 34 56 78",
        "SIRET 55210055400013",
        "Demande 038-2025-0001234",
        "3" + VALIDE[1:],  # first digit 3: not a NIR
        VALIDE + "1",  # part of a longer number
    ],
)
def test_pas_de_faux_positif(texte):
    assert not contient_nir(texte)


def test_message_nomme_le_champ():
    with pytest.raises(ValidationError) as exc:
        refuser_nir(f"voir {VALIDE}", "Précisions")
    assert "« Précisions »" in exc.value.messages[0] and "NIR" in exc.value.messages[0]


class _Form(SansNirMixin, forms.Form):
    texte = forms.CharField(label="Observations", required=False)
    choix = forms.ChoiceField(choices=[(VALIDE, "x")], required=False)


def test_le_mixin_refuse_les_champs_texte_seulement():
    form = _Form(data={"texte": VALIDE, "choix": VALIDE})
    assert not form.is_valid()
    assert list(form.errors) == ["texte"]
    assert _Form(data={"texte": "rien", "choix": VALIDE}).is_valid()
