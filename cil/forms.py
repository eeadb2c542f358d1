"""Forms shared by the administration and the pages of the territory: percentages typed in French."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from core.pourcentages import PourcentageInvalide, fraction, lire_pourcentage, texte_pourcentage

from .models import CibleLocale, Objectif


class PourcentageField(forms.Field):
    """A rate typed as a percentage ("42,5", "42,5 %", "42.5") and cleaned to the exact fraction (0.425).

    The stored fraction reads back as a percentage ("42,5"), so that nobody types a fraction by habit.
    """

    def __init__(self, *, decimales: int = 2, **kwargs):
        self.decimales = decimales
        kwargs.setdefault("help_text", "En pourcentage, avec une virgule : 42,5 pour 42,5 %.")
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 12}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
            return texte_pourcentage(Decimal(str(value))).removesuffix("\u00a0%")
        return value

    def to_python(self, value):
        value = str(value).strip() if value is not None else value
        if value in self.empty_values:
            return None
        try:
            return fraction(lire_pourcentage(value, decimales=self.decimales))
        except PourcentageInvalide as exc:
            raise forms.ValidationError(str(exc), code="pourcentage") from exc


class CibleLocaleForm(forms.ModelForm):
    """A local target, its rate typed as a percentage; the model's ``clean`` checks scope, dates and the law."""

    taux = PourcentageField(label="Taux cible (%)")

    class Meta:
        model = CibleLocale
        fields = [
            "epci",
            "objectif",
            "taux",
            "bailleur",
            "reservataire",
            "secteur",
            "commune",
            "date_debut",
            "date_fin",
            "version",
            "article",
            "source",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "objectif" in self.fields:
            self.fields["objectif"].choices = [("", "---------")] + [
                (o.value, o.label) for o in Objectif if o in CibleLocale.OBJECTIFS
            ]
