"""Settings parsing: the rules in pocketcouncil/config.py, and real settings in a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from pocketcouncil import config

ROOT = Path(__file__).resolve().parents[3]


class TestValues:
    @pytest.mark.parametrize("value", ["1", "true", "True", "YES", "on"])
    def test_true(self, value):
        assert config.env_bool({"X": value}, "X") is True

    @pytest.mark.parametrize("value", ["0", "false", "No", "off", ""])
    def test_false(self, value):
        assert config.env_bool({"X": value}, "X", default=True) is False

    def test_missing_uses_default(self):
        assert config.env_bool({}, "X", default=True) is True

    def test_nonsense_boolean_is_an_error_not_false(self):
        with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
            config.env_bool({"DEBUG": "maybe"}, "DEBUG")

    def test_int(self):
        assert config.env_int({"N": "42"}, "N", 1) == 42
        assert config.env_int({"N": ""}, "N", 7) == 7
        with pytest.raises(ImproperlyConfigured, match="whole number"):
            config.env_int({"N": "4.2"}, "N", 1)

    def test_list(self):
        assert config.env_list({"H": " a.gov.uk, ,b.gov.uk "}, "H") == ["a.gov.uk", "b.gov.uk"]
        assert config.env_list({}, "H", ["x"]) == ["x"]


class TestEnvironment:
    def test_production_by_default(self):
        assert config.environment({}) == "production"

    def test_unknown_environment_is_refused(self):
        with pytest.raises(ImproperlyConfigured, match="POCKETCOUNCIL_ENV"):
            config.environment({"POCKETCOUNCIL_ENV": "staging"})


class TestDatabase:
    def test_default_is_sqlite_under_var(self, tmp_path):
        db = config.database({}, tmp_path)
        assert db["ENGINE"] == "django.db.backends.sqlite3"
        assert db["NAME"] == str(tmp_path / "pocketcouncil.sqlite3")
        assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
        assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"

    def test_postgres_url(self, tmp_path):
        db = config.database(
            {
                "DATABASE_URL": "postgres://pc:secret@db.internal:5433/pocket",
                "DATABASE_CONN_MAX_AGE": "60",
            },
            tmp_path,
        )
        assert db["ENGINE"] == "django.db.backends.postgresql"
        assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
            "db.internal",
            5433,
            "pocket",
            "pc",
        )
        assert db["CONN_MAX_AGE"] == 60
        assert db["CONN_HEALTH_CHECKS"] is True

    def test_nonsense_url_is_refused(self, tmp_path):
        with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
            config.database({"DATABASE_URL": "nosuchdb://x"}, tmp_path)


class TestSecretKey:
    def test_required_in_production(self, tmp_path):
        with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
            config.secret_key({}, tmp_path, "production")

    def test_short_key_refused_in_production(self, tmp_path):
        with pytest.raises(ImproperlyConfigured, match="at least 50"):
            config.secret_key({"SECRET_KEY": "short"}, tmp_path, "production")

    def test_given_key_is_used(self, tmp_path):
        key = "k" * 60
        assert config.secret_key({"SECRET_KEY": key}, tmp_path, "production") == key

    def test_generated_once_and_kept_for_development(self, tmp_path):
        first = config.secret_key({}, tmp_path, "development")
        assert len(first) >= 50
        assert config.secret_key({}, tmp_path, "development") == first
        assert (tmp_path / "secret_key.txt").stat().st_mode & 0o777 == 0o600


class TestOtherSettings:
    def test_allowed_hosts_required_in_production(self):
        with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
            config.allowed_hosts({}, "production")
        assert config.allowed_hosts({"ALLOWED_HOSTS": "a.example"}, "production") == ["a.example"]
        assert "127.0.0.1" in config.allowed_hosts({}, "development")

    def test_cache(self):
        assert config.cache({}, "production")["default"]["BACKEND"].endswith("DatabaseCache")
        redis = config.cache({"CACHE_URL": "redis://127.0.0.1:6379/1"}, "production")
        assert redis["default"]["LOCATION"] == "redis://127.0.0.1:6379/1"
        with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
            config.cache({"CACHE_URL": "memcached://x"}, "production")

    def test_email_backends(self, tmp_path):
        assert config.email({}, "production", tmp_path)["EMAIL_BACKEND"].endswith(
            "smtp.EmailBackend"
        )
        assert config.email({}, "development", tmp_path)["EMAIL_BACKEND"].endswith(
            "console.EmailBackend"
        )
        custom = config.email(
            {"EMAIL_BACKEND": "x.Backend", "EMAIL_PORT": "587"}, "production", tmp_path
        )
        assert (custom["EMAIL_BACKEND"], custom["EMAIL_PORT"]) == ("x.Backend", 587)

    def test_notify(self):
        assert config.notify({})["NOTIFY_API_KEY"] == ""
        assert config.notify({"NOTIFY_API_KEY": "k"})["NOTIFY_API_KEY"] == "k"


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("POCKETCOUNCIL", "DJANGO"))}
    clean.pop("SECRET_KEY", None)
    clean.pop("DEBUG", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


class TestProductionSettings:
    def test_production_refuses_to_start_without_a_secret_key(self):
        result = run_manage("check", ALLOWED_HOSTS="council.example")
        assert result.returncode != 0
        assert "SECRET_KEY must be set in production" in result.stderr

    def test_production_settings_pass_djangos_deployment_checks(self, tmp_path):
        result = run_manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            SECRET_KEY="x" * 20 + "q9R!v2#Lm7$Tz4&Pw8*Nc1@Hs6^Jd3%Kb5",
            ALLOWED_HOSTS="council.example",
            DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def test_production_settings_values(self, tmp_path):
        code = (
            "from django.conf import settings as s;"
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
            " s.SECURE_SSL_REDIRECT, s.X_FRAME_OPTIONS)"
        )
        result = run_manage(
            "shell",
            "-c",
            code,
            SECRET_KEY="y" * 60,
            ALLOWED_HOSTS="council.example",
            DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1].split() == [
            "False",
            "True",
            "True",
            "31536000",
            "True",
            "DENY",
        ]
