import io
import json
import math
import textwrap
from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from cil.models import Epci, Membership
from core.parametres import ParametreInvalide

from . import comptes
from .forms import CodeForm
from .privacy import durees_conservation
from .roles import Role


@login_required
def home(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("epci", "bailleur", "reservataire", "guichet")
        .order_by("role")
    )
    return render(request, "core/home.html", {"memberships": memberships})


# --------------------------------------------------------------------------- account ("Mon compte")
# Password change and reset are Django's views (core/urls.py) with the French templates of templates/registration.


@login_required
def compte(request):
    appareil = comptes.appareil_confirme(request.user)
    obligatoire = comptes.roles_exigeant_second_facteur(request.user)
    return render(
        request,
        "core/compte.html",
        {
            "appareil": appareil,
            "obligatoire": sorted(Role(r).label for r in obligatoire),
            "inactivite_minutes": settings.SESSION_INACTIVITE_MINUTES,
        },
    )


def _suivant(request, defaut: str) -> str:
    suivant = request.POST.get("next") or request.GET.get("next") or ""
    if suivant and url_has_allowed_host_and_scheme(suivant, {request.get_host()}, request.is_secure()):
        return suivant
    return defaut


@login_required
def second_facteur_activer(request):
    """Enrol a TOTP application: show the QR code and the secret, confirm with a first code. Nothing is written
    until the code is right; a user who already has a device must present it, never replace it here."""
    if comptes.appareil_confirme(request.user) is not None:
        request.session[comptes.SESSION_A_UN_SECOND_FACTEUR] = True
        if comptes.est_verifie(request.user):
            messages.info(request, "Votre second facteur est déjà activé.")
            return redirect("core:compte")
        return redirect(f"{reverse('core:second_facteur_verifier')}?{urlencode({'next': _suivant(request, '')})}")
    cle = request.session.get(comptes.SESSION_CLE_ENROLEMENT)
    if not cle:
        cle = random_hex(20)
        request.session[comptes.SESSION_CLE_ENROLEMENT] = cle
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        totp = TOTP(bytes.fromhex(cle), step=30, t0=0, digits=6)
        if totp.verify(int(form.cleaned_data["code"]), tolerance=1):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=request.user).delete()
                appareil = TOTPDevice.objects.create(
                    user=request.user, name=comptes.NOM_APPAREIL, key=cle, confirmed=True, last_t=totp.t()
                )
            otp_login(request, appareil)
            request.session.pop(comptes.SESSION_CLE_ENROLEMENT, None)
            request.session[comptes.SESSION_A_UN_SECOND_FACTEUR] = True
            messages.success(request, "Second facteur activé : il vous sera demandé à chaque connexion.")
            return redirect(_suivant(request, reverse("core:compte")))
        form.add_error("code", "Code incorrect : vérifiez que l'heure de votre téléphone est juste et réessayez.")
    appareil = TOTPDevice(user=request.user, key=cle)
    return render(
        request,
        "core/second_facteur_activer.html",
        {
            "form": form,
            "secret": " ".join(textwrap.wrap(b32encode(appareil.bin_key).decode(), 4)),
            "obligatoire": comptes.second_facteur_obligatoire(request.user),
            "next": _suivant(request, ""),
        },
    )


@login_required
def second_facteur_qr(request):
    """The QR code of the key being enrolled, as SVG (served here rather than inline: strict CSP)."""
    cle = request.session.get(comptes.SESSION_CLE_ENROLEMENT)
    if not cle or comptes.appareil_confirme(request.user) is not None:
        raise Http404("Aucun enrôlement en cours.")
    url = TOTPDevice(user=request.user, key=cle).config_url
    svg = io.BytesIO()
    segno.make(url, error="m").save(svg, kind="svg", scale=5, border=2, title="Code QR du second facteur")
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


def _refus_du_code(appareil, code: str) -> str | None:
    """None if ``code`` is the device's current code, else the French reason (throttled after each error)."""
    autorise, detail = appareil.verify_is_allowed()
    if not autorise:
        attente = max(1, math.ceil((detail["locked_until"] - timezone.now()).total_seconds()))
        return f"Trop de codes erronés : attendez {attente} seconde{'s' if attente > 1 else ''} avant de réessayer."
    if not appareil.verify_token(code):
        return "Code incorrect ou déjà utilisé : saisissez le code affiché en ce moment par votre application."
    return None


