"""The social security number (NIR) is never stored (docs/droit/regles.md, platform decision 13; AU-2014-124).

One rule for every free-text field of every form and import: ``contient_nir`` finds a NIR written with or
without separators (13 digits and the 2-digit key, the first digit 1, 2, 7 or 8, Corsica's 2A/2B
department accepted) whose key is right; ``refuser_nir`` raises a French message naming the field;
``SansNirMixin`` applies it to every text field of a Django form.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

_SEP = r"[\s.\-/]?"
_NIR = re.compile(
    r"(?<![0-9A-Za-z])"
    rf"([12378]){_SEP}(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{2}}|2[ABab]){_SEP}(\d{{3}}){_SEP}(\d{{3}}){_SEP}(\d{{2}})"
    r"(?![0-9A-Za-z])"
)


def _cle_valide(sexe: str, annee: str, mois: str, dep: str, commune: str, ordre: str, cle: str) -> bool:
    dep = dep.upper()
    # Corsica: 2A is counted as 19 and 2B as 18 in the key's computation
    if dep == "2A":
        dep = "19"
    elif dep == "2B":
        dep = "18"
    numero = int(f"{sexe}{annee}{mois}{dep}{commune}{ordre}")
    return 97 - numero % 97 == int(cle)


def contient_nir(texte: str | None) -> bool:
    """True when ``texte`` holds a social security number (with a valid key)."""
    if not texte:
        return False
    return any(_cle_valide(*m.groups()) for m in _NIR.finditer(str(texte)))


def message_nir(libelle: str) -> str:
    return (
        f"« {libelle} » contient un numéro de sécurité sociale (NIR) : il ne doit jamais être enregistré "
        "sur la plateforme. Retirez-le."
    )


def refuser_nir(valeur, libelle: str) -> None:
    """Raise a ValidationError naming the field when ``valeur`` holds a NIR."""
    if isinstance(valeur, str) and contient_nir(valeur):
        raise ValidationError(message_nir(libelle), code="nir")


class SansNirMixin:
    """Refuse a NIR in every free-text field of the form (text inputs and text areas, not choices)."""

    def _clean_fields(self):
        super()._clean_fields()
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or name not in self.cleaned_data:
                continue
            try:
                refuser_nir(self.cleaned_data[name], str(field.label or name))
            except ValidationError as exc:
                self.add_error(name, exc)
