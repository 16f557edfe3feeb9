"""`python -m screener.healthcheck`: exit 0 when this container's process answers /healthz.

The image's HEALTHCHECK (Dockerfile) runs it, so the image needs no curl. The worker's web
page and the API listen on different ports: `SCREENER_HEALTH_PORT` says which to ask.
"""

from __future__ import annotations

import os
import sys
import urllib.request

TIMEOUT_SECONDS = 3.0


def main() -> int:
    port = os.environ.get("SCREENER_HEALTH_PORT", "8080")
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            healthy = 200 <= response.status < 300
    except OSError as exc:  # refused, timed out, or an HTTP error status
        print(f"{url}: {exc}", file=sys.stderr)
        return 1
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
