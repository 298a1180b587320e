"""trustbot: application wiring, configuration, storage, safety and the command line."""

import os

# Opt in to python-telegram-bot's coming behaviour now: time spans such as RetryAfter's
# retry_after are timedelta objects (read at access time, so setting it here is enough), and
# every read stops warning that the type will change.
os.environ.setdefault("PTB_TIMEDELTA", "true")
