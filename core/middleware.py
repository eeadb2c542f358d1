"""Response headers every page needs, whatever the view."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in user and on everything under ``/api/``.

    Why: reception desks, town halls and social services share their computers between agents, and
    sometimes with the public. A page or an API answer showing a household's demand (names, resources,
    domestic-violence reason, priority criteria) must not stay in the browser's disk cache, nor come back
    with the Back button after the agent signed out, nor be kept by an intermediate proxy. So nothing
    served to a signed-in user is stored anywhere (``no-store``, ``private``, already expired), and the
    API never is, whoever asks (Basic authentication is resolved inside the view, after this check).

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
