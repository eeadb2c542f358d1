"""The navigation bar, built from the user's roles (the sections are defined once, in core.navigation)."""

from django.urls import NoReverseMatch

from .adresses import adresse_fixe
from .navigation import NAVIGATION, peut_ouvrir


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    entries = []
    for section, label, url_name, _roles, description in NAVIGATION:
        if not peut_ouvrir(user, url_name):
            continue
        try:
            url = adresse_fixe(url_name)
        except NoReverseMatch:
            continue  # capability not installed
        entries.append(
            {
                "section": section,
                "label": label,
                "url": url,
                "description": description,
                "active": request.path.startswith(url) and url != "/",
            }
        )
    return {"navigation": entries}
