import functools
from urllib.parse import quote_plus

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import format_html

from core.adresses import adresse_fixe

register = template.Library()


@register.filter
def pct(value, decimals=1):
    """0.23543 -> '23,5 %' (French typography); None -> '–'."""
    if value is None or value == "":
        return "–"
    return f"{float(value) * 100:.{int(decimals)}f}".replace(".", ",") + "\u00a0%"


@register.filter
def ecart_pp(value):
    """A gap in percentage points, signed: -0.0146 -> '−1,5 pt'."""
    if value is None:
        return "–"
    points = float(value) * 100
    sign = "+" if points > 0 else ("−" if points < 0 else "")
    return f"{sign}{abs(points):.1f}".replace(".", ",") + "\u00a0pt"


@functools.lru_cache(maxsize=4096)
def _q(texte: str) -> str:
    """quote_plus of the few hundred distinct keys and values a dashboard's links carry, computed once each."""
    return quote_plus(texte)


@register.simple_tag
def lien_liste(epci, annee, objectif, part, filtre=None, valeur=None):
    """URL of the list of allocations behind one figure, optionally restricted (filtre=valeur). A dashboard
    holds several hundred: the list's address is resolved once per script prefix (core.adresses)."""
    params = [("epci", epci), ("annee", annee), ("objectif", objectif), ("part", part)]
    if filtre and valeur not in (None, ""):
        params.append((filtre, valeur))
    # as urllib.parse.urlencode writes it, without its general case's cost
    requete = "&".join(f"{_q(cle)}={_q(str(v))}" for cle, v in params)
    return adresse_fixe("attributions:liste") + "?" + requete


@register.filter
def atteint(indicateur):
    """True when the target is reached, compared exactly (rules.atteint; None when nothing is counted)."""
    if not indicateur:
        return None
    return indicateur.get("atteint")


@register.filter
def taux_objectif(indicateur):
    """An objective's rate, never rounded across its target (rules.taux_affiche, Platform decision 10)."""
    if not indicateur:
        return "–"
    return indicateur.get("taux_texte") or pct(indicateur.get("taux"))


def _compte(valeur) -> str:
    """A count as the template writes it (``localize``): without thousands separator, the digits themselves."""
    if type(valeur) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(valeur)
    return localize(valeur)


@register.simple_tag
def cellule_groupe(ind, epci, annee, objectif, filtre, valeur):
    """One cell of a breakdown table (by landlord, sector or commune): the numerator and the base, each a link to
    the list behind it, the rate coloured by whether the target is reached, and the local target that applies
    beside it; "–" when nothing is counted. Written in Python rather than in the template: a dashboard holds
    several hundred of these cells, and the template language took most of the page's time drawing them."""
    if not ind or not ind.get("base"):
        return "–"
    locale = ind.get("locale")
    if locale:
        etat = "atteinte" if locale.get("atteint") else format_html("non atteinte ({})", locale.get("taux_texte"))
        locale = format_html(
            '<br><small class="cible-locale">cible locale {} : {}</small>', locale.get("cible_texte"), etat
        )
    return format_html(
        '<a class="figure-link" href="{}">{}</a> / <a class="figure-link" href="{}">{}</a><br>'
        '<span class="{}">{}</span>{}',
        lien_liste(epci, annee, objectif, "numerateur", filtre, valeur),
        _compte(ind.get("numerateur")),
        lien_liste(epci, annee, objectif, "base", filtre, valeur),
        _compte(ind.get("base")),
        "text-success" if atteint(ind) else "text-danger",
        taux_objectif(ind),
        locale or "",
    )
