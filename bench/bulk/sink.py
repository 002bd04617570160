"""An SMTP sink for bench/bulk: accepts every message, keeps none, and prints its port on
stdout, then the number of messages received when it is stopped (SIGTERM)."""
import asyncio
import signal
import socket

from aiosmtpd.controller import Controller


class Count:
    def __init__(self):
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 OK"


async def main():
    handler = Count()
    # aiosmtpd connects to its own port to check it started, so it needs a real one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    controller.stop()
    print(handler.messages, flush=True)


asyncio.run(main())
