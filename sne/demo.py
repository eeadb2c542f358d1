"""Demo data of the national format: the public sample demand received from the SNE, and a second demand
radiated for an allocation on a COLTER reservation, so that the objectives page shows « Réservataire à
qualifier »."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from attributions.models import Logement
from demandes.models import Demande

from .exemples import NUD, avec_radiation, bloc_radatt, exemple_complete
from .services import importer_fichier

NUD_ATTRIBUTION = "038012600042G3801"


def seed(territory, *, stdout=None):
    epcis = {territory.epci.pk}
    rapport = importer_fichier(contenu=exemple_complete(), nom_fichier="demo_sne_JDD.xml", epcis=epcis)
    if stdout is not None:
        stdout.write(f"Format national : {rapport.resume}.")
    logements = Logement.objects.filter(epci=territory.epci).select_related("bailleur").order_by("identifiant")
    logement = next((x for x in logements[:200] if len(x.identifiant) <= 10), None)  # numeroRpls: 10 characters
    if logement is None or Demande.objects.filter(numero_national=NUD_ATTRIBUTION, statut="RADIEE").exists():
        return
    date_bail = dt.date(timezone.localdate().year, 1, 15)
    bloc = bloc_radatt(
        rpls=logement.identifiant,
        siren=logement.bailleur.siren,
        type_reservataire="COLTER",
        date_bail=date_bail.isoformat(),
    )
    radiee = avec_radiation(exemple_complete(), bloc).replace(NUD.encode(), NUD_ATTRIBUTION.encode())
    radiee = radiee.replace(b"<ns1:nom>Dupont</ns1:nom>", b"<ns1:nom>Benali</ns1:nom>")
    rapport = importer_fichier(contenu=radiee, nom_fichier="demo_sne_RADATT.xml", epcis=epcis)
    if stdout is not None:
        stdout.write(f"Format national : {rapport.resume} ({', '.join(rapport.changements)}).")
