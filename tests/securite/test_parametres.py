"""Bad query parameters never crash the server: every GET route of the URLconf, walked as an EPCI staff
member and as a reception agent, answers something other than a 500 to out-of-range years, non-integers
and huge numbers in every query parameter it knows (its filterset, its form, what its code reads) and in
the common ones."""

from __future__ import annotations

import inspect
import re

import django_filters
import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver

from .conftest import connecte

pytestmark = pytest.mark.django_db

VALEURS = ["0", "-1", "99999", "abc", str(10**30)]
COMMUNS = ["annee", "limit", "offset", "page", "epci", "bailleur", "guichet", "version"]
# request.GET.get("x"), request.GET["x"], parametres.entier(request.GET, "x")
LU_DANS_LE_CODE = re.compile(r"""(?:GET|POST|query_params)(?:\.get\(|\[|\s*,)\s*["'](\w+)["']""")
CLASSE_SUR_GET = re.compile(r"""([\w.]+)\(\s*request\.(?:GET|query_params)""")
AIDE_SUR_REQUETE = re.compile(r"""\b(_\w+)\(\s*request\s*[,)]""")


def _routes(resolver=None, prefixe=""):
    """(route text, pattern) of every leaf of the URLconf, outside the admin."""
    resolver = resolver or get_resolver()
    for motif in resolver.url_patterns:
        route = prefixe + str(motif.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(motif, URLResolver):
            yield from _routes(motif, route)
        elif isinstance(motif, URLPattern):
            yield route, motif


def _vue(motif):
    callback = motif.callback
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None) or inspect.unwrap(callback)


def _champs(classe) -> set[str]:
    if isinstance(classe, type) and issubclass(classe, django_filters.FilterSet):
        return set(classe.base_filters)
    if isinstance(classe, type) and issubclass(classe, forms.BaseForm):
        return set(classe.base_fields)
    return set()


def parametres_connus(motif) -> set[str]:
    """The query parameters a route knows: its filterset, the forms and filtersets its code builds from the
    query string, and the names its code reads."""
    vue = _vue(motif)
    noms = _champs(getattr(vue, "filterset_class", None))
    try:
        source = inspect.getsource(vue)
    except (OSError, TypeError):
        return noms
    module = inspect.getmodule(vue)
    # the view's own code, and that of the module's helpers it hands its request to (``_liste(request)``)
    sources = [source]
    for nom in AIDE_SUR_REQUETE.findall(source):
        aide = getattr(module, nom, None)
        if inspect.isfunction(aide) and aide is not vue:
            sources.append(inspect.getsource(aide).replace("requete.", "request."))
    for texte in sources:
        noms |= set(LU_DANS_LE_CODE.findall(texte))
        for nom in CLASSE_SUR_GET.findall(texte):
            objet = module
            for partie in nom.split("."):
                objet = getattr(objet, partie, None)
            noms |= _champs(objet)
    return noms


@pytest.fixture
def objets(monde_hostile):
    """Objects of the Val territory for the routes to read: a flow agreement (the flow report then has a
    landlord to compute), a vacancy, a relocation operation."""
    import datetime as dt

    from attributions.models import Logement, Vacance
    from attributions.tests.fabrique import convention
    from relogement.models import Operation

    t = monde_hostile.val
    convention(t.bailleur, t.reservataire, "0.25", epci=t.epci, annee=dt.date.today().year)
    logement = Logement.objects.create(
        identifiant="LVAL1", bailleur=t.bailleur, commune=t.commune, epci=t.epci, typologie="T3"
    )
    vacance = Vacance.objects.create(
        logement=logement,
        bailleur=t.bailleur,
        epci=t.epci,
        date_declaration=dt.date.today(),
        date_liberation=dt.date.today(),
    )
    operation = Operation.objects.create(
        epci=t.epci, nom="Rénovation du Val", type=Operation._meta.get_field("type").choices[0][0]
    )
    operation.bailleurs.add(t.bailleur)
    return {"vacances/": vacance.pk, "relogement/operations/": operation.pk, "demandes/": t.demande.pk}


def _chemin(route: str, monde_hostile, objets) -> str:
    """Fill the route's converters with objects of the caller's territory (or a missing id)."""
    t = monde_hostile.val
    pk = next((pk for prefixe, pk in objets.items() if route.startswith(prefixe)), 1)
    valeurs = {
        "pk": str(pk),
        "epci_pk": str(t.epci.pk),
        "guichet_pk": str(t.guichet.pk),
        "format": "csv",
        "etape": "demandeur",
        "action": "orienter",
    }

    def remplace(m):
        return valeurs.get(m.group(2), "1")

    chemin = re.sub(r"<(?:(\w+):)?(\w+)>", remplace, route)
    chemin = chemin.replace("^", "").replace("$", "")
    chemin = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: valeurs.get(m.group(1), "1"), chemin)
    return "/" + chemin


def test_le_parcours_couvre_les_routes_et_leurs_filtres():
    """The walker sees the API, the HTML pages and each route's own parameters."""
    routes = dict(_routes())
    assert "api/vacances/" in routes and "flux/" in routes and "demandes/nouvelle/doublons/" in routes
    assert {"annee_bail", "statut"} <= parametres_connus(routes["api/vacances/"])
    assert {"date_naissance", "guichet", "nom"} <= parametres_connus(routes["demandes/nouvelle/doublons/"])
    assert {"depot_apres", "modifiee_depuis"} <= parametres_connus(routes["demandes/export.csv"])
    assert {"q", "date_naissance", "statut"} <= parametres_connus(routes["demandes/"])


@pytest.mark.parametrize("role", ["epci", "agent"])
def test_aucune_route_get_ne_repond_500_a_un_parametre_errone(client, monde_hostile, objets, role):
    client.raise_request_exception = False
    connecte(client, monde_hostile.val[role])
    pannes = []
    for route, motif in _routes():
        chemin = _chemin(route, monde_hostile, objets)
        propres = parametres_connus(motif)
        # each of the route's own parameters alone, then the common ones it does not read all together
        essais = [{nom: valeur} for nom in sorted(propres) for valeur in VALEURS]
        essais += [{nom: valeur for nom in COMMUNS if nom not in propres} for valeur in VALEURS]
        for parametres in essais:
            reponse = client.get(chemin, parametres)
            if reponse.status_code >= 500:
                texte = "&".join(f"{nom}={valeur[:12]}" for nom, valeur in parametres.items())
                pannes.append(f"{chemin}?{texte} -> {reponse.status_code}")
    assert pannes == [], "\n".join(pannes)