@login_required
def second_facteur_verifier(request):
    appareil = comptes.appareil_confirme(request.user)
    if appareil is None:
        return redirect(f"{reverse('core:second_facteur_activer')}?{urlencode({'next': _suivant(request, '')})}")
    if comptes.est_verifie(request.user):
        return redirect(_suivant(request, reverse("core:home")))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        erreur = _refus_du_code(appareil, form.cleaned_data["code"])
        if erreur is None:
            otp_login(request, appareil)
            return redirect(_suivant(request, reverse("core:home")))
        form.add_error("code", erreur)
    return render(request, "core/second_facteur_verifier.html", {"form": form, "next": _suivant(request, "")})


@login_required
@require_POST
def second_facteur_desactiver(request):
    if comptes.second_facteur_obligatoire(request.user):
        messages.error(request, "Votre rôle exige un second facteur : il ne peut pas être désactivé.")
        return redirect("core:compte")
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session[comptes.SESSION_A_UN_SECOND_FACTEUR] = False
    messages.success(request, "Second facteur désactivé.")
    return redirect("core:compte")


# --------------------------------------------------------------------------- API session


@require_http_methods(["GET", "POST"])
@ensure_csrf_cookie
def api_session(request):
    """Open a session for a partner's system (the API authenticates by session only).

    GET gives the CSRF token to send back in the ``X-CSRFToken`` header; POST takes ``username``, ``password``
    and, for an account with a second factor, ``code``. Failed attempts count towards the lockout as on the
    login page (django-axes: the locked-out answer is a 429 with a French ``detail``).
    """
    if request.method == "GET":
        return JsonResponse({"csrf": get_token(request), "connecte": request.user.is_authenticated})
    donnees = request.POST
    if request.content_type == "application/json":
        try:
            donnees = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"detail": "Corps JSON illisible."}, status=400)
        if not isinstance(donnees, dict):
            return JsonResponse({"detail": "Corps JSON illisible."}, status=400)
    username, password = str(donnees.get("username") or ""), str(donnees.get("password") or "")
    if not username or not password:
        return JsonResponse({"detail": "Renseignez « username » et « password »."}, status=400)
    user = authenticate(request, username=username, password=password)
    if user is None:
        return JsonResponse({"detail": "Identifiant ou mot de passe incorrect."}, status=401)
    appareil = comptes.appareil_confirme(user)
    if appareil is None and comptes.second_facteur_obligatoire(user):
        return JsonResponse(
            {"detail": "Ce compte doit d'abord activer son second facteur depuis « Mon compte » sur le site."},
            status=403,
        )
    if appareil is not None:
        erreur = _refus_du_code(appareil, "".join(str(donnees.get("code") or "").split()))
        if erreur is not None:
            return JsonResponse({"detail": f"Second facteur (« code ») : {erreur}"}, status=401)
    login(request, user)
    if appareil is not None:
        otp_login(request, appareil)
    return JsonResponse({"connecte": True, "username": user.get_username(), "csrf": get_token(request)})


def requete_invalide(request, exception=None):
    """The 400 page (handler400): says which query parameter was wrong and why, in French."""
    if not isinstance(exception, ParametreInvalide):
        return defaults.bad_request(request, exception)
    return render(request, "core/requete_invalide.html", {"message": str(exception)}, status=400)


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


# --- Deferred spreadsheets (core.exports_differes) ---------------------------------------------------


def _export_de(request, pk: int):
    from .exports_differes import pour_utilisateur

    export = pour_utilisateur(request.user).filter(pk=pk).first()
    if export is None:
        raise Http404("Cet export n'existe pas ou ne vous appartient pas.")
    return export


@login_required
@require_GET
def exports_differes(request):
    from .exports_differes import DUREE_CONSERVATION, pour_utilisateur

    return render(
        request,
        "core/exports.html",
        {"exports": pour_utilisateur(request.user)[:50], "conservation_jours": DUREE_CONSERVATION.days},
    )


@login_required
@require_GET
def export_differe(request, pk: int):
    export = _export_de(request, pk)
    gabarit = "core/_export_etat.html" if request.headers.get("HX-Request") else "core/export.html"
    return render(request, gabarit, {"export": export})


@login_required
@require_GET
def export_differe_fichier(request, pk: int):
    from django.http import FileResponse

    from .exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, content_disposition
    from .exports_differes import format_du_fichier

    export = _export_de(request, pk)
    if export.statut != export.Statut.PRET or not export.fichier:
        raise Http404("Le fichier n'est pas prêt.")
    csv = format_du_fichier(export.nom_fichier) == "csv"
    response = FileResponse(export.fichier.open("rb"), content_type=CSV_CONTENT_TYPE if csv else XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(export.nom_fichier)
    return response
