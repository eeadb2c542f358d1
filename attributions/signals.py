"""Signals other apps listen to without attributions depending on them."""

from django.dispatch import Signal

# Sent inside the import's transaction, after the decisions of an F1 file are written and before the
# objectives are recomputed: ``epci_ids`` (set of int), ``lot`` (LotImport). Receivers may correct the
# decisions (the relocation app marks again its relocated households) in the same transaction.
decisions_importees = Signal()
