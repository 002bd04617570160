"""A moto server (AWS's APIs, faked in memory) on a free loopback port, for Carillon's AWS tests.

Prints the port on the first line of standard output once the server answers, then runs until
standard input closes (the test dropped its handle), so no server outlives its test.
"""

import logging
import os
import shutil
import sys
import tempfile

# moto's request recorder (tests read what was sent through it) writes to this file; keep it
# out of the working directory. Set before moto is imported, which reads it.
RECORDING_DIR = tempfile.mkdtemp(prefix="carillon-moto-")
os.environ["MOTO_RECORDER_FILEPATH"] = os.path.join(RECORDING_DIR, "recording.jsonl")

from moto.server import ThreadedMotoServer  # noqa: E402


def main() -> None:
    # One line per request would bury the test output.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    print(port, flush=True)
    try:
        sys.stdin.read()
    finally:
        server.stop()
        shutil.rmtree(RECORDING_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
