"""The form renderer: Django's, with its plainest widget templates written in Python.

Django draws every widget through the template engine: an ``<input>`` is two templates (the widget's and
``attrs.html``), a ``<select>`` three more per option. A registration form of seventeen fields spent half of its
page's time there. For the templates below, exactly as Django ships them (``input.html`` and the fourteen input
types that include it, ``select.html`` with ``select_option.html``, ``textarea.html``), this renderer writes the
same HTML in Python; any other template, and any project override of these, goes through the engine as before.
``core/tests/test_rendu.py`` compares both outputs on every kind of value, attribute and option.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

_W = "django/forms/widgets/"
_ENTREES = {
    f"{_W}{nom}.html"
    for nom in (
        "input", "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password", "search",
        "tel", "text", "time", "url",
    )
}  # fmt: skip
_SELECT, _OPTION, _TEXTAREA = f"{_W}select.html", f"{_W}select_option.html", f"{_W}textarea.html"
_CONTEXTE = SimpleNamespace(use_tz=None, use_l10n=None, autoescape=True)  # a template's defaults


def _texte(valeur) -> str:
    """``{{ valeur }}`` in a template."""
    return render_value_in_context(valeur, _CONTEXTE)


def _chaine(valeur) -> str:
    """``{{ valeur|stringformat:'s' }}``: a safe text stays as it is, anything else is formatted then escaped."""
    if isinstance(valeur, SafeData):
        return valeur
    return conditional_escape(str(valeur))  # what "%s" % valeur gives, a tuple included (stringformat)


def _attributs(attrs: dict) -> str:
    """``attrs.html``: False leaves the attribute out, True writes its name alone."""
    morceaux = []
    for nom, valeur in attrs.items():
        if valeur is False:
            continue
        morceaux.append(f" {_texte(nom)}" if valeur is True else f' {_texte(nom)}="{_chaine(valeur)}"')
    return "".join(morceaux)


def _nom(w: dict) -> str:
    return f'name="{_texte(w.get("name", ""))}"'


def _entree(w: dict) -> str:
    valeur = f' value="{_chaine(w.get("value"))}"' if w.get("value") != None else ""  # noqa: E711 (the template's)
    return f'<input type="{_texte(w.get("type", ""))}" {_nom(w)}{valeur}{_attributs(w.get("attrs", {}))}>'


class RenduRapide(DjangoTemplates):
    """Django's template renderer (FORM_RENDERER), the plainest widgets written in Python (module docstring)."""

    def __init__(self):
        super().__init__()
        self._maison = None

    def _natifs(self) -> bool:
        """Whether the widget templates found are Django's own (no app overrides them): checked once."""
        if self._maison is None:
            self._maison = all(
                "django/forms/templates" in str(self.get_template(nom).origin.name)
                for nom in (*_ENTREES, _SELECT, _OPTION, _TEXTAREA)
            )
        return self._maison

    def render(self, template_name, context, request=None):
        w = context.get("widget") if isinstance(context, dict) else None
        if w is not None and self._natifs():
            if template_name in _ENTREES:
                return _entree(w)
            if template_name == _TEXTAREA:
                contenu = _texte(w["value"]) if w.get("value") else ""
                return f"<textarea {_nom(w)}{_attributs(w.get('attrs', {}))}>\n{contenu}</textarea>"
            if template_name == _SELECT and all(
                o["template_name"] == _OPTION for _g, options, _i in w.get("optgroups", ()) for o in options
            ):
                morceaux = [f"<select {_nom(w)}{_attributs(w.get('attrs', {}))}>"]
                for groupe, options, _index in w.get("optgroups", ()):
                    if groupe:
                        morceaux.append(f'\n  <optgroup label="{_texte(groupe)}">')
                    for o in options:
                        morceaux.append(
                            f'\n  <option value="{_chaine(o["value"])}"{_attributs(o["attrs"])}>{_texte(o["label"])}'
                            "</option>\n"
                        )
                    if groupe:
                        morceaux.append("\n  </optgroup>")
                morceaux.append("\n</select>")
                return "".join(morceaux)
        return super().render(template_name, context, request=request)
