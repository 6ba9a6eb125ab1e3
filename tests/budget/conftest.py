import datetime

import pytest
from django.test import Client

from tests.conftest import NOW

# The day the tests plan: tomorrow of the frozen clock, in newsroom time.
TOMORROW = NOW.date() + datetime.timedelta(days=1)


@pytest.fixture
def mailbox(mail_worker, django_capture_on_commit_callbacks):
    """Run ``step()`` and return the emails the mail worker sends once its
    transaction commits."""

    def run(step):
        with django_capture_on_commit_callbacks(execute=True):
            step()
        return mail_worker()

    return run


def recipients(mail):
    return sorted(address for message in mail for address in message.to)


@pytest.fixture
def desk(users):
    """Clients signed in as each role of ``users``."""

    def client(role):
        signed_in = Client()
        signed_in.force_login(users[role])
        return signed_in

    return client
