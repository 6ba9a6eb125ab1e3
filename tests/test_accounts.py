"""Staff accounts: sign-in throttling, password rules, Argon2, idle sessions."""

import datetime

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import reverse

from newsroom import settings as production
from tests.conftest import NOW
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "ember-quill-harbour-42"


@pytest.fixture
def staff():
    user = UserFactory(username="desk", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, password, username="desk", address="203.0.113.7"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_sign_in_locks_after_the_failure_limit_for_that_name_and_address(
    client, staff, time_machine, report_figure
):
    time_machine.move_to(NOW, tick=False)
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit):
        response = sign_in(client, "wrong password")
        assert response.status_code == 200, attempt  # the form, with its error
        assert "Please enter the correct username and password" in (
            response.content.decode()
        )
    locked = sign_in(client, "wrong password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Sign-in locked for now" in page
    assert f"after {limit} failed attempts" in page
    assert "15 minutes" in page
    # Locked even with the right password, while other people (another
    # address) and other names (same address) can still sign in.
    assert sign_in(client, PASSWORD).status_code == 429
    assert sign_in(Client(), PASSWORD, address="198.51.100.9").status_code == 302
    other = UserFactory(username="other_desk", is_staff=True)
    other.set_password(PASSWORD)
    other.save()
    assert sign_in(Client(), PASSWORD, username="other_desk").status_code == 302

    # After the cool-off, the right password works again.
    time_machine.shift(settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=1))
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    report_figure(
        f"Sign-in lockout: {limit} wrong passwords -> 429, unlocked after cool-off"
    )


def test_a_success_clears_earlier_failures(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong password")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong password").status_code == 200


def test_test_clients_still_sign_in(staff):
    """force_login never authenticates; login() must hand axes a request."""
    client = Client()
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200

    client = Client()
    assert client.login(request=HttpRequest(), username="desk", password=PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 200
    with pytest.raises(AxesBackendRequestParameterRequired):
        Client().login(username="desk", password=PASSWORD)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt-pw", "too short. It must contain at least 12 characters"),
        ("123456789012", "entirely numeric"),
        ("password1234", "too common"),
        ("jo.reporter.newsdesk1", "too similar to the username"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, message):
    user = UserFactory(username="jo.reporter.newsdesk")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=user)
    assert any(message in text for text in refused.value.messages)


def test_changing_a_password_in_the_admin_applies_the_rules(client, staff):
    client.force_login(staff)
    url = reverse("admin:password_change")
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "password1234",
            "new_password2": "password1234",
        },
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    strong = "granite-sorrel-lantern-77"
    response = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong},
    )
    assert response.status_code == 302


def test_production_hashes_passwords_with_argon2_and_upgrades_old_hashes(client):
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = UserFactory(username="desk", is_staff=True)
        user.set_password(PASSWORD)
        user.save()
        assert user.password.startswith("argon2$argon2id$")

        # A password stored before Argon2 is re-hashed at the next sign-in.
        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save()
        assert sign_in(client, PASSWORD).status_code == 302
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$")


@override_settings(SESSION_SAVE_EVERY_REQUEST=True, SESSION_COOKIE_AGE=2 * 60 * 60)
def test_an_idle_staff_session_expires_and_an_active_one_does_not(
    client, staff, time_machine
):
    time_machine.move_to(NOW, tick=False)
    client.force_login(staff)
    admin_index = reverse("admin:index")
    assert client.get(admin_index).status_code == 200
    # Working, with less than two hours between requests: still signed in,
    # long after two hours in all.
    for _ in range(3):
        time_machine.shift(datetime.timedelta(hours=1, minutes=50))
        assert client.get(admin_index).status_code == 200
    # Two hours away: signed out.
    time_machine.shift(datetime.timedelta(hours=2, seconds=1))
    response = client.get(admin_index)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_session_and_csrf_cookies_are_secure_and_httponly(staff):
    client = Client()
    csrf = client.get(LOGIN).cookies["csrftoken"]
    assert csrf["httponly"] and csrf["secure"]
    session = sign_in(client, PASSWORD).cookies["sessionid"]
    assert session["httponly"] and session["secure"]
