"""A tiny Celery app for the interop tests, configured from the environment.

    PBT_BROKER      broker URL (default amqp://guest:guest@127.0.0.1:5672//)
    PBT_TASK_QUEUE  the worker's task queue (default pbt-celery-tasks); every test
                    gives its own pbt- name and deletes the queue afterwards

No result backend. Remote control uses Celery's defaults: namespace (control
exchange) celery, a fanout mailbox, json only.

    /usr/bin/python3 -m celery -A pbt_celery_app status
    /usr/bin/python3 -m celery -A pbt_celery_app worker --pool=solo -n pbt-worker-1@%h
"""
import os

from celery import Celery

app = Celery("pbt_celery_app", broker=os.environ.get("PBT_BROKER", "amqp://guest:guest@127.0.0.1:5672//"))
app.conf.update(
    result_backend=None,
    task_default_queue=os.environ.get("PBT_TASK_QUEUE", "pbt-celery-tasks"),
    worker_hijack_root_logger=True,
    worker_redirect_stdouts=False,
)


@app.task
def add(x, y):
    return x + y
