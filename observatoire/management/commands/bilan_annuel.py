"""``python manage.py bilan_annuel --epci SIREN --annee YYYY --output FILE.pdf``: a balance sheet for scripts."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from attributions.selectors import ObjectifsIndisponibles
from cil.models import Bailleur, Epci, Reservataire
from core.exports import BOM
from observatoire import exports, pdf, selectors


class Command(BaseCommand):
    help = (
        "Produit le bilan annuel (PDF) de la CIL d'un EPCI, d'un bailleur ou d'un réservataire, "
        "et en option ses tableaux (XLSX, CSV)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--epci", required=True, help="SIREN de l'EPCI")
        parser.add_argument("--annee", required=True, type=int, help="année civile du bilan")
        parser.add_argument("--output", required=True, help="fichier PDF à écrire")
        parser.add_argument("--type", choices=["cil", "bailleur", "reservataire"], default="cil")
        parser.add_argument("--bailleur", help="SIREN du bailleur (--type bailleur)")
        parser.add_argument(
            "--reservataire", help="TYPE:IDENTIFIANT du réservataire (--type reservataire), ex. COMMUNE:38185 ou ETAT:"
        )
        parser.add_argument("--xlsx", help="fichier XLSX des tableaux à écrire en plus")
        parser.add_argument("--csv", help="fichier CSV des tableaux à écrire en plus")
        parser.add_argument("--auteur", default="", help="nom imprimé comme auteur du bilan")

    def handle(self, *args, **options):
        debut = time.monotonic()
        epci = Epci.objects.filter(siren=options["epci"]).first()
        if epci is None:
            raise CommandError(f"EPCI inconnu : {options['epci']}")
        kind = options["type"].upper()
        bailleur = reservataire = None
        if kind == "BAILLEUR":
            if not options["bailleur"]:
                raise CommandError("--bailleur SIREN est requis avec --type bailleur")
            bailleur = Bailleur.objects.filter(siren=options["bailleur"]).first()
            if bailleur is None:
                raise CommandError(f"Bailleur inconnu : {options['bailleur']}")
        if kind == "RESERVATAIRE":
            if not options["reservataire"] or ":" not in options["reservataire"]:
                raise CommandError("--reservataire TYPE:IDENTIFIANT est requis avec --type reservataire")
            type_, code = options["reservataire"].split(":", 1)
            reservataire = Reservataire.objects.filter(type=type_.upper(), code=code).first()
            if reservataire is None:
                raise CommandError(f"Réservataire inconnu : {options['reservataire']}")
        try:
            contenu = selectors.bilan(
                epci,
                options["annee"],
                kind=kind,
                bailleur=bailleur,
                reservataire=reservataire,
                auteur=options["auteur"],
            )
        except ObjectifsIndisponibles as exc:
            raise CommandError(str(exc)) from exc
        calcul = time.monotonic() - debut
        octets, pages = pdf.rend_pdf_et_pages(contenu)
        sortie = Path(options["output"])
        sortie.parent.mkdir(parents=True, exist_ok=True)
        sortie.write_bytes(octets)
        if options["xlsx"]:
            Path(options["xlsx"]).write_bytes(exports.xlsx_bilan(contenu))
        if options["csv"]:
            Path(options["csv"]).write_bytes((BOM + exports.csv_bilan(contenu)).encode("utf-8"))
        total = time.monotonic() - debut
        self.stdout.write(
            self.style.SUCCESS(
                f"{contenu.titre} – {contenu.sous_titre} : {sortie} ({pages} pages, {len(octets) // 1024} Ko) "
                f"en {total:.1f} s (calcul {calcul:.1f} s, mise en page {total - calcul:.1f} s)."
            )
        )
