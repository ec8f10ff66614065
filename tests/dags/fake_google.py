"""BigQuery, Cloud Storage and Secret Manager faked at their HTTP boundary.

The real google-cloud-bigquery, google-cloud-storage and google-cloud-secret-manager
(REST transport) clients talk to this local server (`api_endpoint`), so the tests see the
exact requests they send: job configurations, table definitions, uploaded objects,
secret versions accessed. Jobs finish at once; a query's rows come from `results`, a
function of its SQL and parameters that a test sets.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

PROJECT = "quad-test"

# (schema fields, rows) for a query: [{"name": "events", "type": "INTEGER"}], [[3]]
Results = tuple[list[dict[str, str]], list[list[Any]]]


class FakeGoogle:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.jobs: dict[str, dict[str, Any]] = {}
        self.objects: dict[tuple[str, str], bytes] = {}
        # Secret Manager: version name -> (data, the CRC32C the service reports for it).
        self.secret_versions: dict[str, tuple[bytes, int]] = {}
        self.results: Callable[[str, dict[str, Any]], Results] = lambda sql, params: ([], [])
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what the tests read --------------------------------------------------------------

    def job_configs(self, kind: str) -> list[dict[str, Any]]:
        """The `configuration.<kind>` of every job inserted, in order (load or query)."""
        return [
            r["body"]["configuration"][kind]
            for r in self.requests
            if r["method"] == "POST"
            and r["path"].endswith("/jobs")
            and kind in r["body"]["configuration"]
        ]

    def tables_created(self) -> list[dict[str, Any]]:
        return [
            r["body"]
            for r in self.requests
            if r["method"] == "POST" and r["path"].endswith("/tables")
        ]

    # --- BigQuery -------------------------------------------------------------------------

    def insert_job(self, body: dict[str, Any]) -> dict[str, Any]:
        ref = body["jobReference"]
        job = {
            **body,
            "id": f"{ref['projectId']}:{ref['jobId']}",
            "status": {"state": "DONE"},
            "statistics": {"creationTime": "1", "startTime": "1", "endTime": "2"},
        }
        if "query" in body["configuration"]:
            job["statistics"]["query"] = {"statementType": "SELECT"}
        self.jobs[ref["jobId"]] = job
        return job

    def query_results(self, job_id: str, max_results: str | None) -> dict[str, Any]:
        job = self.jobs[job_id]
        config = job["configuration"]["query"]
        params = {
            p["name"]: p["parameterValue"]["value"] for p in config.get("queryParameters", [])
        }
        fields, rows = self.results(config["query"], params)
        out: dict[str, Any] = {
            "kind": "bigquery#getQueryResultsResponse",
            "jobReference": job["jobReference"],
            "jobComplete": True,
            "schema": {"fields": [{"mode": "NULLABLE", **f} for f in fields]},
            "totalRows": str(len(rows)),
        }
        if max_results != "0":
            out["rows"] = [{"f": [{"v": None if v is None else str(v)} for v in r]} for r in rows]
        return out


def _handler(fake: FakeGoogle) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _reply(self, status: int, body: Any = None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _record(self, body: Any) -> tuple[str, dict[str, list[str]]]:
            url = urlparse(self.path)
            fake.requests.append(
                {"method": self.command, "path": url.path, "query": url.query, "body": body}
            )
            return url.path, parse_qs(url.query)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_POST(self) -> None:
            raw = self._body()
            if self.path.startswith("/upload/storage/v1/b/"):
                self._upload(raw)
                return
            body = json.loads(raw or b"{}")
            path, _ = self._record(body)
            if re.fullmatch(r"/bigquery/v2/projects/[^/]+/jobs", path):
                self._reply(200, fake.insert_job(body))
            elif re.fullmatch(r"/bigquery/v2/projects/[^/]+/datasets/[^/]+/tables", path):
                self._reply(200, body)
            else:
                self._reply(404, {"error": {"code": 404, "message": path}})

        def do_GET(self) -> None:
            path, query = self._record(None)
            if m := re.fullmatch(r"/v1/(projects/[^/]+/secrets/[^/]+/versions/[^/]+):access", path):
                self._access_secret_version(m[1])
            elif m := re.fullmatch(r"/bigquery/v2/projects/[^/]+/queries/([^/]+)", path):
                self._reply(200, fake.query_results(m[1], query.get("maxResults", [None])[0]))
            elif m := re.fullmatch(r"/bigquery/v2/projects/[^/]+/jobs/([^/]+)", path):
                self._reply(200, fake.jobs[m[1]])
            elif m := re.fullmatch(r"/storage/v1/b/([^/]+)/o", path):
                prefix = query.get("prefix", [""])[0]
                items = [
                    {"bucket": b, "name": n, "size": str(len(v)), "generation": "1"}
                    for (b, n), v in sorted(fake.objects.items())
                    if b == m[1] and n.startswith(prefix)
                ]
                self._reply(200, {"kind": "storage#objects", "items": items})
            else:
                self._reply(404, {"error": {"code": 404, "message": path}})

        def do_DELETE(self) -> None:
            path, _ = self._record(None)
            if m := re.fullmatch(r"/storage/v1/b/([^/]+)/o/(.+)", path):
                fake.objects.pop((m[1], unquote(m[2])), None)
                self._reply(204)
            else:
                self._reply(404, {"error": {"code": 404, "message": path}})

        def _access_secret_version(self, name: str) -> None:
            if name not in fake.secret_versions:
                message = f"Secret Version [{name}] not found."
                self._reply(
                    404, {"error": {"code": 404, "message": message, "status": "NOT_FOUND"}}
                )
                return
            data, crc32c = fake.secret_versions[name]
            payload = {"data": base64.b64encode(data).decode(), "dataCrc32c": str(crc32c)}
            self._reply(200, {"name": name, "payload": payload})

        def _upload(self, raw: bytes) -> None:
            path, query = self._record(None)
            bucket = path.split("/")[5]
            content_type = self.headers["Content-Type"]
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + raw
            )
            metadata_part, media_part = list(message.iter_parts())
            metadata = json.loads(metadata_part.get_payload(decode=True))
            name = metadata.get("name") or query["name"][0]
            fake.objects[(bucket, name)] = media_part.get_payload(decode=True)
            fake.requests[-1]["body"] = metadata
            self._reply(
                200,
                {
                    "bucket": bucket,
                    "name": name,
                    "size": str(len(fake.objects[(bucket, name)])),
                    "generation": "1",
                    "contentType": metadata.get("contentType"),
                },
            )

    return Handler
