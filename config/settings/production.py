"""Production: identical to base; everything specific comes from the environment."""

from .base import *  # noqa: F401,F403
