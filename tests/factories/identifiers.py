"""Valid synthetic identifiers made by the memberhub generators."""

import random

from memberhub.identifiers.cin import generate_cin
from memberhub.identifiers.mbi import generate_mbi
from memberhub.identifiers.npi import generate_npi

_rng = random.Random(834)


def mbi() -> str:
    return generate_mbi(_rng)


def cin() -> str:
    return generate_cin(_rng)


def npi() -> str:
    return generate_npi(_rng)
