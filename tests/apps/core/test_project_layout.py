"""The production shape and the import direction are checked, not just described."""

import ast
import importlib
import importlib.util
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]


def test_compose_file_parses_and_has_every_service():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"postgres", "redis", "web", "worker", "worker-render", "beat"} <= set(compose["services"])
    assert (ROOT / "Dockerfile").exists()


def test_every_compose_command_points_at_real_modules():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    checked = 0
    for name, service in compose["services"].items():
        command = service.get("command")
        if not command or name in ("postgres", "redis"):
            continue
        if command[0] == "gunicorn":
            module, _, attr = command[1].partition(":")
            assert hasattr(importlib.import_module(module), attr), name
        elif command[0] == "celery":
            app_module = command[command.index("-A") + 1]
            assert importlib.import_module(app_module).celery_app.main == "memberhub"
            if "--scheduler" in command:
                scheduler = command[command.index("--scheduler") + 1]
                module, _, attr = scheduler.partition(":")
                assert hasattr(importlib.import_module(module), attr)
            if "-Q" in command:
                queues = set(command[command.index("-Q") + 1].split(","))
                assert queues <= {"default", "ingest", "render"}
        elif command[:2] == ["python", "manage.py"]:
            assert (ROOT / "manage.py").exists()
            from django.core.management import get_commands

            assert command[2] in get_commands()
        else:
            raise AssertionError(f"unknown command for {name}: {command}")
        checked += 1
    assert checked >= 4


def test_celery_queues_and_reliability_settings():
    from django.conf import settings

    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
    queues = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert queues == {"render", "ingest"}


def test_memberhub_imports_no_framework():
    forbidden = ("django", "rest_framework", "celery", "apps", "config")
    offenders = []
    for path in (ROOT / "memberhub").rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in forbidden]
    assert offenders == []
