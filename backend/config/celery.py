import os
from typing import Any

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("intake")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Log records of a task carry the id of the request that queued it and the job it imports
# (config/logs.py).


@before_task_publish.connect
def _carry_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    from config.logs import task_headers_add_request_id

    task_headers_add_request_id(headers=headers)


@task_prerun.connect
def _bind_task_log_context(task: Any = None, args: Any = None, kwargs: Any = None, **_: Any) -> None:
    from config.logs import task_context_bind

    task_context_bind(task=task, args=args, kwargs=kwargs)


@task_postrun.connect
def _clear_task_log_context(**_: Any) -> None:
    from config.logs import log_context_clear

    log_context_clear()
