from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views import defaults

from cil.models import Membership
from core.parametres import ParametreInvalide


@login_required
def home(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("epci", "bailleur", "reservataire", "guichet")
        .order_by("role")
    )
    return render(request, "core/home.html", {"memberships": memberships})


def requete_invalide(request, exception=None):
    """The 400 page (handler400): says which query parameter was wrong and why, in French."""
    if not isinstance(exception, ParametreInvalide):
        return defaults.bad_request(request, exception)
    return render(request, "core/requete_invalide.html", {"message": str(exception)}, status=400)
