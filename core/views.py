from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cil.models import Epci, Membership

from .privacy import durees_conservation


@login_required
def home(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("epci", "bailleur", "reservataire", "guichet")
        .order_by("role")
    )
    return render(request, "core/home.html", {"memberships": memberships})


@require_GET
def confidentialite(request):
    """The public privacy notice (GDPR art. 13-14): no login. Retention periods are read from the settings
    in force (per territory when one is chosen), the DPO contact from the territory or the platform."""
    territoires = list(Epci.objects.order_by("nom").only("pk", "nom", "contact_dpo"))
    epci = None
    choix = request.GET.get("territoire", "")
    if choix.isdigit():
        epci = next((t for t in territoires if t.pk == int(choix)), None)
    return render(
        request,
        "core/confidentialite.html",
        {
            "territoires": territoires,
            "epci": epci,
            "durees": durees_conservation(epci.pk if epci else None, timezone.localdate()),
            "contact_dpo": (epci.contact_dpo if epci and epci.contact_dpo else settings.RGPD_CONTACT_DPO),
        },
    )
