"""The one way the platform writes spreadsheets: CSV (French Excel) and XLSX (openpyxl).

Every CSV and XLSX file the platform produces goes through this module, so that the same rules hold
everywhere (see docs/exports.md):

- Text is never a formula. A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage
  return or a line feed (or their full-width and small-form variants, even after leading spaces) is
  neutralised as the OWASP "CSV injection" guidance says: prefixed with a single quote in CSV, written as
  an inline string (``data_type 's'``, quote-prefix style) in XLSX, never as a formula. Text containing a
  separator of any locale (``;`` ``,`` tab) or a quote or a line break is quoted in CSV, so that no
  spreadsheet splits it into a new cell.
- Numbers are numbers. ``int``, ``Decimal`` (and ``float``, converted through its shortest decimal
  representation, never computed with) are written in plain French notation in CSV: decimal comma, no
  thousands separator, never an exponent (1500 -> ``1500``, 1500.5 -> ``1500,5``, -12.5 -> ``-12,5``); in
  XLSX they are real numeric cells with a number format. A negative number is a number, not a formula.
- Dates are ISO 8601 in CSV (``2026-01-31``; date-times in local time with their offset) and real dates in
  XLSX. Booleans are ``oui`` / ``non``. ``None`` is an empty cell.
- CSV is ``;``-separated, CRLF line ends, UTF-8 with a BOM, ``text/csv; charset=utf-8``. Responses are
  streamed (rows are produced while the file is sent: pass a generator over ``queryset.iterator()``);
  XLSX files are written by openpyxl's write-only mode to a temporary file, then streamed.
- The ``Content-Disposition`` file name is reduced to ASCII letters, digits, ``.``, ``_`` and ``-``.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEPARATOR = ";"
LINE_END = "\r\n"
BOM = "\ufeff"

# First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection), with the
# full-width (U+FF1D...) and small-form (U+FE62...) variants some spreadsheets fold to ASCII, and the
# minus sign.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u2212")
# Characters skipped before looking at the first one: spaces (a spreadsheet may trim them) and the
# invisible ones.
_LEADING_BLANKS = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\u200b\u200c\u200d\u2060\ufeff"  # noqa: E501
# Text containing any of these is quoted in CSV: the separators of every locale, the quote, line breaks.
_CSV_QUOTE_IF = re.compile(r'[;,\t\r\n"]')
# Characters an XLSX file may not hold (XML 1.0): openpyxl refuses them, so they are dropped.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XLSX_MAX_TEXT = 32767  # longest text a cell may hold in Excel

DATE_FORMAT_XLSX = "dd/mm/yyyy"
DATETIME_FORMAT_XLSX = "dd/mm/yyyy hh:mm"
_CHUNK = 64 * 1024


# --- Values -------------------------------------------------------------------------------------------


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read this text as a formula (or a DDE call)."""
    if not text:
        return False
    if text[0] in FORMULA_TRIGGERS:
        return True
    rest = text.lstrip(_LEADING_BLANKS)
    return bool(rest) and rest[0] in FORMULA_TRIGGERS


def neutralise(text: str) -> str:
    """The text prefixed with a single quote if it could be read as a formula (for CSV)."""
    return "'" + text if is_formula_like(text) else text


def _is_number(value) -> bool:
    return isinstance(value, int | Decimal | float) and not isinstance(value, bool)


def as_decimal(value) -> Decimal:
    """An exact Decimal for a number: a float through its shortest representation (0.1 -> 0.1)."""
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    else:
        d = Decimal(repr(value))
    if not d.is_finite():
        raise ValueError(f"Nombre non fini dans un export : {value!r}")
    return d if d else abs(d)  # no "-0"


def format_number(value) -> str:
    """A number in plain French notation: '1500', '1500,5', '-12,5'; no thousands separator, no exponent."""
    return format(as_decimal(value), "f").replace(".", ",")


def _local_naive(value: dt.datetime) -> dt.datetime:
    if timezone.is_aware(value):
        return timezone.make_naive(value, timezone.get_current_timezone())
    return value


