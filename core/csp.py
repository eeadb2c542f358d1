"""Exceptions to the strict Content-Security-Policy (config/settings/base.py), one decorator per need.

The policy itself is in the settings; a view that cannot live with it gets one of these decorators, with the
reason next to it, so that every relaxation of the platform is listed in this file.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update

# Swagger UI and ReDoc (drf-spectacular's views under /api/, from self-hosted files): their page starts the
# viewer with an inline <script> and styles itself with a <style> block and style attributes; ReDoc runs its
# search in a worker built from a blob: URL. They show the API schema only (no personal data); everything
# else stays as strict as elsewhere (no third-party origin: ReDoc's web fonts and logo are not loaded, no
# eval, no object, no framing, forms to this site only).
api_documentation = csp_update(
    {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}
)
