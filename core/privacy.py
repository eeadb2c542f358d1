"""What the public privacy notice says about retention, gathered from the apps that hold the data.

``core`` imports no app: each app registers, in its ``AppConfig.ready()``, a function
``(epci_id | None, jour) -> list[DureeConservation]`` that reads its own dated settings, so the notice
states the periods in force and cannot drift from what the jobs apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DureeConservation:
    donnees: str
    duree: str
    source: str = ""


_SOURCES: list[Callable[[int | None, dt.date], list[DureeConservation]]] = []


def register_retention(source: Callable[[int | None, dt.date], list[DureeConservation]]) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def durees_conservation(epci_id: int | None, jour: dt.date) -> list[DureeConservation]:
    lignes: list[DureeConservation] = []
    for source in _SOURCES:
        lignes.extend(source(epci_id, jour))
    return lignes
