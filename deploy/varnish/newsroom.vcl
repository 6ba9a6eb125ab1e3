# Varnish in front of Newsroom's gunicorn: caches what the app says readers
# may share (Cache-Control: public, s-maxage), and forgets it the moment an
# editor publishes, corrects, withdraws or edits what a page shows: the app
# sends PURGE with the keys of the pages that changed (newsroom/frontcache.py),
# and the xkey module removes every object tagged with one of them.
#
# Needs Debian's varnish and varnish-modules (xkey). Run with e.g.
#   varnishd -a :80 -f /etc/varnish/newsroom.vcl -s malloc,1G
# and tell the app: FRONT_CACHE_URLS=http://127.0.0.1:80/ (one URL for each
# Varnish). README, "The cache in front".
vcl 4.1;

import std;
import xkey;

backend newsroom {
    .host = "127.0.0.1";  # CHANGE: gunicorn's GUNICORN_BIND
    .port = "8000";
    .first_byte_timeout = 35s;  # just over gunicorn's 30 s timeout
}

# Who may purge: the app servers.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed"));
        }
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Purged " + req.http.n-gone));
        }
        return (purge);  # by address, for a single page
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin, previews and search are for one person each; signed-in
    # staff (a session), and a browser that has just written (the replica
    # pin), read fresh pages from the app.
    if (req.url ~ "^/(admin|preview|search)/" ||
        req.http.Cookie ~ "(^|;\s*)(sessionid|newsroom_primary|newsroom_preview)=") {
        return (pass);
    }
    # A partner's API key: their answers are theirs, and each request meets
    # their rate limit in the app (api/auth.py).
    if (req.http.Authorization) {
        return (pass);
    }
    # Readers' pages do not depend on any other cookie (analytics…).
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Only what the app marked public is shared; the rest is passed as is.
    if (beresp.http.Cache-Control !~ "public" || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Stale copies may be served while a fresh one is fetched, within the
    # app's stale-while-revalidate; a purge removes them as well.
    if (beresp.http.Cache-Control ~ "stale-while-revalidate=") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control,
                   ".*stale-while-revalidate=([0-9]+).*", "\1") + "s", 0s);
    }
}

sub vcl_deliver {
    # The keys are Varnish's business, not the reader's.
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Front-Cache = "HIT";
    } else {
        set resp.http.X-Front-Cache = "MISS";
    }
}
