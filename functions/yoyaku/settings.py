"""Settings from environment variables, validated once at a function's cold start.

Every function gets the template's Globals (the table names, the proof bucket, the
sender and staff addresses, the site URL, where LINE's secrets live): they are required,
and a function that lacks one fails at init with the names of what is missing, never
later with a silent default. The values that only some functions get (ARNs, the
identity and audit buckets, the municipality) are optional here; asking for one that a
function was not given is an error that names it. The tunables (and the renewal
policies) have the defaults the template documents, and are validated at init like the
rest.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from yoyaku.domain.account_kinds import Residency
from yoyaku.domain.renewal import DEFAULT_POLICIES, RenewalPolicy, parse_policies

# What only some functions are given (template.yaml, per function).
FunctionValue = Literal[
    "review_state_machine_arn",
    "draw_state_machine_arn",
    "scheduler_role_arn",
    "identity_bucket",
    "audit_bucket",
    "jpki_roots_prefix",
    "municipality",
]


class TableSettings(BaseSettings):
    """The table alone: what the table models need (and all an operator tool is given)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    table_name: str = Field(min_length=1)


class Settings(TableSettings):
    # template.yaml Globals: every function has them (and the table name above).
    idempotency_table_name: str = Field(min_length=1)
    proof_bucket: str = Field(min_length=1)
    sender_email: str = Field(min_length=3)
    staff_notify_email: str = Field(min_length=3)
    site_url: str = Field(pattern=r"^https?://")
    # LINE: where its secrets live (never the secrets themselves), and its hosts.
    line_secret_name: str = Field(min_length=1)  # Secrets Manager: access token, secret
    line_channel_id_parameter: str = Field(min_length=1)  # SSM: the LIFF channel id (`aud`)
    line_api_host: str = Field(pattern=r"^https?://")  # Messaging API (locally: the fake)
    line_jwks_url: str = Field(pattern=r"^https?://")  # LINE's public keys for ID tokens
    # What CloudFront sends in x-yoyaku-origin-secret; empty (the local runtime, tests):
    # no request may name its viewer's address (services/clients.py).
    viewer_address_secret: str
    # Only the functions that start or resume workflows, or schedule draws.
    review_state_machine_arn: str | None = Field(default=None, pattern=r"^arn:")
    draw_state_machine_arn: str | None = Field(default=None, pattern=r"^arn:")
    scheduler_role_arn: str | None = Field(default=None, pattern=r"^arn:")
    # Only the functions that publish or read the audit files of lottery draws.
    audit_bucket: str | None = Field(default=None, min_length=1)
    # Only the functions that verify My Number cards or refresh their CRLs.
    identity_bucket: str | None = Field(default=None, min_length=1)
    jpki_roots_prefix: str | None = Field(default=None, min_length=1)
    jpki_crl_prefix: str = Field(default="jpki/crl/", min_length=1)
    jpki_crl_sources: Annotated[tuple[str, ...], NoDecode] = ()  # comma-separated URLs
    jpki_cache_seconds: float = Field(default=60, ge=0)
    jpki_revocation: Literal["crl"] = "crl"
    verification_minutes: int = Field(default=30, ge=1)
    # Only the function that stores registrations: a card's address in it is a resident.
    municipality: str | None = Field(default=None, min_length=1)
    # Tunables.
    # How long a warm function reuses the reception schedule and a facility before reading
    # them again: what a staff change takes to reach every other environment.
    reception_cache_seconds: float = Field(default=30, ge=0)
    facility_cache_seconds: float = Field(default=60, ge=0)
    ses_send_rate: int = Field(default=10, ge=1)
    hold_minutes: int = Field(default=10, ge=1)
    session_hours: int = Field(default=12, ge=1)
    confirm_link_hours: int = Field(default=24, ge=1)
    reset_link_minutes: int = Field(default=60, ge=1)
    review_reminder_seconds: int = Field(default=3 * 24 * 3600, ge=1)
    proof_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    # Renewal per registration kind, `kind:validMonths:opensMonthsBefore:graceMonths,…`
    # (domain/renewal.py: parse_policies); empty: the defaults.
    renewal_policies: Annotated[dict[Residency, RenewalPolicy], NoDecode] = Field(
        default_factory=lambda: dict(DEFAULT_POLICIES)
    )

    @field_validator("site_url", "line_api_host")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("renewal_policies", mode="before")
    @classmethod
    def _policies(cls, value: object) -> object:
        return parse_policies(value) if isinstance(value, str) else value

    @field_validator("jpki_crl_sources", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(s.strip() for s in value.split(",") if s.strip())
        return value

    def required(self, name: FunctionValue) -> str:
        """A value this function needs; refused by name when the template gave it none."""
        value: str | None = getattr(self, name)
        if value is None:
            raise RuntimeError(f"{name.upper()} is not set for this function")
        return value


@cache
def settings() -> Settings:
    """The settings, read and validated on first use (each entrypoint does so at import)."""
    return Settings()


@cache
def table_settings() -> TableSettings:
    return TableSettings()


def forget() -> None:
    """Read the environment again on next use (tests that change it)."""
    settings.cache_clear()
    table_settings.cache_clear()
