"""Exceptions to the strict Content-Security-Policy (config/settings/base.py), one decorator per need.

The policy itself is in the settings; a view that cannot live with it gets one of these decorators, with the
reason next to it, so that every relaxation of the platform is listed in this file.
"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update

# Swagger UI and ReDoc (/api/docs/, drf-spectacular, self-hosted files): their page starts the viewer with
# an inline <script> and styles itself with a <style> block and style attributes. They show the API schema
# only (no personal data), from this site's files; everything else (default-src, object-src,
# frame-ancestors, form-action, base-uri) stays as strict as elsewhere.
api_documentation = csp_update({"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE]})
