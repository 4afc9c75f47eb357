"""Request signatures of Slack and Meta, checked before anything of a request is read.

Both sign the raw body with a shared secret (HMAC). Rasa's own checks are replaced because
Rasa's Messenger check compares with `==` and takes the hash name from the header (any hashlib
algorithm, md5 included) and knows only the sha1 header, while Meta now signs with sha256.
"""

from __future__ import annotations

import hashlib
import hmac
import time

# Slack's own advice: a request older than five minutes may be a replay.
SLACK_MAX_AGE_S = 5 * 60
HUB_ALGORITHMS = {"sha256": hashlib.sha256, "sha1": hashlib.sha1}


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    """`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`, as X-Slack-Signature carries it."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def slack_request_is_authentic(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float | None = None,
) -> bool:
    """True only for a fresh request signed with `secret`; an empty secret accepts nothing."""
    if not secret or not timestamp or not signature or not timestamp.isdigit():
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > SLACK_MAX_AGE_S:
        return False
    expected = slack_signature(secret, timestamp, body)
    return hmac.compare_digest(expected.encode(), signature.encode())


def hub_signature(secret: str, body: bytes, algorithm: str = "sha256") -> str:
    """`sha256=<hex>` (X-Hub-Signature-256) or `sha1=<hex>` (X-Hub-Signature)."""
    digest = hmac.new(secret.encode(), body, HUB_ALGORITHMS[algorithm]).hexdigest()
    return f"{algorithm}={digest}"


def hub_request_is_authentic(
    secret: str, body: bytes, sha256_header: str | None, sha1_header: str | None
) -> bool:
    """Meta's app-secret signature: X-Hub-Signature-256 when present (it then decides alone),
    else the older X-Hub-Signature. Only these two algorithms; compared in constant time."""
    if not secret:
        return False
    for algorithm, header in (("sha256", sha256_header), ("sha1", sha1_header)):
        if header:
            expected = hub_signature(secret, body, algorithm)
            return hmac.compare_digest(expected.encode(), header.strip().encode())
    return False
