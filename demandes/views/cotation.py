"""Scoring grids: the territory's grids, a draft's criteria and adoption, its simulation, the public page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core import exports
from core.db import ordre_fr
from core.navigation import rubrique

from .. import forms, permissions, selectors, services
from ..rules import DomainError
from ._commun import _acces_demandes, _erreur_domaine

# --- Scoring grids (cotation) -------------------------------------------------------------------


def _grille_visible(request, pk):
    from ..models import GrilleCotation

    grille = get_object_or_404(GrilleCotation.objects.select_related("epci", "adoptee_par", "copie_de"), pk=pk)
    if not permissions.can_view_grille(request.user, grille):
        raise Http404("Grille introuvable.")
    return grille


def _grille_geree(request, pk):
    grille = _grille_visible(request, pk)
    if not permissions.can_manage_grilles(request.user, grille.epci_id):
        raise PermissionDenied("Réservé aux services de l'EPCI.")
    return grille


@login_required
@require_GET
@rubrique("demandes:grilles")
def grilles(request):
    """The territory's grids: the adopted one for everyone with access to demands, drafts for EPCI staff."""
    from cil.models import Epci

    from ..models import GrilleCotation

    acces = _acces_demandes(request)
    if acces.admin:
        from cil.models import Guichet

        # the territories run on the platform (a reception point or a grid), not the 1,200 EPCIs of France
        ids = set(Guichet.objects.values_list("epci_id", flat=True)) | set(
            GrilleCotation.objects.values_list("epci_id", flat=True)
        )
    else:
        ids = set(acces.epcis)
    epcis = list(Epci.objects.filter(pk__in=sorted(ids)).order_by(ordre_fr("nom")))
    par_epci: dict[int, list] = {}
    for grille in (
        GrilleCotation.objects.filter(epci__in=epcis).select_related("adoptee_par").order_by("epci_id", "-version")
    ):
        par_epci.setdefault(grille.epci_id, []).append(grille)
    territoires = []
    for epci in epcis:
        gere = permissions.can_manage_grilles(request.user, epci.pk)
        grilles_epci = [g for g in par_epci.get(epci.pk, []) if gere or g.statut != GrilleCotation.Statut.BROUILLON]
        territoires.append(
            {
                "epci": epci,
                "gere": gere,
                "grilles": grilles_epci,
                "form": forms.NouvelleGrilleForm(prefix=f"epci{epci.pk}") if gere else None,
            }
        )
    return render(request, "demandes/cotation/grilles.html", {"territoires": territoires})


@login_required
@require_POST
def grille_creer(request, epci_pk):
    from cil.models import Epci

    epci = get_object_or_404(Epci, pk=epci_pk)
    if not permissions.can_manage_grilles(request.user, epci.pk):
        raise PermissionDenied("Réservé aux services de l'EPCI.")
    form = forms.NouvelleGrilleForm(request.POST, prefix=f"epci{epci.pk}")
    nom = form.cleaned_data["nom"] if form.is_valid() else ""
    grille = services.creer_brouillon(epci=epci, acteur=request.user, nom=nom)
    messages.success(request, f"Brouillon « {grille.nom} » créé : modifiez ses critères puis simulez-le.")
    return redirect("demandes:grille", grille.pk)


