"""The platform's URLs plus views that raise, for the tests of core.middleware.ErreurMetierMiddleware."""

from django.http import HttpResponse
from django.urls import path
from rest_framework.views import APIView

from config.urls import urlpatterns as urls_plateforme
from core.erreurs import ErreurMetier

MESSAGE = "Le logement a déjà une vacance en cours : rechargez la page."


class RefusDEssai(ErreurMetier):
    pass


def refus(request):
    raise RefusDEssai(MESSAGE)


def panne(request):
    raise RuntimeError("pas une erreur métier")


def accepte(request):
    return HttpResponse("fait")


class RefusApi(APIView):
    def get(self, request):
        raise RefusDEssai(MESSAGE)


urlpatterns = [
    path("essai/refus/", refus, name="essai_refus"),
    path("essai/panne/", panne),
    path("essai/accepte/", accepte, name="essai_accepte"),
    path("api/essai/refus/", refus),
    path("api/essai/refus-drf/", RefusApi.as_view()),
    *urls_plateforme,
]
