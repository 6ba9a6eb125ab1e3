"""The webhook worker: sends the deliveries that are due, retries the ones
that failed with backoff (api/webhooks.py). Run it beside gunicorn, as a
service of its own; several may run at once on several machines, since
each delivery is locked by the worker sending it."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from api import webhooks
from api.models import WebhookDelivery


class Command(BaseCommand):
    help = "Send due webhook deliveries; with --once, those due now, then stop."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Send what is due now and stop (for cron, or a test).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=5.0,
            help="Seconds between looks for due deliveries (default 5).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what is due, send nothing.",
        )

    def handle(self, *args, once, interval, dry_run, **options):
        if dry_run:
            due = WebhookDelivery.objects.filter(
                status=WebhookDelivery.Status.PENDING,
                due_at__lte=timezone.now(),
            ).select_related("endpoint", "article")
            for delivery in due:
                self.stdout.write(f"due: {delivery} ({delivery.article})")
            self.stdout.write(f"{len(due)} due; nothing sent (--dry-run).")
            return
        while True:
            handled = webhooks.deliver_due()
            for delivery in handled:
                style = {
                    WebhookDelivery.Status.DELIVERED: self.style.SUCCESS,
                    WebhookDelivery.Status.FAILED: self.style.ERROR,
                }.get(delivery.status, self.style.WARNING)
                self.stdout.write(
                    style(f"{delivery.get_status_display()}: {delivery}")
                    + (f" ({delivery.note})" if delivery.note else "")
                )
            if once:
                self.stdout.write(f"{len(handled)} deliveries handled.")
                return
            if not handled:
                time.sleep(interval)
