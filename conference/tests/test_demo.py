"""The demo conference: 49 titulars in office, the December 2020 deliberations with the counts of the record, the
2025 balance sheet reviewed, one upcoming meeting convened; idempotent; the demo CIL member sees it all."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cil.models import Epci
from cil.services import import_referentiels
from conference.demo import SEANCE_BILAN, SEANCE_CIA
from conference.models import Deliberation, Instance, JournalConference, Seance
from core.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]  # the upcoming meeting's document is rendered by WeasyPrint


def test_la_demo_de_la_conference(client, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "prive")
    settings.DEMO_SEEDERS = ["conference.demo.seed"]
    import_referentiels(only_epci="200040715")
    call_command("seed_demo", stdout=StringIO())
    epci = Epci.objects.get(siren="200040715")
    pleniere = Instance.objects.get(epci=epci, type="PLENIERE")
    assert pleniere.membres.titulaires().en_exercice(SEANCE_CIA).count() == 49
    assert pleniere.membres.titulaires().en_exercice(timezone.localdate()).count() == 49
    assert set(pleniere.membres.exclude(copresidence="").values_list("copresidence", flat=True)) == {
        "PREFET",
        "PRESIDENT_EPCI",
    }
    assert Instance.objects.filter(epci=epci).count() == 4
    cia = Deliberation.objects.filter(date=SEANCE_CIA).order_by("rang")
    assert [d.numero for d in cia] == ["2020-01", "2020-02"]
    assert (
        cia[0].ligne == "membres en exercice 49, présents 36, pouvoirs 7, votants 43 : pour 43, contre 0, abstention 0"
    )
    assert cia[0].resultat == "ADOPTE"
    bilan = Deliberation.objects.get(date=SEANCE_BILAN)
    assert bilan.numero == f"{SEANCE_BILAN.year}-01" and bilan.point.annee_bilan == 2025
    prochaine = Seance.objects.get(instance=pleniere, date__gte=timezone.localdate())
    assert prochaine.statut == "CONVOQUEE" and prochaine.documents.count() == 1
    assert prochaine.points.count() >= 2

    def etat():
        return [m.objects.count() for m in (Deliberation, Seance, JournalConference)] + [pleniere.membres.count()]

    avant = etat()
    call_command("seed_demo", stdout=StringIO())
    assert etat() == avant
    client.force_login(User.objects.get(username="membre"))
    espace = client.get(reverse("conference:espace")).content.decode()
    assert "2020-01" in espace and "Note de présentation" in espace
    assert "Paul Lefèvre" in client.get(reverse("conference:instance", args=[pleniere.pk])).content.decode()
