"""The navigation bar, built from the user's roles (the sections are defined once, in core.navigation)."""

import functools

from django.urls import NoReverseMatch, get_script_prefix, reverse

from .navigation import NAVIGATION, peut_ouvrir


@functools.lru_cache(maxsize=256)
def _adresse(url_name: str, prefixe: str) -> str | None:
    """A section's address, resolved once per script prefix (the menu is drawn on every page); None when the
    section's app is not installed."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    entries = []
    for section, label, url_name, _roles, description in NAVIGATION:
        if not peut_ouvrir(user, url_name):
            continue
        url = _adresse(url_name, get_script_prefix())
        if url is None:
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
