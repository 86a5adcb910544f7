"""Project task decorator: explicit stable name, late acks, time limits, DjangoTask base (delay_on_commit)."""

from collections.abc import Callable
from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask


def memberhub_task(*, name: str, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    options.setdefault("acks_late", True)
    options.setdefault("base", DjangoTask)
    return shared_task(name=name, **options)
