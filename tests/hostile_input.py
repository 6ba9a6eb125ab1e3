"""Hostile input for the security tests: an XSS corpus.

Every payload that runs code says ``alert(N)`` with its own number N (see
``xss_payloads()``), so a test that finds code on a page can tell which
payload put it there.
"""

# Markup that runs script, one vector per line. "alert(1)" is renumbered.
_VECTORS = [
    # Script elements, plain and disguised.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>alert(1)",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script/x>alert(1)</script>",
    "<script >alert(1)</script >",
    '<script src="data:text/javascript,alert(1)"></script>',
    "<script>alert(String.fromCharCode(88,83,83))</script>alert(1)",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "</script><!--<script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    "--><script>alert(1)</script><!--",
    "]]><script>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # Event handlers on img, svg, body and friends.
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x:alert(alt) onerror=eval(src) alt=alert(1)>",
    "<img src=1 onerror=alert(1)//",
    "<img src=1 onerror=alert(1) <",
    "<img\tsrc=x\tonerror=alert(1)>",
    "<img\nsrc=x\nonerror=alert(1)>",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>alert(1)",
    "<IMG SRC=javascript:alert(1)>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><set onbegin=alert(1) attributename=x to=1>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>x</text></a></svg>',
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<body onload=alert(1)>",
    "<body onpageshow=alert(1)>",
    "<frameset onload=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<keygen autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<div onpointerenter=alert(1)>x</div>",
    "<p onclick=alert(1)>para</p>",
    "<strong onmouseover=alert(1)>b</strong>",
    '<a href="https://example.com" onclick="alert(1)">a fine link</a>',
    "<div style=animation-name:x onanimationstart=alert(1)>",
    "<isindex type=image src=1 onerror=alert(1)>",
    # Breaking out of attributes and quotes.
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '" autofocus onfocus="alert(1)" x="',
    '\\" onerror=alert(1) x=\\"',
    '<a title="&quot; onmouseover=alert(1) x=&quot;" href=/>x</a>',
    '<ol start="1 onclick=alert(1)"><li>x</li></ol>',
    "`-alert(1)-`",
    "${alert(1)}",
    "{{ alert(1) }}{% debug %}",
    # CSS.
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width: expression(alert(1))">x</div>',
    '<h2 style="x:expression(alert(1))">h</h2>',
    "<style>@import 'javascript:alert(1)';</style>",
    '<style>body{background:url("javascript:alert(1)")}</style>',
    "<style>*{x:expression(alert(1))}</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    # Malformed and nested tags.
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1)//<</script>",
    '<img """><script>alert(1)</script>">',
    "<p <script>alert(1)</script>>",
    '<a href="x" <img src=x onerror=alert(1)>>',
    "<<img src=x onerror=alert(1)>>",
    "<div><div><div><script>alert(1)</script></div></div></div>",
    '<p><a href="javascript:alert(1)"><p>nested</p></a></p>',
    '<a href="/"><a href="javascript:alert(1)">nested link</a></a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    # Entity- and percent-encoded variants.
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;'
    'alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    '&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:'
    'alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java&#x0A;script:alert(1)">x</a>',
    '<a href="  &#14;  javascript:alert(1)">x</a>',
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%253Cscript%253Ealert(1)%253C%252Fscript%253E",
    '<a href="%6A%61%76%61%73%63%72%69%70%74%3Aalert(1)">x</a>',
    '<a href="java%0ascript:alert(1)">x</a>',
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "\\x3cscript\\x3ealert(1)\\x3c/script\\x3e",
    "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg== alert(1)",
    # Unicode tricks.
    "＜script＞alert(1)＜/script＞",
    "\u202e<script>alert(1)</script>",
    "<img src=x o\u200bnerror=alert(1)>",
    '<a href="\u2028javascript:alert(1)">x</a>',
    '<a href="jav\u0430script:alert(1)">homoglyph</a>',
    "<script>\u2028alert(1)\u2029</script>",
    "\ufeff<script>alert(1)</script>",
    "<scr\u0131pt>alert(1)</scr\u0131pt>",
    "\u0002<script>alert(1)</script>\u0003",
    '"\u0000" onerror=alert(1)',
    "<img src=x onerror=\\u0061lert(1)>",
    # Scheme-only values, for fields that hold a URL.
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg== alert(1)",
    "vbscript:msgbox(1) alert(1)",
    # Not script, but not for readers either.
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<x>&x;</x> alert(1)",
]

# Every HTML attribute that takes a URL, on an element that has it, with a
# javascript: URL; those that load a document or script also with a data: URL.
_URL_ATTRIBUTES = [
    ("a", "href", True),
    ("area", "href", False),
    ("link", "href", False),
    ("img", "src", False),
    ("img", "srcset", False),
    ("img", "lowsrc", False),
    ("img", "dynsrc", False),
    ("iframe", "src", True),
    ("frame", "src", True),
    ("embed", "src", True),
    ("script", "src", True),
    ("input type=image", "src", False),
    ("source", "src", False),
    ("track", "src", False),
    ("video", "poster", False),
    ("object", "data", True),
    ("form", "action", True),
    ("button", "formaction", True),
    ("input type=submit", "formaction", False),
    ("blockquote", "cite", False),
    ("q", "cite", False),
    ("del", "cite", False),
    ("a", "ping", False),
    ("body", "background", False),
    ("table", "background", False),
    ("object", "codebase", False),
    ("img", "longdesc", False),
    ("html", "manifest", False),
    ("svg><image", "href", False),
    ("svg><use", "href", True),
    ("math", "href", False),
]


def xss_payloads() -> list[str]:
    """The corpus, each code-running payload numbered: alert(N)."""
    payloads = list(_VECTORS)
    for tag, attribute, loads_documents in _URL_ATTRIBUTES:
        element = tag.split()[0].split("><")[-1]
        urls = ["javascript:alert(1)"]
        if loads_documents:
            urls.append("data:text/html,<script>alert(1)</script>")
        for url in urls:
            payloads.append(f'<{tag} {attribute}="{url}">x</{element}>')
    return [
        payload.replace("alert(1)", f"alert({number})")
        for number, payload in enumerate(payloads, start=1000)
    ]
