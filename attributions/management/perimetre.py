"""The explicit scope of the import commands: territories named by SIREN on the command line."""

from django.core.management.base import CommandError

from cil.models import Epci


def epcis_par_siren(sirens: list[str]) -> frozenset[int]:
    """The ids of the EPCIs named by ``--epci SIREN`` (repeatable); an unknown SIREN stops the command."""
    trouves = dict(Epci.objects.filter(siren__in=sirens).values_list("siren", "pk"))
    inconnus = sorted(set(sirens) - trouves.keys())
    if inconnus:
        raise CommandError(f"EPCI inconnu(s) : {', '.join(inconnus)} (SIREN à 9 chiffres du référentiel).")
    return frozenset(trouves.values())
