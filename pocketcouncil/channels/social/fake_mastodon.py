"""A fake Mastodon server on 127.0.0.1 for tests and the demo: the parts of the Mastodon API
the adapter uses (notifications of mentions, posting a status). Never the real network.

    python -m pocketcouncil.channels.social.fake_mastodon --port 8030
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeMastodon:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, token: str = "fake-token"):  # noqa: S107
        self.token = token
        self.notifications: list[dict] = []
        self.posted: list[dict] = []
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status: int, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") == f"Bearer {fake.token}":
                    return True
                self._reply(401, {"error": "The access token is invalid"})
                return False

            def do_GET(self):  # noqa: N802
                url = urlparse(self.path)
                if url.path != "/api/v1/notifications":
                    return self._reply(404, {"error": "Record not found"})
                if not self._authorised():
                    return None
                query = parse_qs(url.query)
                since = int((query.get("since_id") or ["0"])[0] or 0)
                with fake._lock:
                    found = [n for n in fake.notifications if int(n["id"]) > since]
                return self._reply(200, sorted(found, key=lambda n: -int(n["id"])))

            def do_POST(self):  # noqa: N802
                if urlparse(self.path).path != "/api/v1/statuses":
                    return self._reply(404, {"error": "Record not found"})
                if not self._authorised():
                    return None
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    fields = json.loads(raw or "{}")
                else:
                    fields = {k: v[0] for k, v in parse_qs(raw).items()}
                with fake._lock:
                    status = fake.status(
                        text=fields.get("status", ""),
                        visibility=fields.get("visibility", "public"),
                        in_reply_to_id=fields.get("in_reply_to_id"),
                        acct="council",
                    )
                    fake.posted.append(status)
                return self._reply(200, status)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}"

    def status(self, *, text, visibility="public", in_reply_to_id=None, acct="resident@x.social"):
        return {
            "id": str(next(self._ids)),
            "uri": "",
            "url": "",
            "created_at": "2026-12-03T12:00:00.000Z",
            "account": {"id": "1", "acct": acct, "username": acct, "display_name": acct},
            "content": f"<p>{text}</p>",
            "visibility": visibility,
            "in_reply_to_id": in_reply_to_id,
            "mentions": [],
            "media_attachments": [],
        }

    def mention(self, *, text, acct="resident@x.social", visibility="public", in_reply_to_id=None):
        """A resident mentions (or direct-messages) the council; returns the status."""
        with self._lock:
            status = self.status(
                text=text, visibility=visibility, in_reply_to_id=in_reply_to_id, acct=acct
            )
            self.notifications.append(
                {
                    "id": str(next(self._ids)),
                    "type": "mention",
                    "created_at": "2026-12-03T12:00:00.000Z",
                    "account": status["account"],
                    "status": status,
                }
            )
        return status

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8030)
    args = parser.parse_args()
    fake = FakeMastodon(port=args.port)
    print(f"Fake Mastodon at {fake.url} (token: {fake.token})")
    fake.server.serve_forever()


if __name__ == "__main__":
    main()
