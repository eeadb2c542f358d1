"""``manage.py import_contours [FICHIER.geojson --source TEXTE]``: the communes' outlines of every map."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cil import contours


class Command(BaseCommand):
    help = (
        "Charge les contours des communes (GeoJSON, WGS 84) pour les cartes (pages publiques, observatoire). "
        "Sans fichier : les contours livrés dans cil/referentiels/contours/. Avec un fichier (un autre "
        "département), --source est obligatoire."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", nargs="?", help="collection GeoJSON de polygones de communes")
        parser.add_argument("--source", help="origine du fichier (dépôt, version, licence)")

    def handle(self, *args, **options):
        try:
            if options["fichier"]:
                if not options["source"]:
                    raise CommandError("Indiquez l'origine du fichier avec --source (dépôt, version, licence).")
                rapports = [contours.importer_contours(options["fichier"], options["source"])]
            else:
                rapports = contours.importer_contours_livres()
        except contours.ContoursInvalides as exc:
            raise CommandError(str(exc)) from exc
        for r in rapports:
            ignores = f" ; {len(r.inconnus)} code(s) INSEE inconnu(s) ignoré(s)" if r.inconnus else ""
            if r.inconnus:
                ignores += f" : {', '.join(r.inconnus[:20])}{' …' if len(r.inconnus) > 20 else ''}"
            self.stdout.write(f"{r.charges} contour(s) de communes chargé(s), dont {r.crees} nouveau(x){ignores}.")
