"""The notifications service's settings: its own (`IEP_NOTIFICATIONS_*`) and the mail
server's (`IEP_SMTP_*`, the names a district's mail administrator expects)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

EMBEDDED_HOST = "embedded"


class SmtpSettings(BaseSettings):
    """How mail leaves the district: `IEP_SMTP_*`. Unset host (or `embedded`) in embedded
    mode starts a local sink that keeps every message in a folder."""

    model_config = SettingsConfigDict(env_prefix="IEP_SMTP_", extra="ignore")

    host: str = Field(EMBEDDED_HOST, description="SMTP server; `embedded` runs the local sink "
                                                 "(embedded mode only)")
    port: int | None = Field(None, ge=1, le=65535,
                             description="SMTP port; default 465 with tls, 587 with starttls, "
                                         "else 25 (the embedded sink: 8025)")
    username: str | None = Field(None, description="SMTP login, if the server wants one")
    password: SecretStr | None = Field(None, description="SMTP password (a secret)")
    starttls: bool = Field(False, description="Upgrade the connection with STARTTLS")
    tls: bool = Field(False, description="Connect with implicit TLS")
    from_address: str = Field("IEP Notices <notices@district.example>",
                              description="The From of every message")
    timeout_seconds: float = Field(30.0, description="Give up on one SMTP exchange after this")

    @property
    def embedded(self) -> bool:
        return self.host in ("", EMBEDDED_HOST)

    @property
    def server_port(self) -> int:
        if self.port is not None:
            return self.port
        if self.embedded:
            return 8025
        return 465 if self.tls else 587 if self.starttls else 25


class NotificationsSettings(BaseSettings):
    """`IEP_NOTIFICATIONS_*`: delivery retries, the staff digest, the embedded sink."""

    model_config = SettingsConfigDict(env_prefix="IEP_NOTIFICATIONS_", extra="ignore")

    max_attempts: int = Field(5, ge=1, description="SMTP attempts before a notice fails")
    retry_seconds: float = Field(60.0, gt=0, description="Wait before the second attempt; "
                                                         "doubles after each failure")
    retry_max_seconds: float = Field(3600.0, gt=0, description="Longest wait between attempts")
    digest_hour: int = Field(7, ge=0, le=23, description="Hour of the case managers' digest")
    timezone: str = Field("UTC", description="The district's time zone (the digest's hour)")
    sink_dir: Path | None = Field(None, description="Folder of the embedded SMTP sink; "
                                                    "default <IEP_DATA_DIR>/outbox-sink")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"{value!r} is not a time zone name such as America/Chicago") \
                from err
        return value
