"""Configuration from environment variables, with safe defaults for the embedded mode."""

import json
import os
import secrets
from pathlib import Path


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path) -> str:
    """Use SECRET_KEY, or a random key kept in the instance folder so sessions survive restarts."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_config(instance_path: str) -> dict:
    instance = Path(instance_path)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'gplan.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    mail_server = os.environ.get("MAIL_SERVER", "")
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Empty: `flask serve` fills in the address it was started on (see services/public_address).
        "BASE_URL": os.environ.get("BASE_URL", "").rstrip("/"),
        # A simulated date (dd/mm/yyyy or yyyy-mm-dd) to run on, e.g. for the demo; empty: today.
        "GPLAN_TODAY": os.environ.get("GPLAN_TODAY", ""),
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _env_bool("MAIL_USE_SSL"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "gplan@localhost"),
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", "10")),
        "MAIL_SUPPRESS_SEND": not mail_server,
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(instance / "uploads")),
        "EVIDENCE_MAX_BYTES": int(os.environ.get("EVIDENCE_MAX_MB", "10")) * 1024 * 1024,
        "INVITE_MAX_AGE_HOURS": int(os.environ.get("INVITE_MAX_AGE_HOURS", "72")),
        "OUTBOX_INTERVAL_SECONDS": int(os.environ.get("OUTBOX_INTERVAL_SECONDS", "300")),
        "MAIL_CLAIM_SECONDS": int(os.environ.get("MAIL_CLAIM_SECONDS", "600")),
        "REMINDER_TIME": os.environ.get("REMINDER_TIME", "07:00"),
        "DUE_SOON_DAYS": int(os.environ.get("DUE_SOON_DAYS", "14")),
        "DUE_DAYS": json.loads(os.environ.get("GPLAN_DUE_DAYS", "{}")),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "20 per 10 minutes"),
        "LOCKOUT_THRESHOLD": int(os.environ.get("LOCKOUT_THRESHOLD", "5")),
        "LOCKOUT_MINUTES": int(os.environ.get("LOCKOUT_MINUTES", "15")),
        "SIGN_IN_ACCOUNT_LIMIT": os.environ.get("SIGN_IN_ACCOUNT_LIMIT", "50 per hour"),
        "RESET_RATE_LIMIT": os.environ.get("RESET_RATE_LIMIT", "5 per 15 minutes"),
        "RESET_MAIL_MINUTES": int(os.environ.get("RESET_MAIL_MINUTES", "15")),
        "ACCOUNT_MAIL_SECONDS": int(os.environ.get("ACCOUNT_MAIL_SECONDS", "30")),
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "120")),
        "SESSION_MAX_HOURS": int(os.environ.get("SESSION_MAX_HOURS", "12")),
        "PROXY_FIX": int(os.environ.get("PROXY_FIX", "0")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE"),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ["vi", "en"],
        "WTF_CSRF_TIME_LIMIT": None,
        # Not read from the environment: production always hashes passwords with scrypt.
        "PASSWORD_HASH_METHOD": "scrypt",  # a hash method's name  # nosec B105
    }
