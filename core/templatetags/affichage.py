"""Template side of core.affichage: ``{{ bound_field|affichage }}``, ``{{ value|libelle_de:field }}``,
``{{ date|date_fr }}``."""

from django import template

from core import affichage as a

register = template.Library()


@register.filter
def affichage(champ_lie) -> str:
    """A bound form field's entered value, read back as labels and French dates (the cleaned value if valid)."""
    form = champ_lie.form
    nettoyees = getattr(form, "cleaned_data", None) or {}
    valeur = nettoyees[champ_lie.name] if champ_lie.name in nettoyees else champ_lie.value()
    return a.libelle(valeur, champ_lie.field)


@register.filter
def libelle_de(valeur, champ) -> str:
    """``valeur`` with the labels of ``champ`` (a form field, a model field, or a dict of labels)."""
    if isinstance(champ, dict):
        return a.libelle(valeur, choix={str(k): v for k, v in champ.items()})
    return a.libelle(valeur, champ)


@register.filter
def date_fr(jour) -> str:
    return a.date_fr(jour)
