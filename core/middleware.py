"""Middlewares of the platform: ``Cache-Control: no-store`` on personal data, idle sessions and the second
factor checked on every request (settings: README "Comptes et sécurité"), business errors answered with
their French message."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

from . import comptes
from .erreurs import ErreurMetier

logger = logging.getLogger(__name__)

# The last-activity time is written at most once a minute: no session write on every request.
_ECRITURE_MINIMALE_S = 60


class InactiviteMiddleware:
    """Ends a session idle for more than ``SESSION_INACTIVITE_MINUTES`` (shared desk computers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            maintenant = int(time.time())
            derniere = request.session.get(comptes.SESSION_DERNIERE_ACTIVITE)
            limite = settings.SESSION_INACTIVITE_MINUTES * 60
            if derniere is not None and maintenant - derniere > limite:
                logout(request)
                messages.info(
                    request,
                    f"Votre session a été fermée après {settings.SESSION_INACTIVITE_MINUTES} minutes "
                    f"d'inactivité. Reconnectez-vous pour continuer.",
                )
            elif derniere is None or maintenant - derniere >= _ECRITURE_MINIMALE_S:
                request.session[comptes.SESSION_DERNIERE_ACTIVITE] = maintenant
        return self.get_response(request)


class SecondFacteurMiddleware:
    """Until the second factor is verified, a user who must present one reaches only the steps to enrol or
    verify, logout and static files: any other page answers a redirect there (the API a 403 in JSON).

    Must present one: a user with a confirmed device, a user holding a role of ``OTP_ROLES_OBLIGATOIRES``
    (superusers count as platform administrators), and anyone opening the Django admin when
    ``OTP_ADMIN_OBLIGATOIRE`` is on.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not comptes.est_verifie(request.user) and self._exige(request):
            return self._vers_le_second_facteur(request)
        return self.get_response(request)

    @staticmethod
    def _libres() -> tuple[str, ...]:
        return (
            reverse("core:second_facteur_verifier"),
            reverse("core:second_facteur_activer"),
            reverse("core:second_facteur_qr"),
            reverse("core:logout"),
            reverse("admin:logout"),
            settings.STATIC_URL,
        )

    def _exige(self, request) -> bool:
        if request.path.startswith(self._libres()):
            return False
        if getattr(settings, "OTP_ADMIN_OBLIGATOIRE", True) and request.path.startswith(reverse("admin:index")):
            return True
        return comptes.a_un_second_facteur(request) or comptes.second_facteur_obligatoire(request.user)

    def _vers_le_second_facteur(self, request):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "Second facteur requis : validez le code de votre application d'authentification."},
                status=403,
            )
        a_un_appareil = comptes.a_un_second_facteur(request)
        url = reverse("core:second_facteur_verifier" if a_un_appareil else "core:second_facteur_activer")
        if request.method == "GET" and "HX-Request" not in request.headers:
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in user and on everything under ``/api/``.

    Why: reception desks, town halls and social services share their computers between agents, and
    sometimes with the public. A page or an API answer showing a household's demand (names, resources,
    domestic-violence reason, priority criteria) must not stay in the browser's disk cache, nor come back
    with the Back button after the agent signed out, nor be kept by an intermediate proxy. So nothing
    served to a signed-in user is stored anywhere (``no-store``, ``private``, already expired), and the
    API never is, whoever asks.

    Static files are left cacheable: they carry no personal data. WhiteNoise answers them further down the
    middleware chain, so their responses come back through here and are recognised by their path. Anonymous
    pages (the public scoring page, error pages) keep whatever caching their view chose.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.static_prefix):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            # no-store, no-cache, must-revalidate, private, max-age=0 and an Expires in the past; a
            # "public" or a longer max-age set by the view is overridden.
            add_never_cache_headers(response)
        return response


class ErreurMetierMiddleware:
    """A business error (``core.erreurs.ErreurMetier``) that escapes a view is answered with its French
    message, never a 500: the one place where views' refusals become what the user reads.

    - a form posted from a page of the site: the message is shown on that page (``messages.error`` and a
      redirect to the ``Referer``), as a view catching the error itself used to do;
    - a page read (GET), or a post whose origin is unknown: the same message on the 400 page
      ``core/erreur_metier.html``, with a link back;
    - an htmx request: a 400 whose body is the message (htmx swaps nothing);
    - under ``/api/``: a 400 ``{"detail": "<message>"}`` (DRF views get the same from
      ``core.api.gestionnaire_exceptions``).

    The service raised inside its ``transaction.atomic``: nothing it began is kept. A view that does
    something of its own with the error (a form field's error, the bound form shown again, the versions
    compared) still catches it.
    """

    METHODES_SURES = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ErreurMetier):
            return None
        message = str(exception)
        # the class and the page only: the message may name a household
        logger.info("Refus métier %s sur %s %s", type(exception).__name__, request.method, request.path)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        if "HX-Request" in request.headers:
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        messages.error(request, message)
        retour = self._page_d_origine(request)
        if retour and request.method not in self.METHODES_SURES:
            return redirect(retour)
        return render(request, "core/erreur_metier.html", {"retour": retour}, status=400)

    @staticmethod
    def _page_d_origine(request) -> str | None:
        """The page the request came from, when it is a page of this site (never another site's)."""
        referer = request.headers.get("Referer", "")
        if referer and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return referer
        return None