@login_required
def grille(request, pk):
    """A grid: its criteria; for EPCI staff on a draft, the criteria's forms and the adoption."""
    from ..models import CritereCotation

    grille = _grille_visible(request, pk)
    gere = permissions.can_manage_grilles(request.user, grille.epci_id)
    modifiable = gere and grille.modifiable
    criteres = list(grille.criteres.all())
    form_nouveau = forms.CritereCotationForm(prefix="nouveau", initial={"ordre": len(criteres)}) if modifiable else None
    form_adoption = forms.AdoptionGrilleForm(initial={"deliberation": grille.deliberation}) if modifiable else None
    formulaires = {}
    if modifiable:
        formulaires = {c.pk: forms.CritereCotationForm(instance=c, prefix=f"c{c.pk}") for c in criteres}
    if request.method == "POST":
        if not modifiable:
            raise PermissionDenied("Cette grille n'est pas modifiable.")
        action = request.POST.get("action", "")
        try:
            if action == "adopter":
                form_adoption = forms.AdoptionGrilleForm(request.POST)
                if form_adoption.is_valid():
                    calcul = services.adopter_grille(grille, acteur=request.user, **form_adoption.cleaned_data)
                    messages.success(
                        request,
                        f"Grille adoptée, en vigueur le {grille.date_debut:%d/%m/%Y} ; le recalcul des scores des "
                        f"demandes du territoire est lancé (calcul n° {calcul.pk}).",
                    )
                    return redirect("demandes:grille", grille.pk)
            elif action == "supprimer":
                critere = get_object_or_404(CritereCotation, pk=request.POST.get("critere"), grille=grille)
                services.supprimer_critere(critere=critere, acteur=request.user)
                messages.success(request, f"Critère « {critere.libelle} » supprimé.")
                return redirect("demandes:grille", grille.pk)
            else:
                critere = None
                if request.POST.get("critere"):
                    critere = get_object_or_404(CritereCotation, pk=request.POST.get("critere"), grille=grille)
                prefix = f"c{critere.pk}" if critere else "nouveau"
                form = forms.CritereCotationForm(request.POST, instance=critere, prefix=prefix)
                if form.is_valid():
                    services.enregistrer_critere(
                        grille=grille, acteur=request.user, critere=critere, donnees=form.cleaned_data
                    )
                    messages.success(request, "Critère enregistré.")
                    return redirect("demandes:grille", grille.pk)
                if critere:
                    formulaires[critere.pk] = form
                else:
                    form_nouveau = form
        except (DomainError, ValidationError) as exc:
            _erreur_domaine(request, exc)
    from ..models import CalculCotation

    return render(
        request,
        "demandes/cotation/grille.html",
        {
            "grille": grille,
            "gere": gere,
            "modifiable": modifiable,
            "lignes": [(c, formulaires.get(c.pk)) for c in criteres],
            "form_nouveau": form_nouveau,
            "form_adoption": form_adoption,
            "calculs": list(CalculCotation.objects.filter(grille=grille)[:5]) if gere else [],
            "libelles_valeurs": {code: label for _, groupe in forms.choix_valeurs_cotation() for code, label in groupe},
        },
        status=400 if request.method == "POST" else 200,
    )


def _simulation(request, pk):
    from ..simulation import simuler

    grille = _grille_geree(request, pk)
    reference = selectors.grille_adoptee(grille.epci_id)
    if reference is not None and reference.pk == grille.pk:
        reference = None
    return simuler(grille, reference, jour=timezone.localdate())


@login_required
@require_GET
def grille_simulation(request, pk):
    """The draft applied to the stock and to last year's allocations, side by side with the adopted grid."""
    from observatoire.charts import barres_effectifs

    sim = _simulation(request, pk)
    nom_ref = f"grille adoptée (v{sim.reference.version})" if sim.reference else "aucune grille adoptée"
    contexte = {
        "sim": sim,
        "grille": sim.projet,
        "graphique_reference": barres_effectifs(
            sim.distribution_reference, titre=f"Répartition des scores – {nom_ref}", unite="demandes"
        )
        if sim.reference
        else None,
        "graphique_projet": barres_effectifs(
            sim.distribution_projet, titre=f"Répartition des scores – {sim.projet.nom} (v{sim.projet.version})",
            unite="demandes",
        ),
        "attributions": sim.attributions[:50],
    }  # fmt: skip
    return render(request, "demandes/cotation/simulation.html", contexte)


@login_required
@require_GET
def grille_simulation_csv(request, pk):
    sim = _simulation(request, pk)
    entete = ["population", "numero_unique", "date_decision", "score_grille_adoptee", "score_projet",
              "rang_grille_adoptee", "rang_projet", "places_gagnees", "prioritaire", "premier_quartile"]  # fmt: skip

    def lignes():
        for li in sim.lignes:
            gagnees = None if li.rang_reference is None else li.rang_reference - li.rang_projet
            yield ["stock", li.numero_unique, "", li.score_reference, li.score_projet, li.rang_reference,
                   li.rang_projet, gagnees, li.prioritaire, li.premier_quartile]  # fmt: skip
        for a in sim.attributions:
            gagnees = None if a.rang_reference is None else a.rang_reference - a.rang_projet
            yield [f"attribution {sim.annee_attributions}", a.numero_unique, a.date_decision, a.score_reference,
                   a.score_projet, a.rang_reference, a.rang_projet, gagnees, "", ""]  # fmt: skip

    return exports.csv_response(f"simulation-cotation-v{sim.projet.version}.csv", entete, lignes())


@require_GET
def cotation_publique(request, epci_pk):
    """The public scoring page moved to the territory's public pages (public app), at a readable address."""
    from cil.models import Epci
    from public.selectors import slugs

    epci = get_object_or_404(Epci, pk=epci_pk)
    slug = next((s for s, e in slugs().items() if e.pk == epci.pk), None)
    if slug is None:
        raise Http404("Ce territoire n'a pas de pages publiques sur la plateforme.")
    return redirect("public:cotation", slug=slug, permanent=True)
