"""Settings from environment variables, read once on first use (never at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Settings:
    table_name: str
    idempotency_table_name: str
    proof_bucket: str
    review_state_machine_arn: str
    draw_state_machine_arn: str
    scheduler_role_arn: str
    ses_send_rate: int
    sender_email: str
    staff_notify_email: str
    site_url: str
    hold_minutes: int
    session_hours: int
    confirm_link_hours: int
    reset_link_minutes: int
    review_reminder_seconds: int
    proof_max_bytes: int
    # LINE: names of where the secrets live (never the secrets themselves), and hosts.
    line_secret_name: str  # Secrets Manager: {"channelAccessToken", "channelSecret"}
    line_channel_id_parameter: str  # SSM: the LINE Login (LIFF) channel id, the tokens' `aud`
    line_api_host: str  # Messaging API base URL (the local runtime's fake platform)
    line_jwks_url: str  # LINE's public keys for ID tokens
    identity_bucket: str
    audit_bucket: str  # the published audit files of lottery draws
    jpki_roots_prefix: str
    jpki_crl_prefix: str
    jpki_crl_sources: tuple[str, ...]
    jpki_cache_seconds: float
    jpki_revocation: str
    verification_minutes: int
    municipality: str
    # Renewal per registration kind (domain/renewal.py: parse_policies); empty: defaults.
    renewal_policies: str
    # What CloudFront sends in x-yoyaku-origin-secret; empty (the local runtime, tests):
    # no request may name its viewer's address (api/auth.py client_address).
    viewer_address_secret: str


@cache
def settings() -> Settings:
    env = os.environ
    return Settings(
        table_name=env.get("TABLE_NAME", "yoyaku"),
        idempotency_table_name=env.get("IDEMPOTENCY_TABLE_NAME", "yoyaku-idempotency"),
        proof_bucket=env.get("PROOF_BUCKET", "yoyaku-proof-documents"),
        review_state_machine_arn=env.get("REVIEW_STATE_MACHINE_ARN", ""),
        draw_state_machine_arn=env.get("DRAW_STATE_MACHINE_ARN", ""),
        scheduler_role_arn=env.get("SCHEDULER_ROLE_ARN", ""),
        ses_send_rate=int(env.get("SES_SEND_RATE", "10")),
        sender_email=env.get("SENDER_EMAIL", "no-reply@yoyaku.example"),
        staff_notify_email=env.get("STAFF_NOTIFY_EMAIL", "staff@yoyaku.example"),
        site_url=env.get("SITE_URL", "http://127.0.0.1:3000").rstrip("/"),
        hold_minutes=int(env.get("HOLD_MINUTES", "10")),
        session_hours=int(env.get("SESSION_HOURS", "12")),
        confirm_link_hours=int(env.get("CONFIRM_LINK_HOURS", "24")),
        reset_link_minutes=int(env.get("RESET_LINK_MINUTES", "60")),
        review_reminder_seconds=int(env.get("REVIEW_REMINDER_SECONDS", str(3 * 24 * 3600))),
        proof_max_bytes=int(env.get("PROOF_MAX_BYTES", str(10 * 1024 * 1024))),
        line_secret_name=env.get("LINE_SECRET_NAME", "yoyaku/line/messaging"),
        line_channel_id_parameter=env.get(
            "LINE_CHANNEL_ID_PARAMETER", "/yoyaku/line/login-channel-id"
        ),
        line_api_host=env.get("LINE_API_HOST", "https://api.line.me").rstrip("/"),
        line_jwks_url=env.get("LINE_JWKS_URL", "https://api.line.me/oauth2/v2.1/certs"),
        identity_bucket=env.get("IDENTITY_BUCKET", "yoyaku-identity"),
        audit_bucket=env.get("AUDIT_BUCKET", "yoyaku-audits"),
        jpki_roots_prefix=env.get("JPKI_ROOTS_PREFIX", "jpki/roots/"),
        jpki_crl_prefix=env.get("JPKI_CRL_PREFIX", "jpki/crl/"),
        jpki_crl_sources=tuple(
            s.strip() for s in env.get("JPKI_CRL_SOURCES", "").split(",") if s.strip()
        ),
        jpki_cache_seconds=float(env.get("JPKI_CACHE_SECONDS", "60")),
        jpki_revocation=env.get("JPKI_REVOCATION", "crl"),
        verification_minutes=int(env.get("VERIFICATION_MINUTES", "30")),
        municipality=env.get("MUNICIPALITY", "東京都港区"),
        renewal_policies=env.get("RENEWAL_POLICIES", ""),
        viewer_address_secret=env.get("VIEWER_ADDRESS_SECRET", ""),
    )
