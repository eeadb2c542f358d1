"""``manage.py chiffres_publics [--epci SIREN] [--date AAAA-MM-JJ]``: compute and store the public figures."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cil.models import Epci
from public import selectors, services


class Command(BaseCommand):
    help = (
        "Calcule et enregistre les chiffres publiés (demandes, attributions, délais par commune et typologie) "
        "des territoires : par défaut, le calcul de nuit ; avec --date, les chiffres arrêtés à cette date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--epci", action="append", default=[], help="SIREN du territoire (à répéter)")
        parser.add_argument("--date", help="date d'arrêté des chiffres (AAAA-MM-JJ)")

    def handle(self, *args, **options):
        territoires = selectors.territoires_publics()
        if options["epci"]:
            territoires = Epci.objects.filter(siren__in=options["epci"])
            absents = set(options["epci"]) - set(territoires.values_list("siren", flat=True))
            if absents:
                raise CommandError(f"Territoire inconnu : {', '.join(sorted(absents))}.")
        if not options["date"] and not options["epci"]:
            faits = services.calculer_nuit()
        else:
            try:
                jour = dt.date.fromisoformat(options["date"]) if options["date"] else dt.date.today()
            except ValueError as exc:
                raise CommandError("Date attendue au format AAAA-MM-JJ.") from exc
            faits = [services.calculer_chiffres(epci, jour) for epci in territoires.order_by("siren")]
        for c in faits:
            masquees = c.parametres.get("cases_masquees", 0)
            self.stdout.write(f"{c.epci.nom} au {c.jour:%d/%m/%Y} : {len(c.lignes)} lignes, {masquees} cases masquées.")
