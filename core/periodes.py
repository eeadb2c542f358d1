"""Dated parameter rows (legal rates, delays, allocation parameters): within one scope (a parameter of one
territory, or the national value), at most one row is in force on any day.

The database refuses two rows of a scope starting the same day (``constraints_periode``: two partial
unique constraints, since a national row has no territory and NULLs are never equal); ``verifie_periode``,
called from the models' ``clean()`` (the admin), refuses any overlap of [date_debut, date_fin] with a
French message. A period without ``date_fin`` is open: it runs until the row is closed.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


def _jour(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def constraints_periode(
    prefixe: str, champs: list[str], *, territoire: str | None = "epci", fin: bool = True
) -> list[models.BaseConstraint]:
    """One row per (``champs``, territory, date_debut), national rows included (``territoire=None``: a
    national-only table); ``date_fin`` not before ``date_debut`` when the model has one."""
    contraintes: list[models.BaseConstraint]
    if territoire is None:
        contraintes = [
            models.UniqueConstraint(
                fields=[*champs, "date_debut"],
                name=f"{prefixe}_un_par_debut",
                violation_error_message="Une ligne de ce paramètre commence déjà à cette date.",
            )
        ]
    else:
        contraintes = _uniques_par_territoire(prefixe, champs, territoire)
    if fin:
        contraintes.append(
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=models.F("date_debut")),
                name=f"{prefixe}_fin_apres_debut",
                violation_error_message="La date de fin précède la date de début.",
            )
        )
    return contraintes


def _uniques_par_territoire(prefixe: str, champs: list[str], territoire: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(
            fields=[*champs, territoire, "date_debut"],
            condition=Q(**{f"{territoire}__isnull": False}),
            name=f"{prefixe}_un_par_debut",
            violation_error_message="Une ligne de ce paramètre commence déjà à cette date pour ce territoire.",
        ),
        models.UniqueConstraint(
            fields=[*champs, "date_debut"],
            condition=Q(**{f"{territoire}__isnull": True}),
            name=f"{prefixe}_national_un_par_debut",
            violation_error_message="Une valeur nationale de ce paramètre commence déjà à cette date.",
        ),
    ]


def chevauchements(qs: models.QuerySet, date_debut: dt.date, date_fin: dt.date | None) -> models.QuerySet:
    """Rows of ``qs`` whose period [date_debut, date_fin] (no end: open) shares a day with the given one."""
    qs = qs.filter(Q(date_fin__isnull=True) | Q(date_fin__gte=date_debut))
    return qs if date_fin is None else qs.filter(date_debut__lte=date_fin)


def verifie_periode(instance: models.Model, **portee) -> None:
    """ValidationError (French) when ``instance``'s period ends before it starts, or meets the period of
    another row of the same scope (``portee``: the fields that, with the territory, name the parameter)."""
    debut, fin = instance.date_debut, instance.date_fin
    if debut is None:
        return
    if fin is not None and fin < debut:
        raise ValidationError({"date_fin": "La date de fin précède la date de début."})
    autres = type(instance)._default_manager.filter(**portee)
    if instance.pk is not None:
        autres = autres.exclude(pk=instance.pk)
    autre = chevauchements(autres, debut, fin).order_by("date_debut").first()
    if autre is None:
        return
    jusqu_a = f"au {_jour(autre.date_fin)}" if autre.date_fin else "sans date de fin"
    periode = f"du {_jour(autre.date_debut)} {jusqu_a}"
    conseil = (
        f" Donnez d'abord à cette ligne une date de fin antérieure au {_jour(debut)}."
        if autre.date_debut < debut and autre.date_fin is None
        else " Modifiez les dates pour que les périodes se suivent sans se chevaucher."
    )
    raise ValidationError(
        f"Cette période chevauche celle d'une autre ligne du même paramètre, en vigueur {periode}.{conseil}"
    )
