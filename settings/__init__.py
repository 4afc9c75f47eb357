"""Every environment variable the assistant and its tools read, declared once: name, meaning,
type and default. Code reads a variable only through its declaration here
(`settings.ACTION_TIMEOUT.read()`), so a name, a default or a check has one home;
`python -m settings check` checks them all (the stack and the servers do it at start) and
.env.example is generated from this list (`python -m settings example`).

A declaration whose default is None means "unset": the reader decides what that means (for
example a development default under run/, or a feature that stays off).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from settings.values import (
    Setting,
    env_choice,
    env_flag,
    env_float,
    env_int,
    env_port,
    env_ports,
    env_text,
)

ALL: dict[str, Setting[Any]] = {}

ASSISTANT = "The assistant (make run, the servers)"
STORES = "Stores"
FRONT_DESK = "Front desk console and API"
NOTICES = "Front-desk notices (off until set)"
CLINIKO = "Cliniko booking (off until CLINIKO_API_KEY is set)"
CHANNELS = "Channels (off until their secrets are set)"
CONTENT = "Clinic and content"
CLUSTER = "The local cluster (make cluster-up)"
RASA = "Rasa itself"
TOOLS = "Tools and tests"


def _declare(setting: Setting[Any]) -> Any:
    if setting.name in ALL:
        raise ValueError(f"{setting.name} is declared twice")
    ALL[setting.name] = setting
    return setting


def _raw(name: str, default: str | None, env: Mapping[str, str] | None) -> str | None:
    """As given, spaces kept (a password may hold them)."""
    return (os.environ if env is None else env).get(name) or default


def text(name: str, group: str, meaning: str, default: str | None = None, **kw: Any) -> Setting:
    return _declare(Setting(name, group, meaning, default, env_text, **kw))


def secret(name: str, group: str, meaning: str) -> Setting[str | None]:
    return _declare(Setting(name, group, meaning, None, _raw, secret=True))


def whole(name: str, group: str, meaning: str, default: int, minimum: int = 0) -> Setting[int]:
    return _declare(
        Setting(name, group, meaning, default, lambda n, d, e: env_int(n, d, e, minimum=minimum))
    )


def number(
    name: str, group: str, meaning: str, default: float, positive: bool = False
) -> Setting[float]:
    return _declare(
        Setting(
            name, group, meaning, default, lambda n, d, e: env_float(n, d, e, positive=positive)
        )
    )


def port(name: str, group: str, meaning: str, default: int) -> Setting[int]:
    return _declare(Setting(name, group, meaning, default, env_port))


def ports(name: str, group: str, meaning: str, default: tuple[int, ...]) -> Setting:
    return _declare(Setting(name, group, meaning, default, env_ports))


def choice(name: str, group: str, meaning: str, default: str, choices: tuple[str, ...]) -> Setting:
    return _declare(
        Setting(name, group, meaning, default, lambda n, d, e: env_choice(n, d, choices, e))
    )


def flag(name: str, group: str, meaning: str, default: bool = False) -> Setting[bool]:
    return _declare(Setting(name, group, meaning, default, env_flag))


# -- the assistant -------------------------------------------------------------------------
RASA_PORT = port("RASA_PORT", ASSISTANT, "Rasa server port (REST, socket.io, channels)", 5005)
ACTION_PORT = port("ACTION_PORT", ASSISTANT, "action server port", 5055)
WEB_PORT = port("WEB_PORT", ASSISTANT, "web app port (widget page, console, API)", 8080)
RASA_API_TOKEN = secret(
    "RASA_API_TOKEN", ASSISTANT, "Rasa's --auth-token (development default when unset)"
)
LISTEN_HOST = text(
    "LISTEN_HOST",
    ASSISTANT,
    "interface make run listens on (0.0.0.0: every interface; then set RASA_PUBLIC_URL and "
    "RASA_CORS_ORIGINS to this machine's name)",
    "127.0.0.1",
)
RASA_CORS_ORIGINS = text(
    "RASA_CORS_ORIGINS",
    ASSISTANT,
    "browser origins allowed to call Rasa, comma-separated ('*' refused); default: the web "
    "app (make run: under both loopback names)",
)
RASA_PUBLIC_URL = text("RASA_PUBLIC_URL", ASSISTANT, "Rasa as the browser reaches it (widget)")
RASA_INTERNAL_URL = text("RASA_INTERNAL_URL", ASSISTANT, "Rasa as the web app reaches it")
ACTION_TIMEOUT = number(
    "ACTION_TIMEOUT", ASSISTANT, "seconds Rasa waits for a custom action", 10.0, positive=True
)
ESCALATION_TIMEOUT = number(
    "ESCALATION_TIMEOUT",
    ASSISTANT,
    "seconds Rasa waits for the red-flag escalation before its own safe answer",
    3.0,
    positive=True,
)
MAX_MESSAGE_BYTES = whole("MAX_MESSAGE_BYTES", ASSISTANT, "longest message in UTF-8 bytes", 16_384)
RATE_LIMIT_PER_MINUTE = whole(
    "RATE_LIMIT_PER_MINUTE", ASSISTANT, "messages per sender per minute (0: no limit)", 30
)
RASA_REQUEST_MAX_BYTES = whole(
    "RASA_REQUEST_MAX_BYTES", ASSISTANT, "largest HTTP request body to Rasa", 1_048_576
)
LOG_LEVEL = text("LOG_LEVEL", ASSISTANT, "Rasa's log level (read by Rasa itself)", "INFO")
RATE_LIMIT_REDIS_URL = text(
    "RATE_LIMIT_REDIS_URL", ASSISTANT, "where rate-limit counts are shared (else REDIS_URL)"
)

# -- stores --------------------------------------------------------------------------------
DATABASE_URL = text(
    "DATABASE_URL",
    STORES,
    "handoff store (SQLAlchemy URL); make run: SQLite under run/dev",
    example="postgresql://user:password@127.0.0.1:5432/clinic",
)
TRACKER_STORE_URL = text(
    "TRACKER_STORE_URL",
    STORES,
    "conversations (Rasa's tracker store, SQLAlchemy URL); make run: SQLite under run/dev",
    example="postgresql://user:password@127.0.0.1:5432/clinic",
)
REDIS_URL = text("REDIS_URL", STORES, "shared state of several processes (locks, limits, seen ids)")
HANDOFF_OUTBOX = text(
    "HANDOFF_OUTBOX", STORES, "folder where handoffs wait while the database is down"
)
TRACKER_STORE_RETRY_SECONDS = number(
    "TRACKER_STORE_RETRY_SECONDS",
    STORES,
    "seconds before retrying a tracker store that failed",
    20.0,
)
TRACKER_CACHE_SIZE = whole(
    "TRACKER_CACHE_SIZE", STORES, "conversations kept loaded per Rasa process", 200
)
LOCK_STORE_RETRY_SECONDS = number(
    "LOCK_STORE_RETRY_SECONDS", STORES, "seconds before retrying a lock store that failed", 20.0
)
RETENTION_DAYS = whole(
    "RETENTION_DAYS", STORES, "days conversations and handoffs are kept", 90, minimum=1
)
INSIGHTS = flag(
    "INSIGHTS",
    STORES,
    "count conversations for /api/insights and keep unsure messages (redacted) for review",
    True,
)
INSIGHTS_KEY = secret(
    "INSIGHTS_KEY",
    STORES,
    "keys the hash that stands for a conversation in insights, the same for every process "
    "(required with INSIGHTS on and a PostgreSQL DATABASE_URL; unset with SQLite: a random key "
    "in run/insights.key)",
)
RETENTION_EVERY_HOURS = number(
    "RETENTION_EVERY_HOURS", STORES, "how often the web app deletes old records (0: never)", 24.0
)

# -- front desk ----------------------------------------------------------------------------
FRONTDESK_TOKEN = secret("FRONTDESK_TOKEN", FRONT_DESK, "bearer token for /api/handoffs")
FRONTDESK_PASSWORD_HASH = secret(
    "FRONTDESK_PASSWORD_HASH",
    FRONT_DESK,
    "staff password hash (python -m webapp.frontdesk.hash_password)",
)
FRONTDESK_PASSWORD = secret(
    "FRONTDESK_PASSWORD", FRONT_DESK, "or the plain staff password (hashed at start)"
)
FRONTDESK_SESSION_SECRET = secret(
    "FRONTDESK_SESSION_SECRET", FRONT_DESK, "signs the session cookie (random per process if unset)"
)
FRONTDESK_SESSION_MINUTES = number(
    "FRONTDESK_SESSION_MINUTES", FRONT_DESK, "how long a sign-in lasts", 480.0, positive=True
)
FRONTDESK_COOKIE_SECURE = flag(
    "FRONTDESK_COOKIE_SECURE", FRONT_DESK, "send the session cookie over HTTPS only"
)
FRONTDESK_PUBLIC_URL = text(
    "FRONTDESK_PUBLIC_URL", FRONT_DESK, "the console's address, linked from notices"
)
CONSOLE_DONE_DAYS = whole(
    "CONSOLE_DONE_DAYS",
    FRONT_DESK,
    "days a done handoff stays in the console's working list (then: status filter Done)",
    2,
)

# -- notices -------------------------------------------------------------------------------
FRONTDESK_SLACK_WEBHOOK_URL = secret(
    "FRONTDESK_SLACK_WEBHOOK_URL", NOTICES, "Slack incoming webhook for new handoffs"
)
FRONTDESK_SMTP_HOST = text("FRONTDESK_SMTP_HOST", NOTICES, "mail server for handoff e-mails")
FRONTDESK_SMTP_PORT = text("FRONTDESK_SMTP_PORT", NOTICES, "mail server port (465: TLS)", "587")
FRONTDESK_SMTP_STARTTLS = text(
    "FRONTDESK_SMTP_STARTTLS", NOTICES, "true/false; default: true on port 587"
)
FRONTDESK_SMTP_USER = text("FRONTDESK_SMTP_USER", NOTICES, "mail server user")
FRONTDESK_SMTP_PASSWORD = secret("FRONTDESK_SMTP_PASSWORD", NOTICES, "mail server password")
FRONTDESK_EMAIL_FROM = text("FRONTDESK_EMAIL_FROM", NOTICES, "sender of handoff e-mails")
FRONTDESK_EMAIL_TO = text("FRONTDESK_EMAIL_TO", NOTICES, "recipients, comma-separated")

# -- Cliniko -------------------------------------------------------------------------------
CLINIKO_API_KEY = secret("CLINIKO_API_KEY", CLINIKO, "API key (its suffix names the shard)")
CLINIKO_BUSINESS_ID = text("CLINIKO_BUSINESS_ID", CLINIKO, "the clinic's business id")
CLINIKO_PRACTITIONER_ID = text("CLINIKO_PRACTITIONER_ID", CLINIKO, "the physiotherapist's id")
CLINIKO_APPOINTMENT_TYPE_ID = text(
    "CLINIKO_APPOINTMENT_TYPE_ID", CLINIKO, "the appointment type booked"
)
CLINIKO_BASE_URL = text("CLINIKO_BASE_URL", CLINIKO, "API address (default: from the key)")
CLINIKO_TIMEOUT = number("CLINIKO_TIMEOUT", CLINIKO, "seconds per request", 10.0, positive=True)
CLINIKO_MAX_RETRY_WAIT = number(
    "CLINIKO_MAX_RETRY_WAIT", CLINIKO, "longest wait honoured from Retry-After", 30.0
)

# -- channels ------------------------------------------------------------------------------
SLACK_BOT_TOKEN = secret("SLACK_BOT_TOKEN", CHANNELS, "Slack bot token")
SLACK_SIGNING_SECRET = secret("SLACK_SIGNING_SECRET", CHANNELS, "Slack signing secret")
SLACK_CHANNEL = text("SLACK_CHANNEL", CHANNELS, "Slack channel the bot answers in")
SLACK_API_URL = text("SLACK_API_URL", CHANNELS, "Slack API address (tests: a local fake)")
FACEBOOK_VERIFY_TOKEN = secret("FACEBOOK_VERIFY_TOKEN", CHANNELS, "Messenger webhook verify token")
FACEBOOK_APP_SECRET = secret("FACEBOOK_APP_SECRET", CHANNELS, "Meta app secret")
FACEBOOK_PAGE_ACCESS_TOKEN = secret(
    "FACEBOOK_PAGE_ACCESS_TOKEN", CHANNELS, "Messenger page access token"
)
FACEBOOK_GRAPH_URL = text("FACEBOOK_GRAPH_URL", CHANNELS, "Graph API address (tests: a local fake)")

# -- Rasa itself (not cleared for tests: `RASA_PATCHES=off make test` tests stock Rasa) -------
RASA_PATCHES = choice(
    "RASA_PATCHES",
    RASA,
    "on: the project's changes to Rasa (docs/rasa-patches.md); off: stock Rasa, to bisect",
    "on",
    ("on", "off"),
)

# Read by Rasa itself where endpoints.yml names them (deploy/cluster, deploy/k8s): declared so
# they are documented and accepted in .env; the code never reads them.
ACTION_ENDPOINT_URL = text("ACTION_ENDPOINT_URL", RASA, "the action server as Rasa reaches it")
REDIS_HOST = text("REDIS_HOST", RASA, "Redis host of the lock store (cluster, Kubernetes)")
REDIS_PORT = port("REDIS_PORT", RASA, "Redis port of the lock store", 6379)
REDIS_DB = whole("REDIS_DB", RASA, "Redis database of the lock store", 1)
REDIS_PASSWORD = secret("REDIS_PASSWORD", RASA, "Redis password of the lock store")
RASA_TELEMETRY_ENABLED = flag(
    "RASA_TELEMETRY_ENABLED", RASA, "Rasa's usage reports (make run and make test: off)", False
)
SANIC_HOST = text(
    "SANIC_HOST", RASA, "the interface the action server (rasa_sdk) binds; make run: LISTEN_HOST"
)

# -- clinic and content --------------------------------------------------------------------
CLINIC_CONFIG = text("CLINIC_CONFIG", CONTENT, "the clinic's details file (default ./clinic.yml)")
HEADACHE_SPACY_PIPELINE = text(
    "HEADACHE_SPACY_PIPELINE", CONTENT, "the spaCy pipeline folder (default under build/)"
)

# -- the local cluster ---------------------------------------------------------------------
CLUSTER_PORT = port("CLUSTER_PORT", CLUSTER, "nginx entry for Rasa", 8005)
CLUSTER_ACTION_PORT = port("CLUSTER_ACTION_PORT", CLUSTER, "nginx entry for actions", 8055)
CLUSTER_RASA_PORTS = ports("CLUSTER_RASA_PORTS", CLUSTER, "the Rasa replicas", (8006, 8007))
CLUSTER_ACTION_PORTS = ports(
    "CLUSTER_ACTION_PORTS", CLUSTER, "the action server replicas", (8056, 8057)
)
CLUSTER_WEB_PORT = port("CLUSTER_WEB_PORT", CLUSTER, "the cluster's web app", 8081)
CLUSTER_DB = "postgresql://postgres@127.0.0.1:5432/headache_cluster"
CLUSTER_TRACKER_STORE_URL = text("CLUSTER_TRACKER_STORE_URL", CLUSTER, "conversations", CLUSTER_DB)
CLUSTER_DATABASE_URL = text("CLUSTER_DATABASE_URL", CLUSTER, "handoffs", CLUSTER_DB)
CLUSTER_REDIS_HOST = text("CLUSTER_REDIS_HOST", CLUSTER, "Redis host", "127.0.0.1")
CLUSTER_REDIS_PORT = port("CLUSTER_REDIS_PORT", CLUSTER, "Redis port", 6379)
CLUSTER_REDIS_DB = whole("CLUSTER_REDIS_DB", CLUSTER, "Redis database number", 1)
CLUSTER_REDIS_PASSWORD = secret("CLUSTER_REDIS_PASSWORD", CLUSTER, "Redis password")
NGINX = text("NGINX", CLUSTER, "the nginx binary (default: on PATH, else /usr/sbin/nginx)")

# -- tools and tests -----------------------------------------------------------------------
BENCH_CONVERSE = text(
    "BENCH_CONVERSE", TOOLS, "the shared evaluation driver", "/work/shared/eval/converse.py"
)
AUDIT_REQUIRED = flag("AUDIT_REQUIRED", TOOLS, "make audit fails when the service is unreachable")
CI = flag("CI", TOOLS, "set on CI: tests whose services do not answer fail instead of skipping")
TEST_RASA_PORT = port("TEST_RASA_PORT", TOOLS, "Rasa port of the stack the tests start", 15005)
TEST_ACTION_PORT = port("TEST_ACTION_PORT", TOOLS, "action server port of the test stack", 15055)
TEST_WEB_PORT = port("TEST_WEB_PORT", TOOLS, "web app port of the test stack", 18080)
TEST_REDIS_URL = text(
    "TEST_REDIS_URL", TOOLS, "Redis the tests may use and empty", "redis://127.0.0.1:6379/15"
)
HANDOFF_TEST_POSTGRES_URL = text(
    "HANDOFF_TEST_POSTGRES_URL", TOOLS, "PostgreSQL the store tests use (default: local 'test')"
)

# What the test suite sets for the stack it starts: a machine's own values must not leak in.
SERVICE_GROUPS = (ASSISTANT, STORES, FRONT_DESK, NOTICES, CLINIKO, CHANNELS, CONTENT)


def service_names() -> list[str]:
    """The variables the running assistant reads (not the cluster's or the tools')."""
    return [name for name, s in ALL.items() if s.group in SERVICE_GROUPS]


def cluster_names() -> list[str]:
    return [name for name, s in ALL.items() if s.group == CLUSTER]


def problems(
    env: Mapping[str, str] | None = None, groups: tuple[str, ...] | None = None
) -> list[str]:
    """Every variable (of `groups`, default all) set to a value its reader refuses, as
    messages naming it."""
    found = []
    for setting in ALL.values():
        if groups is not None and setting.group not in groups:
            continue
        try:
            setting.read(env)
        except ValueError as error:
            found.append(str(error))
    return found


def combination_problems(env: Mapping[str, str] | None = None) -> list[str]:
    """Values fine alone that do not go together, as messages naming them."""
    found = []
    try:
        shared = (DATABASE_URL.read(env) or "sqlite").split(":", 1)[0].split("+", 1)[0]
        if INSIGHTS.read(env) and shared != "sqlite" and not INSIGHTS_KEY.is_set(env):
            found.append(
                "INSIGHTS_KEY must be set when INSIGHTS is on and DATABASE_URL is a shared "
                f"database ({shared}): every process writing to it needs the same key, or one "
                "conversation counts twice and 'forget me' misses rows (or set INSIGHTS=off)"
            )
    except ValueError:
        pass  # a bad value alone is named by `problems`
    return found


def check(
    env: Mapping[str, str] | None = None,
    groups: tuple[str, ...] | None = SERVICE_GROUPS,
    *,
    serving: bool = True,
) -> None:
    """Refuse to start on a bad value, naming every bad variable at once. `serving`: the
    process serves conversations or the console (it records or reads insights), so values
    that do not go together stop it too; training, tests and the action server do not."""
    found = problems(env, groups)
    if serving and (groups is None or STORES in groups):
        found += combination_problems(env)
    if found:
        raise SystemExit("bad settings:\n  " + "\n  ".join(found) + "\n(see .env.example)")
