"""Who is asking, and how often they may: partners by their API key, everyone
else by their address. Counts live in the shared cache (Redis, or the
machine's disk cache), so every gunicorn worker and app server agrees."""

import datetime

from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling

from api.models import ApiKey

# A key's last use is written at most this often, not on every request.
LAST_USED_EVERY = datetime.timedelta(hours=1)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer nrk_…``. No header: an anonymous reader. A
    header with a key that is wrong or revoked: 401, never quietly
    anonymous, so that a partner learns at once that their key is dead."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header:
            return None
        if header[0].decode("latin-1").lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed(
                "Send the API key as “Authorization: Bearer <key>”."
            )
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "The Authorization header must be “Bearer” and the key, nothing else."
            )
        api_key = ApiKey.objects.from_key(header[1].decode("latin-1"))
        if api_key is None:
            raise exceptions.AuthenticationFailed("This API key is not known.")
        if not api_key.is_active:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        now = timezone.now()
        if api_key.last_used_at is None or api_key.last_used_at < now - LAST_USED_EVERY:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return (None, api_key)

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class _MinuteThrottle(throttling.SimpleRateThrottle):
    """DRF's sliding-window throttle, with the rate given per request."""

    def __init__(self):
        # The rate is decided per request (allow_request), not per class.
        pass

    def limit(self, request, view, key: str, per_minute: int) -> bool:
        self.key = key
        self.num_requests, self.duration = per_minute, 60
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()


class PerKeyThrottle(_MinuteThrottle):
    """A partner's key: its own requests per minute, set in the admin."""

    def allow_request(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return True
        return self.limit(
            request,
            view,
            f"newsroom:api:throttle:key:{request.auth.pk}",
            request.auth.requests_per_minute,
        )


class PerAddressThrottle(_MinuteThrottle):
    """Anonymous callers: API_ANONYMOUS_RATE requests a minute from one
    address (the client's, behind API_PROXY_COUNT proxies)."""

    def allow_request(self, request, view):
        if isinstance(request.auth, ApiKey):
            return True
        return self.limit(
            request,
            view,
            f"newsroom:api:throttle:ip:{self.get_ident(request)}",
            settings.API_ANONYMOUS_PER_MINUTE,
        )


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The key in the OpenAPI description (drf-spectacular)."""

    target_class = ApiKeyAuthentication
    name = "partnerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A partner's key (optional): its own rate limit.",
        }
