"""gunicorn.conf.py: what production runs with, read as gunicorn reads it.
(tests/test_faults.py runs a real gunicorn with it.)"""

import multiprocessing
import runpy
from pathlib import Path

import pytest
from gunicorn.config import Config

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.fixture
def gunicorn_config(monkeypatch):
    """gunicorn's Config after reading gunicorn.conf.py under ``env``."""

    def load(**env):
        for name in [
            "WEB_CONCURRENCY",
            "GUNICORN_BIND",
            "GUNICORN_THREADS",
            "GUNICORN_TIMEOUT",
            "GUNICORN_ACCESS_LOG",
            "GUNICORN_CONTROL_SOCKET",
            "GUNICORN_MAX_REQUESTS",
        ]:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        settings = runpy.run_path(str(CONF))
        config = Config()
        for name, value in settings.items():
            if name in config.settings:
                config.set(name, value)  # gunicorn's own validation
        return config, settings

    return load


def test_production_defaults(gunicorn_config):
    config, settings = gunicorn_config()

    assert config.wsgi_app == "newsroom.wsgi:application"
    assert config.bind == ["127.0.0.1:8000"]
    assert config.workers == multiprocessing.cpu_count() * 2 + 1
    assert config.worker_class_str == "sync"
    assert config.timeout == 30
    assert config.graceful_timeout == 30
    # No worker is recycled under load: none leaves a hole while its
    # replacement imports Django.
    assert config.max_requests == 0
    # One line per request: the app's JSON log, not gunicorn's as well.
    assert config.accesslog is None
    assert "%(M)s" in config.access_log_format  # the time taken
    assert "%({x-request-id}o)s" in config.access_log_format
    assert config.errorlog == "-"
    # A reload (SIGHUP) must load the new release's code.
    assert not config.preload_app
    # Two servers on one machine must not share gunicorn's control socket.
    assert settings.get("control_socket_disable") is True


def test_the_environment_overrides(gunicorn_config):
    config, settings = gunicorn_config(
        WEB_CONCURRENCY="3",
        GUNICORN_BIND="0.0.0.0:8001,unix:/run/newsroom.sock",
        GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="60",
        GUNICORN_ACCESS_LOG="-",
        GUNICORN_CONTROL_SOCKET="/run/newsroom/gunicorn.ctl",
        GUNICORN_MAX_REQUESTS="5000",
    )

    assert config.workers == 3
    assert config.bind == ["0.0.0.0:8001", "unix:/run/newsroom.sock"]
    assert config.threads == 4
    assert config.timeout == 60
    assert config.accesslog == "-"
    assert config.max_requests == 5000
    assert 0 < config.max_requests_jitter < config.max_requests
    assert config.control_socket == "/run/newsroom/gunicorn.ctl"
    assert "control_socket_disable" not in settings


def test_every_name_in_the_file_is_a_gunicorn_setting(gunicorn_config):
    """A misspelt setting would be ignored silently by gunicorn."""
    config, settings = gunicorn_config()
    names = {name for name in settings if not name.startswith("_")}
    imported = {"multiprocessing", "os", "Path"}
    assert names - imported <= set(config.settings)
