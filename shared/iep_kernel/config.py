"""Settings from `IEP_*` environment variables only; secrets never live in code or images."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IEP_", extra="ignore")

    database_url: str | None = Field(
        None, description="PostgreSQL DSN; unset in embedded mode starts a local server")
    kafka_bootstrap: str | None = Field(
        None, description="Kafka bootstrap servers; unset in embedded mode starts a local broker")
    kafka_idempotence: bool = Field(
        False, description="Idempotent producer; turn on for Apache Kafka (Tansu lacks it)")
    topic_prefix: str = Field("", description="Prepended to every topic name (test isolation)")
    schema_prefix: str = Field("", description="Prepended to every service schema name")
    services: str = Field("", description="Comma-separated services to run; empty runs all")
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    data_dir: Path = Field(Path(".iep-data"), description="Embedded mode's data folder")
    embedded_broker_port: int = Field(19092, description="Embedded mode's broker port")
    demo_seed: bool = Field(True, description="Embedded mode seeds the demo district when "
                                              "every event store is empty")
    log_level: str = "INFO"
    relay_poll_seconds: float = 1.0
    relay_batch_size: int = 500
    consumer_session_timeout_seconds: float = 10.0
    consumer_engine: str = Field(
        "faust", pattern="^(faust|aiokafka)$",
        description="faust (faust-streaming agents) or aiokafka (lower latency on Tansu)")
    consumer_fetch_max_wait_ms: int = Field(
        20, description="How long the aiokafka engine lets the broker hold a fetch")
    timer_poll_seconds: float = 5.0
    clock_poll_seconds: float = Field(
        2.0, description="How often a process rereads the district clock when no "
                         "notification of a move arrives")
    district_timezone: str = Field(
        "UTC", description="The district's time zone, for `iep clock` and the district date "
                           "the APIs report (set it as the services' own time zones)")

    late_entry_days: int = Field(
        30, ge=0, description="How many days after an act it may be recorded without a "
                              "late_entry_reason")

    environment: str = Field("embedded", description="embedded, development or production")
    auth_issuer: str = Field("iep-dev-issuer", description="Expected token issuer (iss)")
    auth_audience: str = Field("iep-platform", description="Expected token audience (aud)")
    auth_jwks_url: str | None = Field(None, description="The OIDC provider's JWKS URL")
    auth_jwks_cache_seconds: int = Field(300, description="How long fetched keys are trusted")
    auth_jwks_refresh_cooldown_seconds: float = Field(
        30.0, description="Least time between fetches caused by an unknown key id")
    auth_role_claim: str = Field("role", description="The token claim that names the role")
    auth_dev_issuer: bool = Field(
        False, description="Accept tokens from the local dev issuer (embedded mode only)")
    dev_issuer_key_file: Path | None = None

    master_key: SecretStr | None = Field(
        None, description="base64 of 32 random bytes that wraps every student data key; "
                          "required in production (embedded mode makes one in the data folder)")
    keys_database_url: str | None = Field(
        None, description="PostgreSQL DSN of the key vault; default IEP_DATABASE_URL")
    key_cache_seconds: float = Field(
        30.0, description="How long a process keeps an unwrapped data key in memory")

    @field_validator("district_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"{value!r} is not a known time zone, such as "
                             "America/Chicago") from err
        return value

    def check_production(self) -> None:
        """Refuse settings that must never reach a district's production system."""
        if self.environment == "production":
            if self.auth_dev_issuer:
                raise ValueError("IEP_AUTH_DEV_ISSUER must be off in production: "
                                 "tokens must come from the district's OIDC provider")
            if not self.auth_jwks_url:
                raise ValueError("IEP_AUTH_JWKS_URL is required in production")
            if self.master_key is None:
                raise ValueError("IEP_MASTER_KEY is required in production")


@lru_cache
def get_settings() -> Settings:
    return Settings()


def topic_for(service: str, prefix: str = "") -> str:
    return f"{prefix}iep.{service}.events"
