"""Validators for the identifiers of the territory and organisations (messages in French)."""

import re

from django.core.exceptions import ValidationError

SIREN_RE = re.compile(r"^\d{9}$")
INSEE_RE = re.compile(r"^(\d{2}|2A|2B)\d{3}$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siren_format(value: str) -> None:
    if not SIREN_RE.match(value or ""):
        raise ValidationError("Le SIREN doit comporter exactement 9 chiffres.", code="siren_format")


def validate_siren(value: str) -> None:
    """9 digits and a valid Luhn key (La Poste, 356000000, is the documented exception)."""
    validate_siren_format(value)
    if value != "356000000" and not luhn_ok(value):
        raise ValidationError("Ce SIREN n'est pas valide (clé de contrôle incorrecte).", code="siren_cle")


def validate_code_insee(value: str) -> None:
    if not INSEE_RE.match(value or ""):
        raise ValidationError("Le code INSEE doit comporter 5 caractères (ex. 38185, 2A004).", code="insee")
