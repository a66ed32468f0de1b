"""The web app's settings (`IEP_WEB_*`), beside the kernel's `IEP_*`."""

from __future__ import annotations

import secrets
from pathlib import Path

from iep_kernel.config import Settings
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IEP_WEB_", extra="ignore")

    api_url: str | None = Field(
        None, description="Base URL of the APIs (/api/<service>/...); unset: the same server "
                          "as the web app (embedded mode)")
    secret_key: SecretStr | None = Field(
        None, description="Signs the session cookie; required in production (embedded mode "
                          "keeps one in the data folder)")
    dev_sign_in: bool | None = Field(
        None, description="The dev sign-in page listing the demo people; default on in "
                          "embedded mode, refused in production")
    cookie_secure: bool | None = Field(
        None, description="Secure flag of the session cookie; default on, except in embedded "
                          "mode served over plain http on this machine")
    session_max_age_seconds: int = Field(8 * 3600, description="Life of a sign-in")
    oidc_metadata_url: str | None = Field(
        None, description="The district's OIDC discovery document "
                          "(.../.well-known/openid-configuration)")
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_scope: str = "openid profile"
    access_purpose: str = Field(
        "case work in the web app", description="The reason sent with staff reads of a "
        "student's record when the person gives none (X-Access-Purpose)")
    api_timeout_seconds: float = 15.0


def dev_sign_in_enabled(kernel: Settings, web: WebSettings) -> bool:
    """The dev sign-in exists only outside production; asking for it there is refused."""
    if kernel.environment == "production":
        if web.dev_sign_in:
            raise ValueError("IEP_WEB_DEV_SIGN_IN must be off in production: people sign in "
                             "with the district's OIDC provider")
        return False
    return web.dev_sign_in if web.dev_sign_in is not None else kernel.auth_dev_issuer


def check_production(kernel: Settings, web: WebSettings) -> None:
    dev_sign_in_enabled(kernel, web)
    if kernel.environment == "production":
        missing = [name for name, value in (
            ("IEP_WEB_SECRET_KEY", web.secret_key),
            ("IEP_WEB_OIDC_METADATA_URL", web.oidc_metadata_url),
            ("IEP_WEB_OIDC_CLIENT_ID", web.oidc_client_id),
            ("IEP_WEB_API_URL", web.api_url)) if not value]
        if missing:
            raise ValueError(f"{', '.join(missing)} required in production")
        if web.cookie_secure is False:
            raise ValueError("IEP_WEB_COOKIE_SECURE must be on in production")


def secret_key(kernel: Settings, web: WebSettings) -> str:
    if web.secret_key is not None:
        return web.secret_key.get_secret_value()
    path: Path = kernel.data_dir / "web-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def cookie_secure(kernel: Settings, web: WebSettings) -> bool:
    if web.cookie_secure is not None:
        return web.cookie_secure
    return kernel.environment != "embedded"
