"""The cache every worker of one machine shares when there is no Redis."""

from diskcache import DjangoCache


class SharedDiskCache(DjangoCache):
    """diskcache's Django backend, kept open between requests.

    Django closes every cache when a request finishes; for diskcache that
    closes its SQLite connections, and the next request opens them again
    with their pragmas: ten statements and half a millisecond on every page
    served from the cache. The connections are the process's own (diskcache
    opens new ones after a fork), so keeping them open is safe.
    """

    def close(self, **kwargs):
        pass
