"""The one PDF pipeline of the platform: every printed document (attestations, renewal notices, balance
sheets, relocation summaries) goes through ``rendre_pdf``.

- fonts: the faces bundled in static/fonts/ are declared with @font-face and loaded through one
  WeasyPrint FontConfiguration per document, so a PDF looks the same on every machine;
- no network, no stray file: the URL fetcher accepts only ``file:`` URLs under the calling app's
  ``static/`` and ``templates/`` folders and the bundled fonts; anything else (http, https, data,
  /etc/passwd, ``../``) stops the rendering with ``RessourceRefusee`` instead of being fetched;
- accessibility: tagged PDF/UA-1 (structure tree, reading order), document language ``fr`` and a
  title (the template's ``<title>`` or ``titre=``), shown by readers instead of the file name.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings

POLICES = Path(settings.BASE_DIR) / "static" / "fonts"
# (family, file, weight, style): the documents' text font and the SVG charts' font.
FACES = [
    ("DejaVu Sans", "DejaVuSans.ttf", "normal", "normal"),
    ("DejaVu Sans", "DejaVuSans-Bold.ttf", "bold", "normal"),
    ("Liberation Sans", "LiberationSans-Regular.ttf", "normal", "normal"),
    ("Liberation Sans", "LiberationSans-Bold.ttf", "bold", "normal"),
    ("Liberation Sans", "LiberationSans-Italic.ttf", "normal", "italic"),
    ("Liberation Sans", "LiberationSans-BoldItalic.ttf", "bold", "italic"),
]
LANGUE = "fr"
# WeasyPrint 70 writes PDF/UA-1 (PDF 1.7 with tags, /Lang, /DisplayDocTitle) under this name.
VARIANTE = "pdf/ua-1"


class RessourceRefusee(Exception):
    """A document asked for a resource outside the allowed folders (network, data: URL, system file),
    or for a bundled file that is missing."""


def dossiers_autorises(base: Path) -> tuple[Path, ...]:
    """What a document rendered from the app folder ``base`` may read: its static and template
    folders and the bundled fonts."""
    base = Path(base)
    return tuple(d.resolve() for d in (base / "static", base / "templates", POLICES))


def chemin_autorise(url: str, dossiers: Iterable[Path]) -> Path:
    """The local file behind ``url``, or RessourceRefusee when it is not a ``file:`` URL to a file
    inside one of ``dossiers`` (symbolic links and ``..`` resolved first)."""
    morceaux = urlsplit(url)
    if morceaux.scheme.lower() != "file" or morceaux.netloc not in ("", "localhost"):
        raise RessourceRefusee(f"Ressource refusée dans un document PDF (seuls les fichiers locaux sont lus) : {url}")
    chemin = Path(url2pathname(unquote(morceaux.path))).resolve()
    if not any(chemin.is_relative_to(dossier) for dossier in dossiers):
        raise RessourceRefusee(f"Ressource refusée dans un document PDF (hors des dossiers autorisés) : {url}")
    return chemin


def url_fetcher(dossiers: Iterable[Path]):
    """A WeasyPrint URL fetcher reading only files inside ``dossiers``. A refusal or a missing file stops
    the rendering (a document never silently loses a font or an image)."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    dossiers = tuple(Path(d).resolve() for d in dossiers)

    class _Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            # Fatal for WeasyPrint (a BaseException): the rendering stops instead of logging a warning.
            try:
                chemin = chemin_autorise(url, dossiers)
            except RessourceRefusee as erreur:
                raise FatalURLFetchingError(str(erreur)) from erreur
            try:
                contenu = chemin.read_bytes()
            except OSError as erreur:
                raise FatalURLFetchingError(f"Fichier illisible pour un document PDF : {url}") from erreur
            return URLFetcherResponse(chemin.as_uri(), contenu)

    return _Fetcher(allowed_protocols={"file"}, fail_on_errors=True)


def font_faces() -> str:
    """The bundled faces, and DejaVu Sans as the default text font (the apps' print stylesheets,
    loaded after this one, choose their own)."""
    return (
        "\n".join(
            f'@font-face {{ font-family: "{famille}"; src: url("{(POLICES / fichier).as_uri()}") format("truetype"); '
            f"font-weight: {graisse}; font-style: {style}; }}"
            for famille, fichier, graisse, style in FACES
        )
        + '\nhtml { font-family: "DejaVu Sans", sans-serif; }'
    )


def rendre_pdf_et_pages(html: str, *, base: Path, css: Iterable[Path] = (), titre: str = "") -> tuple[bytes, int]:
    """The tagged PDF of ``html`` and its number of pages. ``base`` is the app folder (relative URLs
    resolve against it; only its static/ and templates/ folders and the fonts may be read); ``css`` are
    print stylesheets inside those folders; ``titre`` overrides the template's ``<title>``."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    base = Path(base).resolve()
    dossiers = dossiers_autorises(base)
    fetcher = url_fetcher(dossiers)
    font_config = FontConfiguration()
    try:
        feuilles = [CSS(string=font_faces(), font_config=font_config, url_fetcher=fetcher)]
        for feuille in css:
            chemin = chemin_autorise(Path(feuille).resolve().as_uri(), dossiers)
            feuilles.append(CSS(filename=str(chemin), font_config=font_config, url_fetcher=fetcher))
        document = HTML(string=html, base_url=f"{base.as_uri()}/", url_fetcher=fetcher).render(
            stylesheets=feuilles, font_config=font_config, pdf_variant=VARIANTE
        )
    except FatalURLFetchingError as erreur:
        raise RessourceRefusee(str(erreur)) from erreur
    document.metadata.lang = LANGUE
    if titre:
        document.metadata.title = titre
    if not (document.metadata.title or "").strip():
        raise ValueError("Un document PDF doit avoir un titre (balise <title> ou titre=).")
    return document.write_pdf(pdf_variant=VARIANTE), len(document.pages)


def rendre_pdf(html: str, *, base: Path, css: Iterable[Path] = (), titre: str = "") -> bytes:
    return rendre_pdf_et_pages(html, base=base, css=css, titre=titre)[0]