def csv_cell(value) -> str:
    """One value as the text of a CSV cell (before quoting)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if _is_number(value):
        return format_number(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(str(value))


def _csv_field(value) -> str:
    texte = csv_cell(value)
    if _is_number(value):
        return texte  # '-12,5' stays a bare number
    if _CSV_QUOTE_IF.search(texte):
        return '"' + texte.replace('"', '""') + '"'
    return texte


def csv_line(values: Iterable) -> str:
    """One CSV line ('a;b;c\\r\\n') of neutralised, formatted values."""
    return SEPARATOR.join(_csv_field(v) for v in values) + LINE_END


# --- CSV ----------------------------------------------------------------------------------------------


def csv_lines(header: Iterable | None, rows: Iterable[Iterable]) -> Iterator[str]:
    """The file's text in chunks: BOM and header first, then the rows as they come (rows may be a
    generator over ``queryset.iterator()``: nothing is held in memory but one chunk)."""
    morceaux = [BOM]
    taille = 1
    if header is not None:
        morceaux.append(csv_line(header))
    for row in rows:
        ligne = csv_line(row)
        morceaux.append(ligne)
        taille += len(ligne)
        if taille >= _CHUNK:
            yield "".join(morceaux)
            morceaux, taille = [], 0
    if morceaux:
        yield "".join(morceaux)


def csv_text(header: Iterable | None, rows: Iterable[Iterable]) -> str:
    """The whole file as text, BOM included (for small files and commands writing to disk)."""
    return "".join(csv_lines(header, rows))


def csv_bytes(header: Iterable | None, rows: Iterable[Iterable]) -> bytes:
    return csv_text(header, rows).encode("utf-8")


def csv_response(filename: str, header: Iterable | None, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A streamed CSV download. ``rows`` is consumed while the response is sent."""
    response = StreamingHttpResponse(
        (morceau.encode("utf-8") for morceau in csv_lines(header, rows)), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition(filename)
    return response


def csv_text_response(filename: str, text: str) -> StreamingHttpResponse:
    """A CSV download of text already assembled with ``csv_line`` (BOM added here)."""
    response = StreamingHttpResponse([(BOM + text).encode("utf-8")], content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


# --- XLSX ---------------------------------------------------------------------------------------------


def new_workbook():
    """A write-only openpyxl workbook (rows go to disk as they are appended). Add sheets with
    ``wb.create_sheet(title)`` and rows with ``ws.append(xlsx_row(ws, values))``."""
    from openpyxl import Workbook

    return Workbook(write_only=True)


def classeur_liste(feuille: str, titre: str, colonnes: Iterable, lignes: Iterable[Iterable]):
    """A write-only workbook of one sheet: its title line, the header, then the rows as they come (the list
    behind a figure, written in the request or by the worker: ``core.exports_differes``)."""
    wb = new_workbook()
    ws = wb.create_sheet(feuille)
    ws.append(xlsx_row(ws, [titre]))
    ws.append(xlsx_row(ws, colonnes))
    for ligne in lignes:
        ws.append(xlsx_row(ws, ligne))
    return wb


def _number_format(d: Decimal) -> str:
    exposant = d.as_tuple().exponent
    return "0" if not isinstance(exposant, int) or exposant >= 0 else "0." + "0" * -exposant


def xlsx_cell(ws, value, *, number_format: str | None = None, font=None, fill=None, alignment=None):
    """One cell of a write-only sheet: text as text (never a formula), numbers as numbers with a
    number format, dates as dates. ``number_format`` overrides the format of a number or date."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    if value is None:
        pass
    elif isinstance(value, bool):
        _set_text(cell, "oui" if value else "non")
    elif _is_number(value):
        d = as_decimal(value)
        cell.value = int(d) if isinstance(value, int) else d
        cell.number_format = number_format or _number_format(d)
    elif isinstance(value, dt.datetime):
        cell.value = _local_naive(value)
        cell.number_format = number_format or DATETIME_FORMAT_XLSX
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = number_format or DATE_FORMAT_XLSX
    else:
        _set_text(cell, str(value))
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _set_text(cell, text: str) -> None:
    text = _XLSX_ILLEGAL.sub("", text)[:XLSX_MAX_TEXT]
    cell.value = text
    cell.data_type = "s"  # openpyxl would make '=...' a formula and '#N/A' an error
    if is_formula_like(text):
        cell.quotePrefix = True  # stays text when edited in the spreadsheet


def xlsx_row(ws, values: Iterable, *, number_formats: Iterable | None = None, **style) -> list:
    """A row of cells for ``ws.append``; ``number_formats`` gives one format (or None) per value."""
    formats = list(number_formats) if number_formats is not None else []
    return [
        xlsx_cell(ws, v, number_format=formats[i] if i < len(formats) else None, **style) for i, v in enumerate(values)
    ]


def xlsx_file(wb):
    """The workbook saved to an anonymous temporary file, rewound (the caller closes it)."""
    fichier = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (handed to the response, which closes it)
    try:
        wb.save(fichier)
    except BaseException:
        fichier.close()
        raise
    fichier.seek(0)
    return fichier


def xlsx_bytes(wb) -> bytes:
    with xlsx_file(wb) as fichier:
        return fichier.read()


def xlsx_response(filename: str, wb) -> FileResponse:
    """A streamed XLSX download of a workbook built with ``new_workbook``."""
    response = FileResponse(xlsx_file(wb), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


# --- File names ---------------------------------------------------------------------------------------


def safe_filename(name: str, *, default: str = "export") -> str:
    """ASCII letters, digits, '.', '_' and '-' only (accents dropped, anything else a '-'), no leading
    dot, at most 150 characters: safe in a header and on every file system."""
    ascii_ = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    propre = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_)
    propre = re.sub(r"\.{2,}", ".", re.sub(r"-{2,}", "-", propre)).strip("-.")
    if len(propre) > 150:
        base, point, ext = propre.rpartition(".")
        propre = (base[: 149 - len(ext)] + point + ext) if point and len(ext) <= 5 else propre[:150]
    return propre or default


def content_disposition(filename: str, *, attachment: bool = True) -> str:
    return f'{"attachment" if attachment else "inline"}; filename="{safe_filename(filename)}"'
