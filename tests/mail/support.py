"""Real mail servers on loopback for the tests, and rounds small enough to run many times.

- `SmtpServer`: aiosmtpd on 127.0.0.1 (plain, STARTTLS or implicit TLS, optional login)
  that keeps every message it accepts, and can be told to answer 4xx or to run an action
  (such as killing the client) at a chosen point of the SMTP dialogue.
- `Dovecot`: Debian's dovecot, started in a temporary folder on a loopback port with a
  passwd-file user, as root (mail owned by the `dovecot` user) or as any other user.
- `write_round` / `answer_files`: a round YAML derived from the bundled one, and its
  templates filled the way a nämnd fills them.
"""

from __future__ import annotations

import datetime as dt
import email
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from ruamel.yaml import YAML

from remiss import resources
from remiss.documents.excel.fill import fill_response_xlsx
from remiss.documents.model import GENERAL
from remiss.documents.word.fill import fill_response_docx
from remiss.services.launch import file_names
from remiss.services.work import open_work
from remiss.settings import Workspace

USER, PASSWORD = "remiss@example.org", "hemligt-lösen-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- SMTP -------------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]

    @property
    def key(self) -> str:
        """The outbox key (X-Remiss-Key); a long one arrives folded, hence the strip."""
        return str(self.message["X-Remiss-Key"]).strip()


@dataclass
class Recorder:
    """aiosmtpd handler: keeps what it accepts; can refuse (4xx) or act at EHLO or after DATA."""

    received: list[Received] = field(default_factory=list)
    refuse_next: int = 0  # answer this many DATA commands with 451
    unknown: set[str] = field(default_factory=set)  # recipients answered with 550
    on_ehlo: Any = None  # called at each EHLO
    on_data: Any = None  # called after a message is kept, before the 250 reply

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.on_ehlo:
            self.on_ehlo()
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.unknown:
            return "550 5.1.1 Okänd mottagare"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_next:
            self.refuse_next -= 1
            return "451 4.3.0 Tillfälligt fel, försök igen"
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        if self.on_data:
            self.on_data()
        return "250 2.0.0 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535 itself


class SmtpServer:
    """A real SMTP server on loopback; `env()` gives the REMISS_SMTP_* settings to reach it."""

    def __init__(
        self,
        security: str = "none",
        cert: tuple[Path, Path] | None = None,
        login: bool = False,
        port: int | None = None,
    ):
        self.security, self.port, self.cert = security, port or free_port(), cert
        self.recorder = Recorder()
        kwargs: dict[str, Any] = {"hostname": "127.0.0.1", "port": self.port}
        if login:
            # aiosmtpd only counts STARTTLS as TLS for AUTH; an implicit-TLS socket is TLS already.
            kwargs |= {"authenticator": _authenticate, "auth_require_tls": security == "starttls"}
        if security != "none":
            assert cert is not None
            context = _server_context(cert)
            if security == "tls":
                kwargs["ssl_context"] = context
            else:
                kwargs |= {"tls_context": context, "require_starttls": True}
        self.controller = Controller(self.recorder, **kwargs)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def env(self, login: bool = False) -> dict[str, str]:
        values = {
            "REMISS_SMTP_HOST": "127.0.0.1",
            "REMISS_SMTP_PORT": str(self.port),
            "REMISS_SMTP_SECURITY": self.security,
            "REMISS_MAIL_FROM": "remiss@stockholm.example.org",
        }
        if self.cert:
            values["REMISS_SMTP_CAFILE"] = str(self.cert[0])
        if login:
            values |= {"REMISS_SMTP_USER": USER, "REMISS_SMTP_PASSWORD": PASSWORD}
        return values


def _server_context(cert: tuple[Path, Path]):
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert[0]), str(cert[1]))
    return context


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost: (cert.pem, key.pem)."""
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


# --- IMAP (Dovecot) ---------------------------------------------------------------------

DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%n
first_valid_uid = {uid}
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%n
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


class Dovecot:
    """A throwaway Dovecot IMAP server: one user, Maildir in a temporary folder, stopped on exit."""

    def __init__(self, binary: str) -> None:
        self.binary, self.port = binary, free_port()
        self.root = Path(tempfile.mkdtemp(prefix="remiss-dovecot-"))
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Dovecot:
        root = self.root
        if os.geteuid() == 0:  # Dovecot refuses uid 0 for mail; its own system users do the work
            mail_user, internal, login = pwd.getpwnam("dovecot"), "dovecot", "dovenull"
            os.chmod(root, 0o755)
        else:
            mail_user = pwd.getpwuid(os.geteuid())
            internal = login = mail_user.pw_name
        for sub in ("run", "state", "mail", "home"):
            (root / sub).mkdir()
        for sub in ("mail", "home"):
            os.chown(root / sub, mail_user.pw_uid, mail_user.pw_gid)
        (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        (root / "dovecot.conf").write_text(
            DOVECOT_CONF.format(
                root=root,
                port=self.port,
                uid=mail_user.pw_uid,
                gid=mail_user.pw_gid,
                internal=internal,
                internal_group=grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name,
                login=login,
            )
        )
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=(root / "stderr.log").open("wb"),
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not answer on port {self.port}: {self.log()}")

    def log(self) -> str:
        parts = [p.read_text(errors="replace") for p in (self.root / "dovecot.log", self.root / "stderr.log")]
        return "\n".join(p for p in parts if p)[-2000:]

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "REMISS_IMAP_HOST": "127.0.0.1",
            "REMISS_IMAP_PORT": str(self.port),
            "REMISS_IMAP_SECURITY": "none",
            "REMISS_IMAP_USER": USER,
            "REMISS_IMAP_PASSWORD": PASSWORD,
            **extra,
        }


# --- rounds and answers -----------------------------------------------------------------


def write_round(
    folder: Path, round_id: str, deadline: dt.date, recipients: list[str], reminders: dict[str, Any]
) -> Path:
    """The bundled round under another id, deadline, recipients and reminder policy."""
    yaml = YAML()
    data = yaml.load(resources.bundled_round().read_text(encoding="utf-8"))
    data["id"], data["deadline"], data["recipients"] = round_id, deadline, recipients
    data["catalog"] = str(resources.default_catalog())
    data["reminders"] = reminders
    path = folder / f"{round_id}.yaml"
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    return path


def answer_files(
    workspace: Workspace, round_id: str, org_id: str, folder: Path, *, leave_empty: tuple[str, ...] = ()
) -> list[Path]:
    """The organisation's issued templates, filled; keys in `leave_empty` get no kommentar."""
    ctx = open_work(workspace, round_id).round
    assignments = ctx.assignments(org_id)
    issued = workspace.round_outbox(round_id, org_id)
    docx_name, xlsx_name = file_names(ctx, org_id)
    answers = {
        f"remiss:{a.key}:kommentar": [f"Svar på {a.key}."] for a in assignments if a.key not in leave_empty
    }
    answers[f"remiss:{GENERAL}:overgripande"] = [f"Övergripande kommentar från {org_id}."]
    folder.mkdir(parents=True, exist_ok=True)
    word = folder / f"Svar från {org_id}.docx"
    word.write_bytes(fill_response_docx((issued / docx_name).read_bytes(), answers))
    if not assignments:
        return [word]
    values = {(a.key, "tidshorisont"): "Inför budget 2017" for a in assignments}
    excel = folder / f"Prioriteringar {org_id}.xlsx"
    excel.write_bytes(fill_response_xlsx((issued / xlsx_name).read_bytes(), values))
    return [word, excel]
