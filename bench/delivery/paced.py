"""Offers POST /v2/notifications/email at a fixed rate (open loop: each request starts at its
scheduled time whatever the previous answers took) for bench/delivery's latency run.

    paced.py API_URL KEY TEMPLATE RATE SECONDS REFERENCE

Prints `sent <n> accepted <n> late_starts <n>`; a start more than 10 ms behind its schedule
counts as late (the load generator could not keep up and the offered rate is not what was asked).
"""

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def main():
    api_url, key, template, rate, seconds, reference = sys.argv[1:7]
    rate, seconds = float(rate), float(seconds)
    target = urlsplit(api_url)
    body = json.dumps({
        "email_address": "bench@example.gc.ca",
        "template_id": template,
        "personalisation": {"name": "Bench"},
        "reference": reference,
    })
    headers = {"Authorization": f"ApiKey-v1 {key}", "Content-Type": "application/json"}
    total = int(rate * seconds)
    counts = {"accepted": 0, "late": 0}
    lock = threading.Lock()
    local = threading.local()

    def post(scheduled):
        if time.monotonic() - scheduled > 0.010:
            with lock:
                counts["late"] += 1
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        local.conn.request("POST", "/v2/notifications/email", body, headers)
        response = local.conn.getresponse()
        response.read()
        if response.status == 201:
            with lock:
                counts["accepted"] += 1

    from concurrent.futures import ThreadPoolExecutor

    start = time.monotonic() + 0.1
    with ThreadPoolExecutor(max_workers=16) as pool:
        for n in range(total):
            scheduled = start + n / rate
            delay = scheduled - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(post, scheduled)
    print(f"sent {total} accepted {counts['accepted']} late_starts {counts['late']}")


if __name__ == "__main__":
    main()
