"""The hostile world itself: three territories that do not see each other's demands."""

from cil.permissions import scope_for
from demandes.models import Demande


def test_trois_territoires_cloisonnes(monde_hostile):
    for t in monde_hostile.territoires:
        scope = scope_for(t["agent"])
        assert scope.epci_tous == frozenset({t.epci.pk})
        visibles = set(Demande.objects.for_user(t["epci"]).values_list("pk", flat=True))
        assert t.demande.pk in visibles
        assert not visibles & {autre.demande.pk for autre in monde_hostile.autres(t)}
