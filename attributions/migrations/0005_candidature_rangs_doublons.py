"""Resolve the duplicates the constraints of 0006 forbid (one presentation order per place on a vacancy,
one decision rank per vacancy and commission session), in a transaction of its own.

Before the constraints, two agents submitting at the same moment could both give rank 2. Existing duplicates
(only such races could make them) are resolved first, in the order the rows were written (``pk``):
- presentation orders: the vacancy's candidates are numbered again 1, 2, 3... in their current order;
- decision ranks: the first recorded keeps its rank, any later one moves after the session's last rank
  (its DecisionCaleol with it) and is printed, so that the landlord can check it against the minutes.
"""

from django.db import migrations
from django.db.models import Count, Max


def resoudre_doublons(apps, schema_editor):
    Candidature = apps.get_model("attributions", "Candidature")
    DecisionCaleol = apps.get_model("attributions", "DecisionCaleol")
    doublons = Candidature.objects.values("vacance_id", "rang_propose").annotate(n=Count("pk")).filter(n__gt=1)
    for vacance_id in sorted({d["vacance_id"] for d in doublons}):
        candidatures = Candidature.objects.filter(vacance_id=vacance_id).order_by("rang_propose", "pk")
        # two passes so that no intermediate state breaks the new constraint once it exists
        for i, c in enumerate(candidatures, start=1):
            Candidature.objects.filter(pk=c.pk).update(rang_propose=10000 + i)
        for i, c in enumerate(Candidature.objects.filter(vacance_id=vacance_id).order_by("rang_propose"), start=1):
            Candidature.objects.filter(pk=c.pk).update(rang_propose=i)
    doublons = (
        Candidature.objects.filter(rang__isnull=False)
        .values("vacance_id", "seance_id", "rang")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    for d in doublons:
        memes = Candidature.objects.filter(vacance_id=d["vacance_id"], seance_id=d["seance_id"], rang=d["rang"])
        for c in memes.order_by("pk")[1:]:
            dernier = Candidature.objects.filter(vacance_id=d["vacance_id"], seance_id=d["seance_id"]).aggregate(
                m=Max("rang")
            )["m"]
            Candidature.objects.filter(pk=c.pk).update(rang=dernier + 1)
            if c.decision_id:
                DecisionCaleol.objects.filter(pk=c.decision_id).update(rang=dernier + 1)
            print(  # noqa: T201 - the operator must see which decision moved
                f"\n  candidature {c.pk} (vacance {d['vacance_id']}, séance {d['seance_id']}) : "
                f"rang {d['rang']} en double, porté à {dernier + 1}"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("attributions", "0004_parametres_attribution"),
    ]

    operations = [
        migrations.RunPython(resoudre_doublons, migrations.RunPython.noop),
    ]
