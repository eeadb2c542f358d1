#!/usr/bin/env python
"""Django's command-line utility."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A bad environment stops start-up with a message, not a traceback.
        sys.stderr.write(f"Configuration invalide : {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
