"""A moto server (AWS's APIs, faked in memory) on a free loopback port, for Carillon's AWS tests.

Prints the port on the first line of standard output once the server answers, then runs until
standard input closes (the test dropped its handle), so no server outlives its test.
"""

import logging
import sys

from moto.server import ThreadedMotoServer


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


if __name__ == "__main__":
    main()
