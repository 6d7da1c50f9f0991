"""Serve ../shared/oc4ids on a loopback port for libcoveoc4ids, which fetches the schema and codelists by
URL (a file path does not work as its schema_host); both schema_host and schema_codelists point here."""

import contextlib
import functools
import http.server
import threading

import pytest

from tuijin.bulletins.oc4ids_check import oc4ids_dir


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder=None):
    handler = functools.partial(QuietHandler, directory=str(folder or oc4ids_dir()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def cove(data: dict, base_url: str, output_dir) -> dict:
    """libcoveoc4ids' result for a package, with the schema and codelists from `base_url`."""
    api = pytest.importorskip("libcoveoc4ids.api")
    from libcoveoc4ids.config import LibCoveOC4IDSConfig

    config = LibCoveOC4IDSConfig({"schema_host": base_url, "schema_codelists": {"0.9": base_url + "codelists/"}})
    return api.oc4ids_json_output(str(output_dir), json_data=data, lib_cove_oc4ids_config=config)
