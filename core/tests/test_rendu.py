"""core.rendu.RenduRapide writes the plainest widgets in Python: the same HTML as Django's template renderer, for
every kind of value, attribute, option and group; any other widget goes through the templates."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.functional import lazy
from django.utils.safestring import mark_safe

from core.rendu import RenduRapide

paresseux = lazy(lambda: "Libellé <traduit> & « paresseux »", str)

CHOIX = [
    ("", "—"),
    (1, "Un & deux"),
    ("b", mark_safe("<b>sûr</b>")),
    (Decimal("2.5"), Decimal("2.5")),
    (dt.date(2026, 1, 31), paresseux()),
    ("Groupe <A>", [("g1", "G un"), ("g2", 'G "deux"')]),
]

ATTRS = {"class": "form-control", "required": True, "disabled": False, "data-x": '<"a">', "maxlength": 10}

WIDGETS = [
    forms.TextInput(attrs=ATTRS),
    forms.TextInput(),
    forms.NumberInput(attrs={"min": 0, "step": Decimal("0.01")}),
    forms.EmailInput(),
    forms.URLInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.DateInput(attrs={"type": "date"}),
    forms.DateInput(format="%d/%m/%Y"),
    forms.DateTimeInput(),
    forms.TimeInput(),
    forms.CheckboxInput(),
    forms.CheckboxInput(attrs={"role": "switch"}),
    forms.FileInput(),
    forms.Textarea(attrs={"rows": 3}),
    forms.Textarea(),
    forms.Select(choices=CHOIX, attrs=ATTRS),
    forms.Select(choices=CHOIX[:4]),
    forms.Select(choices=[]),
    forms.SelectMultiple(choices=CHOIX),
    forms.NullBooleanSelect(),
    forms.RadioSelect(choices=CHOIX[:3]),  # not written in Python: through the templates
    forms.CheckboxSelectMultiple(choices=CHOIX[:3]),
    forms.SelectDateWidget(years=[2025, 2026]),
]

VALEURS = [
    None,
    "",
    "simple",
    '<script>alert("x")</script> & \'',
    mark_safe("<i>déjà sûr</i>"),
    0,
    1,
    True,
    False,
    Decimal("2.5"),
    dt.date(2026, 1, 31),
    dt.datetime(2026, 1, 31, 8, 5),
    ["b", "g2", 1],
    "b",
    "g1",
]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
def test_meme_html_que_les_gabarits_de_django(widget):
    django, rapide = DjangoTemplates(), RenduRapide()
    for valeur in VALEURS:
        for nom in ("champ", "nom<x>"):
            try:
                attendu = widget.render(nom, valeur, attrs={"id": f"id_{nom}"}, renderer=django)
            except (TypeError, KeyError, ValueError) as exc:  # a value this widget cannot take: refused alike
                with pytest.raises(type(exc)):
                    widget.render(nom, valeur, attrs={"id": f"id_{nom}"}, renderer=rapide)
                continue
            assert widget.render(nom, valeur, attrs={"id": f"id_{nom}"}, renderer=rapide) == attendu, (nom, valeur)


def test_un_formulaire_entier_et_ses_erreurs():
    class Formulaire(forms.Form):
        nom = forms.CharField(max_length=20, help_text="Aide")
        naissance = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        statut = forms.ChoiceField(choices=[("A", "Active"), ("R", "Radiée")])
        texte = forms.CharField(widget=forms.Textarea, required=False)
        case = forms.BooleanField(required=False)

    for donnees in (
        None,
        {"nom": "x" * 30, "statut": "Z"},
        {"nom": "Dupont", "naissance": "2000-01-01", "statut": "A"},
    ):
        attendu = Formulaire(donnees, renderer=DjangoTemplates()).render()
        assert Formulaire(donnees, renderer=RenduRapide()).render() == attendu


def test_le_renderer_du_projet(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "core.rendu.RenduRapide"
    assert isinstance(get_default_renderer(), RenduRapide)


def test_les_widgets_simples_n_ouvrent_aucun_gabarit():
    rapide = RenduRapide()
    assert rapide._natifs()  # Django's own widget templates: no app overrides them

    def interdit(nom):
        raise AssertionError(f"gabarit ouvert : {nom}")

    rapide.get_template = interdit
    for widget in (forms.TextInput(attrs=ATTRS), forms.Select(choices=CHOIX), forms.Textarea(), forms.CheckboxInput()):
        assert widget.render("champ", "b", renderer=rapide).startswith("<")
    with pytest.raises(AssertionError, match="gabarit ouvert"):
        forms.RadioSelect(choices=CHOIX[:3]).render("champ", "b", renderer=rapide)
