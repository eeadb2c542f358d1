"""Recompute the normalised name columns: hyphens and apostrophes now read as spaces
(the duplicate check and the search match hyphen, space, accent and case variants of a name).

The function is copied here as it stands at this migration (migrations must not import code that changes).
"""

import re
import unicodedata

from django.db import migrations

TAILLE_LOT = 2000


def _normaliser(texte):
    texte = (texte or "").replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    texte = unicodedata.normalize("NFKD", texte)
    texte = "".join(c for c in texte if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", texte).strip()


def recalculer(apps, schema_editor):
    Demande = apps.get_model("demandes", "Demande")
    dernier = 0
    while True:
        lot = list(
            Demande.objects.filter(pk__gt=dernier)
            .order_by("pk")
            .only("pk", "nom", "prenom", "nom_naissance", "nom_norm", "prenom_norm", "nom_naissance_norm")[:TAILLE_LOT]
        )
        if not lot:
            return
        dernier = lot[-1].pk
        changees = []
        for d in lot:
            valeurs = (_normaliser(d.nom), _normaliser(d.prenom), _normaliser(d.nom_naissance))
            if valeurs != (d.nom_norm, d.prenom_norm, d.nom_naissance_norm):
                d.nom_norm, d.prenom_norm, d.nom_naissance_norm = valeurs
                changees.append(d)
        Demande.objects.bulk_update(changees, ["nom_norm", "prenom_norm", "nom_naissance_norm"])


class Migration(migrations.Migration):
    dependencies = [("demandes", "0005_cotation_quotidienne")]

    operations = [migrations.RunPython(recalculer, migrations.RunPython.noop, elidable=True)]
