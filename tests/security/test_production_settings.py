"""The production settings, read in a fresh process from a production environment.

`manage.py check --deploy` must have nothing to say; the negative cases show
that it (and these tests) would say so if a setting were missing.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# What the settings read from the environment: none of it leaks in from the test run.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_AGE",
    "AXES_ENABLED",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
    "TRUSTED_PROXY_COUNT",
    "PASSWORD_MIN_LENGTH",
    "DJANGO_SETTINGS_MODULE",
}


def production(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="baocao.example.gov.vn",
        CSRF_TRUSTED_ORIGINS="https://baocao.example.gov.vn",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )
    env.update(overrides)
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


SHOW = """
import json
from django.conf import settings as s
names = '''DEBUG SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS SECURE_HSTS_INCLUDE_SUBDOMAINS
SECURE_HSTS_PRELOAD SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE SESSION_COOKIE_HTTPONLY
CSRF_COOKIE_HTTPONLY SESSION_COOKIE_AGE SESSION_SAVE_EVERY_REQUEST CSRF_TRUSTED_ORIGINS
SECURE_PROXY_SSL_HEADER ALLOWED_HOSTS AXES_FAILURE_LIMIT'''.split()
print(json.dumps({n: getattr(s, n) for n in names}))
"""


def settings_of(env):
    done = manage(env, "shell", "-c", SHOW)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_check_deploy_is_silent_in_production():
    done = manage(production(), "check", "--deploy", "--fail-level", "WARNING")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output


@pytest.mark.parametrize(
    "override, warning",
    [
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"SECURE_SSL_REDIRECT": "0"}, "security.W008"),
        ({"SESSION_COOKIE_SECURE": "0"}, "security.W012"),
        ({"SECRET_KEY": "ngan"}, "security.W009"),
        ({"DEBUG": "1"}, "security.W018"),
    ],
)
def test_check_deploy_would_complain(override, warning):
    done = manage(production(**override), "check", "--deploy")
    assert warning in done.stdout + done.stderr


def test_production_values():
    values = settings_of(production())
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_AGE"] == 7200 and values["SESSION_SAVE_EVERY_REQUEST"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://baocao.example.gov.vn"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["ALLOWED_HOSTS"] == ["baocao.example.gov.vn"]
    assert values["AXES_FAILURE_LIMIT"] == 5


def test_a_developer_machine_keeps_plain_http():
    env = production(DEBUG="1")
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS"):
        env.pop(name)
    values = settings_of(env)
    assert values["DEBUG"] is True
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False and values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_no_secret_key_no_start():
    env = production()
    env.pop("SECRET_KEY")
    done = manage(env, "check")
    assert done.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in done.stderr
