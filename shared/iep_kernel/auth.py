"""Who is calling: bearer JWTs from the district's OIDC provider, or the embedded dev issuer.

Production verifies tokens against the issuer's JWKS (keys cached, refetched when a new key
id appears, so the provider can rotate keys). Embedded mode may enable a local dev issuer
whose key lives in the data folder; the production configuration refuses to start with it.
Every route but health and metrics requires a token; what each role may do is declared
per route with `permit` and collected into one permission table.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict

from iep_kernel.config import Settings
from iep_kernel.events import Actor

ROLES = ("parent", "teacher", "case_manager", "evaluator", "provider", "administrator",
         "auditor")
STAFF = frozenset({"teacher", "case_manager", "evaluator", "provider", "administrator"})
DEV_KEY_ID = "iep-dev"
DEV_ALGORITHM = "RS256"
MAX_SUBJECT = 255


class Principal(BaseModel):
    """The caller, from a verified token. Carries ids and role only, never a name."""

    model_config = ConfigDict(frozen=True)

    subject: str
    role: str
    schools: tuple[str, ...] = ()

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    @property
    def district_wide(self) -> bool:
        return self.role in ("administrator", "auditor")

    def serves_school(self, school_id: str) -> bool:
        return self.district_wide or school_id in self.schools

    def actor(self, on_behalf_of: str | None = None) -> Actor:
        return Actor(id=self.subject, role=self.role, on_behalf_of=on_behalf_of)


class DevIssuer:
    """A local signing key for trying the system in embedded mode. Never in production."""

    def __init__(self, key_file: Path) -> None:
        if key_file.exists():
            self._key = serialization.load_pem_private_key(key_file.read_bytes(), None)
        else:
            key_file.parent.mkdir(parents=True, exist_ok=True)
            self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            key_file.write_bytes(self._key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()))
            key_file.chmod(0o600)

    @property
    def public_key(self) -> Any:
        return self._key.public_key()

    def token(self, settings: Settings, subject: str, role: str,
              schools: Iterable[str] = (), ttl_seconds: int = 8 * 3600) -> str:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
        now = int(time.time())
        claims = {"iss": settings.auth_issuer, "aud": settings.auth_audience, "sub": subject,
                  "iat": now, "exp": now + ttl_seconds, "role": role, "schools": list(schools)}
        return jwt.encode(claims, self._key, algorithm=DEV_ALGORITHM,  # type: ignore[arg-type]
                          headers={"kid": DEV_KEY_ID})


def dev_key_file(settings: Settings) -> Path:
    return settings.dev_issuer_key_file or settings.data_dir / "dev-issuer-key.pem"


class TokenVerifier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._dev: DevIssuer | None = None
        self._jwks: jwt.PyJWKClient | None = None
        if settings.auth_dev_issuer:
            self._dev = DevIssuer(dev_key_file(settings))
        if settings.auth_jwks_url:
            self._jwks = jwt.PyJWKClient(
                settings.auth_jwks_url, cache_keys=True,
                lifespan=settings.auth_jwks_cache_seconds,
                cooldown_duration=settings.auth_jwks_refresh_cooldown_seconds)

    async def _key_for(self, token: str) -> tuple[Any, list[str]]:
        """The key that must have signed `token`, with the one algorithm it signs with:
        a token naming a key must use that key's algorithm, never one it chose itself."""
        header = jwt.get_unverified_header(token)
        if self._dev is not None and header.get("kid") == DEV_KEY_ID:
            return self._dev.public_key, [DEV_ALGORITHM]
        if self._jwks is None:
            raise jwt.InvalidTokenError("no key to verify this token")
        jwks = self._jwks
        # PyJWKClient refetches the key set when it meets an unknown key id (rotation).
        signing = await asyncio.to_thread(jwks.get_signing_key_from_jwt, token)
        return signing.key, [signing.algorithm_name]

    async def verify(self, token: str) -> Principal:
        try:
            key, algorithms = await self._key_for(token)
            claims = jwt.decode(token, key, algorithms=algorithms,
                                audience=self.settings.auth_audience,
                                issuer=self.settings.auth_issuer,
                                options={"require": ["exp", "sub", "iss", "aud"]})
            return principal_of(claims, self.settings.auth_role_claim)
        except jwt.PyJWTError as err:
            # Every refusal of the token library (a malformed token, a key of another
            # type than the algorithm named, a bad claim) is the caller's token, not us.
            raise HTTPException(401, f"the access token is not valid: {err}",
                                headers={"WWW-Authenticate": "Bearer"}) from err


def principal_of(claims: dict[str, Any], role_claim: str) -> Principal:
    """The caller a verified token's claims describe, or InvalidTokenError saying which
    claim is wrong. The library checks that claims are present; these are their types."""
    for name in ("exp", "iat", "nbf"):
        value = claims.get(name)
        # RFC 7519, 2: a NumericDate is a JSON number; PyJWT would also take "1700000000".
        if name in claims and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise jwt.InvalidTokenError(f"the {name} claim must be a number of seconds")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip() or not subject.isprintable() \
            or len(subject) > MAX_SUBJECT:
        raise jwt.InvalidTokenError(
            f"the sub claim must name the caller: printable text of 1 to {MAX_SUBJECT} "
            "characters")
    role = claims.get(role_claim)
    if not isinstance(role, str) or role not in ROLES:
        raise jwt.InvalidTokenError("the access token carries no known role")
    schools = claims.get("schools", [])
    if schools is None:
        schools = []
    # A string is refused rather than read as a list of one-letter schools.
    if not isinstance(schools, list) or not all(
            isinstance(s, str) and s and s.isprintable() for s in schools):
        raise jwt.InvalidTokenError("the schools claim must be a list of school ids")
    return Principal(subject=subject, role=role, schools=tuple(schools))


_bearer = HTTPBearer(auto_error=False, description="An OIDC access token from the district")


async def authenticated(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise HTTPException(401, "sign in first: this request needs a bearer token",
                            headers={"WWW-Authenticate": "Bearer"})
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = await verifier.verify(credentials.credentials)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticated)]


class Permissions:
    """One service's rows of the permission table: action name → roles allowed.

    `iep_kernel.permissions` reads the table back from the routes, for the README and for
    the test that tries every role on every route.
    """

    def __init__(self, service: str) -> None:
        self.service = service
        self.table: dict[str, frozenset[str]] = {}

    def __call__(self, action: str, *roles: str) -> Any:
        """A route dependency allowing `roles` to perform `action`, refusing others (403)."""
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles {unknown}")
        allowed = frozenset(roles)
        self.table[action] = allowed

        async def check(principal: CurrentPrincipal) -> Principal:
            if principal.role not in allowed:
                raise HTTPException(
                    403, f"a {principal.role.replace('_', ' ')} may not {action.replace('_', ' ')}")
            return principal

        check.__name__ = f"permit_{action}"
        check.allowed_roles = allowed  # type: ignore[attr-defined]
        check.action = action  # type: ignore[attr-defined]
        return Depends(check)
