from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cil.models import Membership


@login_required
def home(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("epci", "bailleur", "reservataire", "guichet")
        .order_by("role")
    )
    return render(request, "core/home.html", {"memberships": memberships})
