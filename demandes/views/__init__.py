"""Pages of the reception desk, by page family: thin views that parse, check rights, call one service or selector,
render. `inscription` the registration in steps, `recherche` the search and its export, `fiche` the demand's file and
its actions, `reseau` the scheduled jobs and the reception network, `cotation` the scoring grids, `rgpd` the read log
and the access export; `_commun` what they share. `demandes/urls.py` imports the modules."""
