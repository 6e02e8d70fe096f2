"""Settings for serving the app under load in ``bench.dashboard``: production's, plus a plain page.

DEBUG is off as in production. Static files are not served or fingerprinted
(the load client only fetches pages), so ``collectstatic`` is not needed.
"""

import warnings

from relcrm.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405

# No collected static files to serve: the pages only link to them.
warnings.filterwarnings("ignore", message="No directory at")
