"""The one spreadsheet writer (core.exports): formulas neutralised, numbers in plain French notation,
dates ISO, BOM and headers, streaming, XLSX cells typed, file names safe. Tables of cases, no database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from core import exports

FORMULE = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        # formulas and their cousins: prefixed with a single quote
        (FORMULE, "'" + FORMULE),
        ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        ("-2+3", "'-2+3"),
        ("-12", "'-12"),  # text that looks like a number is still text
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("  =1+1", "'  =1+1"),  # after spaces a spreadsheet may trim
        ("\u00a0=1+1", "'\u00a0=1+1"),
        ("\u200b=1+1", "'\u200b=1+1"),  # after an invisible character
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width =
        ("\uff0b1", "'\uff0b1"),  # full-width +
        ("\uff0d1", "'\uff0d1"),  # full-width -
        ("\uff20A1", "'\uff20A1"),  # full-width @
        ("\ufe661+1", "'\ufe661+1"),  # small-form =
        ("\u22121", "'\u22121"),  # minus sign
        # ordinary text: unchanged
        ("Dupont", "Dupont"),
        ("Jean-Pierre", "Jean-Pierre"),
        ("a=b", "a=b"),
        ("< 5", "< 5"),
        ("", ""),
        ("1500", "1500"),
        # numbers: plain French notation, never an exponent, never a thousands separator
        (1500, "1500"),
        (-1500, "-1500"),
        (0, "0"),
        (Decimal("1500"), "1500"),
        (Decimal("1500.5"), "1500,5"),
        (Decimal("1500.50"), "1500,50"),  # the scale the column chose is kept
        (Decimal("1.5E+3"), "1500"),  # what Decimal.normalize() makes of 1500.00
        (Decimal("1500.0000").normalize(), "1500"),
        (Decimal("-12.5"), "-12,5"),  # a negative number is a number, not a formula
        (Decimal("-0.00"), "0,00"),
        (Decimal("0.000001"), "0,000001"),
        (Decimal("1E+21"), "1000000000000000000000"),
        (1500.5, "1500,5"),
        (-12.5, "-12,5"),
        (0.1, "0,1"),  # through its shortest representation, not 0.1000000000000000055...
        (1e21, "1000000000000000000000"),
        (1234567.0, "1234567,0"),
        # booleans, None, dates
        (True, "oui"),
        (False, "non"),
        (None, ""),
        (dt.date(2026, 1, 31), "2026-01-31"),
        (dt.datetime(2026, 1, 31, 8, 5, 9), "2026-01-31T08:05:09"),
    ],
)
def test_csv_cell(valeur, attendu):
    assert exports.csv_cell(valeur) == attendu


def test_aware_datetime_is_written_in_local_time_with_its_offset(settings):
    settings.TIME_ZONE = "Europe/Paris"
    instant = dt.datetime(2026, 1, 31, 7, 5, 9, tzinfo=ZoneInfo("UTC"))
    assert exports.csv_cell(instant) == "2026-01-31T08:05:09+01:00"


def test_non_finite_numbers_are_refused():
    for valeur in (Decimal("NaN"), float("inf"), Decimal("-Infinity")):
        with pytest.raises(ValueError):
            exports.csv_cell(valeur)


@pytest.mark.parametrize(
    ("valeurs", "ligne"),
    [
        (["Dupont", 1500, Decimal("1500.5")], "Dupont;1500;1500,5\r\n"),
        ([Decimal("-12.5"), None, True], "-12,5;;oui\r\n"),
        # text holding a separator of any locale, a quote or a line break is quoted, quotes doubled
        (["a;b"], '"a;b"\r\n'),
        (["a,b"], '"a,b"\r\n'),
        (["a\tb"], '"a\tb"\r\n'),
        (['dit "le grand"'], '"dit ""le grand"""\r\n'),
        (["ligne 1\nligne 2"], '"ligne 1\nligne 2"\r\n'),
        ([FORMULE], '"\'=HYPERLINK(""http://x"",""y"")"\r\n'),
        (["x,=1+1"], '"x,=1+1"\r\n'),  # a comma-splitting reader still sees one inert cell
        # a number with a decimal comma is never quoted
        ([Decimal("0.5"), 2], "0,5;2\r\n"),
    ],
)
def test_csv_line(valeurs, ligne):
    assert exports.csv_line(valeurs) == ligne


def test_csv_file_round_trips_through_a_csv_reader():
    texte = exports.csv_text(["nom", "montant", "date"], [[FORMULE, Decimal("1500.5"), dt.date(2026, 1, 2)]])
    assert texte.startswith("\ufeffnom;montant;date\r\n")
    lignes = list(csv.reader(io.StringIO(texte.removeprefix("\ufeff"), newline=""), delimiter=";"))
    assert lignes == [["nom", "montant", "date"], ["'" + FORMULE, "1500,5", "2026-01-02"]]


