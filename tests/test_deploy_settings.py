"""Production settings: safe by default, and they refuse to start half-configured.

Each test runs ``manage.py`` in a fresh interpreter with production settings, as
an operator would, so nothing from the test settings or the CI's environment
(which sets ``DATABASE_URL`` and friends) leaks in. None of them needs a
database.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
REQUIRED = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "AUDIT_SIGNING_KEY", "AUDIT_CHECKPOINT_FILE")

# base.py reads a developer's own .env (with overwrite=False), which could set
# or unset exactly what these tests are about. The bootstrap switches that off,
# then runs manage.py unchanged, so the tests see only the environment below.
# In a container there is no .env file: .dockerignore keeps it out of the image.
BOOTSTRAP = (
    "import runpy, sys, environ; "
    "environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None); "
    "sys.argv = ['manage.py', *sys.argv[1:]]; "
    "runpy.run_path('manage.py', run_name='__main__')"
)


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    """A minimal environment with the required variables set to dummies.

    An override of ``None`` leaves that variable out altogether.
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        # Long and varied enough for check --deploy (security.W009); not a secret.
        "DJANGO_SECRET_KEY": "deploy-test-" + "k3y-N0t-a-s3cret-" * 4,
        "DJANGO_ALLOWED_HOSTS": "prevent-protect.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
        "AUDIT_SIGNING_KEY": "deploy-test-audit-key-" + "n0t-a-s3cret-" * 3,
        "AUDIT_CHECKPOINT_FILE": str(tmp_path / "checkpoints.jsonl"),
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-c", BOOTSTRAP, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_passes_check_deploy_with_nothing_to_report(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))

    report = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, report
    assert "System check identified no issues" in result.stdout, report


@pytest.mark.parametrize("name", REQUIRED)
@pytest.mark.parametrize("how", ["unset", "empty"])
def test_it_refuses_to_start_without_a_required_variable(tmp_path, name, how):
    env = production_env(tmp_path, **{name: None if how == "unset" else ""})

    result = manage("check", env=env)

    assert result.returncode != 0, result.stdout
    # The last line is the exception's message, not a line of quoted source.
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line, result.stderr
    assert name in last_line, result.stderr


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_it_refuses_a_short_audit_signing_key(tmp_path):
    result = manage("check", env=production_env(tmp_path, AUDIT_SIGNING_KEY="too-short"))

    assert result.returncode != 0, result.stdout
    assert "AUDIT_SIGNING_KEY must be at least 32" in _last_line(result), result.stderr


def test_it_reads_the_audit_signing_key_from_a_mounted_file(tmp_path):
    key_file = tmp_path / "audit-signing-key"
    key_file.write_text("a-key-from-a-mounted-secret-" + "f1le-" * 4 + "\n")
    env = production_env(tmp_path, AUDIT_SIGNING_KEY=None, AUDIT_SIGNING_KEY_FILE=str(key_file))

    result = manage("check", env=env)

    assert result.returncode == 0, result.stderr


def test_it_refuses_an_audit_signing_key_file_it_cannot_read(tmp_path):
    env = production_env(tmp_path, AUDIT_SIGNING_KEY=None, AUDIT_SIGNING_KEY_FILE=str(tmp_path / "missing"))

    result = manage("check", env=env)

    assert result.returncode != 0, result.stdout
    assert "AUDIT_SIGNING_KEY_FILE: cannot read" in _last_line(result), result.stderr
