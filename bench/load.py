"""A small HTTP load client: ``python -m bench.load URL COOKIE SECONDS CONNECTIONS``.

Each thread keeps one connection alive and fetches URL again and again for
SECONDS; the process prints one JSON line: pages fetched, non-200 answers,
seconds. Run as a process of its own so that it does not share the server's
interpreter (the server is gunicorn, also separate).
"""

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def fetch_for(url: str, cookie: str, seconds: float, connections: int) -> dict:
    parts = urlsplit(url)
    headers = {"Cookie": cookie, "Host": parts.netloc}
    counts = [[0, 0] for _ in range(connections)]
    start = time.perf_counter()
    deadline = start + seconds

    def worker(slot):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.perf_counter() < deadline:
            try:
                conn.request("GET", parts.path, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                counts[slot][1] += 1
                continue
            counts[slot][0 if response.status == 200 else 1] += 1
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "pages": sum(ok for ok, _ in counts),
        "errors": sum(bad for _, bad in counts),
        "seconds": time.perf_counter() - start,
    }


if __name__ == "__main__":
    url, cookie, seconds, connections = sys.argv[1:5]
    print(json.dumps(fetch_for(url, cookie, float(seconds), int(connections))))