def test_csv_response_streams_rows_as_they_come():
    produites = []

    def rows():
        for i in range(20000):
            produites.append(i)
            yield [f"ligne {i}", i]

    reponse = exports.csv_response("liste été.csv", ["nom", "n"], rows())
    assert reponse.streaming and produites == []  # nothing read before the response is sent
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Content-Disposition"] == 'attachment; filename="liste-ete.csv"'
    morceaux = iter(reponse.streaming_content)
    premier = next(morceaux)
    assert premier.startswith(b"\xef\xbb\xbfnom;n\r\n") and 0 < len(produites) < 20000
    corps = premier + b"".join(morceaux)
    assert len(produites) == 20000 and corps.endswith(b"ligne 19999;19999\r\n")


def _relit(wb):
    octets = exports.xlsx_bytes(wb)
    with zipfile.ZipFile(io.BytesIO(octets)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    return load_workbook(io.BytesIO(octets)).active, xml


@pytest.mark.parametrize(
    ("valeur", "relue", "type_", "format_"),
    [
        (FORMULE, FORMULE, "s", "General"),
        ("=1+1", "=1+1", "s", "General"),
        ("+1", "+1", "s", "General"),
        ("#N/A", "#N/A", "s", "General"),  # not an error cell either
        ("a\x01b", "ab", "s", "General"),  # characters XML may not hold are dropped, not an error
        ("Dupont", "Dupont", "s", "General"),
        (1500, 1500, "n", "0"),
        (-1500, -1500, "n", "0"),
        (Decimal("1500.5"), 1500.5, "n", "0.0"),
        (Decimal("1500.50"), 1500.5, "n", "0.00"),
        (Decimal("1.5E+3"), 1500, "n", "0"),
        (Decimal("-12.5"), -12.5, "n", "0.0"),
        (0.1, 0.1, "n", "0.0"),
        (True, "oui", "s", "General"),
        (False, "non", "s", "General"),
        (dt.date(2026, 1, 31), dt.datetime(2026, 1, 31), "d", "dd/mm/yyyy"),
        (dt.datetime(2026, 1, 31, 8, 5), dt.datetime(2026, 1, 31, 8, 5), "d", "dd/mm/yyyy hh:mm"),
    ],
)
def test_xlsx_cell(valeur, relue, type_, format_):
    wb = exports.new_workbook()
    ws = wb.create_sheet("T")
    ws.append(exports.xlsx_row(ws, [valeur]))
    feuille, xml = _relit(wb)
    cell = feuille["A1"]
    assert (cell.value, cell.data_type, cell.number_format) == (relue, type_, format_)
    assert "<f>" not in xml and "<f " not in xml


def test_xlsx_formula_like_text_keeps_a_quote_prefix_and_number_formats_can_be_given():
    wb = exports.new_workbook()
    ws = wb.create_sheet("T")
    ws.append(exports.xlsx_row(ws, [FORMULE, "Dupont", Decimal("0.235")], number_formats=[None, None, "0.0%"]))
    feuille, _ = _relit(wb)
    assert feuille["A1"].quotePrefix and not feuille["B1"].quotePrefix
    assert feuille["C1"].number_format == "0.0%" and feuille["C1"].value == 0.235


def test_aware_datetime_becomes_a_local_date_in_xlsx(settings):
    settings.TIME_ZONE = "Europe/Paris"
    wb = exports.new_workbook()
    ws = wb.create_sheet("T")
    ws.append(exports.xlsx_row(ws, [dt.datetime(2026, 7, 1, 6, 0, tzinfo=ZoneInfo("UTC"))]))
    feuille, _ = _relit(wb)
    assert feuille["A1"].value == dt.datetime(2026, 7, 1, 8, 0)


def test_xlsx_response_is_a_streamed_temporary_file():
    wb = exports.new_workbook()
    ws = wb.create_sheet("T")
    for i in range(5000):
        ws.append(exports.xlsx_row(ws, [f"ligne {i}", i]))
    reponse = exports.xlsx_response("attributions 2025/été.xlsx", wb)
    assert reponse.streaming
    assert reponse["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert reponse["Content-Disposition"] == 'attachment; filename="attributions-2025-ete.xlsx"'
    feuille = load_workbook(io.BytesIO(reponse.getvalue())).active
    assert feuille.max_row == 5000 and feuille["B5000"].value == 4999
    reponse.file_to_stream.close()  # (reponse.close() would also signal the end of a request)


@pytest.mark.parametrize(
    ("nom", "attendu"),
    [
        ("demandes.csv", "demandes.csv"),
        ("bilan-réservataire-2025.xlsx", "bilan-reservataire-2025.xlsx"),
        ('a"b\r\nContent-Type: text/html.csv', "a-b-Content-Type-text-html.csv"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "export"),
        ("", "export"),
        ("ページ", "export"),
        ("x" * 300 + ".csv", "x" * 146 + ".csv"),
    ],
)
def test_safe_filename(nom, attendu):
    assert exports.safe_filename(nom) == attendu
    assert exports.content_disposition(nom) == f'attachment; filename="{attendu}"'
