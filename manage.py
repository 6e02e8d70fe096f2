#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relcrm.settings")
    # manage.py in a checkout is development, as with `make run`: without this a
    # fresh clone could not run a single command without a SECRET_KEY. The web
    # server (wsgi.py) and Celery keep the safe default, DEBUG off, and
    # deployments set DEBUG=false explicitly (docker-compose.yml does).
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
