"""The one PDF pipeline (core.pdf), with real WeasyPrint output read back by pypdf: tagged PDF/UA in
French with a title, bundled fonts, and no resource read outside the allowed folders."""

import io
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from core import pdf

pytestmark = pytest.mark.pdf


def png(largeur=4, hauteur=4) -> bytes:
    """A tiny valid red PNG (WeasyPrint embeds it as an image XObject when it may read it)."""

    def bloc(type_, donnees):
        return struct.pack(">I", len(donnees)) + type_ + donnees + struct.pack(">I", zlib.crc32(type_ + donnees))

    lignes = b"".join(b"\x00" + b"\xff\x00\x00" * largeur for _ in range(hauteur))
    entete = struct.pack(">IIBBBBB", largeur, hauteur, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + bloc(b"IHDR", entete) + bloc(b"IDAT", zlib.compress(lignes)) + bloc(b"IEND", b"")


def page_html(corps: str, titre="Document d'essai") -> str:
    entete = f'<meta charset="utf-8"><title>{titre}</title>'
    return f'<!DOCTYPE html><html lang="fr"><head>{entete}</head><body>{corps}</body></html>'


def images(octets: bytes) -> int:
    n = 0
    for page in PdfReader(io.BytesIO(octets)).pages:
        ressources = page["/Resources"].get("/XObject") or {}
        n += sum(1 for k in ressources if ressources[k].get_object()["/Subtype"] == "/Image")
    return n


def test_tagged_french_titled_with_the_bundled_fonts(tmp_path):
    octets = pdf.rendre_pdf(page_html("<h1>Attestation</h1><p>Texte <b>gras</b> éàç</p>"), base=tmp_path)
    reader = PdfReader(io.BytesIO(octets))
    racine = reader.trailer["/Root"]
    assert bool(racine["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in racine
    assert racine["/Lang"] == "fr"
    assert bool(racine["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == "Document d'essai"
    assert reader.pdf_header == "%PDF-1.7"
    assert b"pdfuaid:part" in racine["/Metadata"].get_object().get_data()  # PDF/UA identification (XMP)
    polices = {str(police.get_object()["/BaseFont"]) for police in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("DejaVu-Sans" in police for police in polices), polices
    assert "Texte gras éàç" in reader.pages[0].extract_text()


def test_the_language_and_the_title_are_enforced(tmp_path):
    html = "<html><head></head><body><p>Sans langue ni titre</p></body></html>"
    with pytest.raises(ValueError, match="titre"):
        pdf.rendre_pdf(html, base=tmp_path)
    reader = PdfReader(io.BytesIO(pdf.rendre_pdf(html, base=tmp_path, titre="Avis de renouvellement")))
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.metadata.title == "Avis de renouvellement"


def test_an_image_of_the_app_folder_is_embedded_and_one_elsewhere_refused(tmp_path):
    (tmp_path / "app" / "static").mkdir(parents=True)
    (tmp_path / "ailleurs").mkdir()
    (tmp_path / "app" / "static" / "logo.png").write_bytes(png())
    (tmp_path / "ailleurs" / "secret.png").write_bytes(png())
    base = tmp_path / "app"
    # Relative to the app folder, or as a file: URL inside it: read and embedded.
    assert images(pdf.rendre_pdf(page_html('<img src="static/logo.png">'), base=base)) == 1
    logo = (base / "static" / "logo.png").as_uri()
    assert images(pdf.rendre_pdf(page_html(f'<img src="{logo}">'), base=base)) == 1
    # The same image outside the allowed folders (absolute, ../, symbolic link): never read.
    (base / "static" / "lien.png").symlink_to(tmp_path / "ailleurs" / "secret.png")
    dehors = (tmp_path / "ailleurs" / "secret.png").as_uri()
    for src in (dehors, "../ailleurs/secret.png", "static/../../ailleurs/secret.png", "static/lien.png"):
        with pytest.raises(pdf.RessourceRefusee, match="hors des dossiers autorisés"):
            pdf.rendre_pdf(page_html(f'<img src="{src}">'), base=base)


@pytest.mark.parametrize(
    "corps",
    [
        '<img src="file:///etc/passwd">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
        '<p style="background: url(file:///etc/passwd)">x</p>',
        '<img src="data:image/png;base64,iVBORw0KGgo=">',
        '<img src="http://example.com/x.png">',
    ],
)
def test_system_files_data_and_network_urls_are_refused(tmp_path, corps):
    with pytest.raises(pdf.RessourceRefusee, match="Ressource refusée"):
        pdf.rendre_pdf(page_html(corps), base=tmp_path)


@pytest.fixture
def serveur():
    """A local HTTP server counting the requests it receives."""
    recues = []

    class Gestion(BaseHTTPRequestHandler):
        def do_GET(self):
            recues.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(png())

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Gestion)
    fil = threading.Thread(target=httpd.serve_forever, daemon=True)
    fil.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", recues
    httpd.shutdown()
    httpd.server_close()


def test_no_http_request_leaves_the_renderer(tmp_path, serveur):
    from urllib.request import urlopen

    adresse, recues = serveur
    with urlopen(f"{adresse}/temoin.png") as reponse:  # the server answers when asked
        assert reponse.read().startswith(b"\x89PNG")
    assert recues == ["/temoin.png"]
    for corps in (
        f'<img src="{adresse}/x.png">',
        f'<link rel="stylesheet" href="{adresse}/x.css">',
        f"<style>@import url('{adresse}/y.css');</style><p>x</p>",
        f"<style>p {{ background: url('{adresse}/z.png') }}</style><p>x</p>",
    ):
        with pytest.raises(pdf.RessourceRefusee):
            pdf.rendre_pdf(page_html(corps), base=tmp_path)
    # An image inside an inline SVG is only dropped (WeasyPrint logs the refusal while drawing).
    svg = f'<svg width="10" height="10"><image href="{adresse}/svg.png" width="10" height="10"/></svg>'
    assert images(pdf.rendre_pdf(page_html(svg), base=tmp_path)) == 0
    assert recues == ["/temoin.png"]


def test_the_fetcher_reads_the_fonts_and_refuses_the_rest():
    from weasyprint.urls import FatalURLFetchingError, fetch

    fetcher = pdf.url_fetcher(pdf.dossiers_autorises(pdf.POLICES.parent.parent / "observatoire"))
    with fetch(fetcher, (pdf.POLICES / "LiberationSans-Regular.ttf").as_uri()) as ressource:
        assert ressource.read(4) == b"\x00\x01\x00\x00"  # the bundled TrueType font
    for url in ("https://example.org/police.ttf", "file:///etc/passwd", (pdf.POLICES / "absente.ttf").as_uri()):
        with pytest.raises(FatalURLFetchingError), fetch(fetcher, url):
            pass
