"""A browser's User-Agent header as people name their devices: "Chrome on Android", "Safari on
iPhone". For the list of signed-in devices; a rough reading, good enough to recognise one's own."""

import re

from django.utils.translation import gettext as _

# (pattern, browser), first match wins: Edge, Opera and Samsung Internet also say "Chrome", and
# Chrome also says "Safari", so the more specific come first.
BROWSERS = [
    (r"\bEdg(?:e|A|iOS)?/", "Edge"),
    (r"\bOPR/|\bOpera\b", "Opera"),
    (r"\bSamsungBrowser/", "Samsung Internet"),
    (r"\bVivaldi/", "Vivaldi"),
    (r"\bFirefox/|\bFxiOS/", "Firefox"),
    (r"\bCriOS/|\b(?:Headless)?Chrome/", "Chrome"),
    (r"\bChromium/", "Chromium"),
    (r"\bVersion/[\d.]+.*\bSafari/|\bAppleWebKit/.*\bMobile/", "Safari"),
]
# Phones and tablets first: an iPhone's header mentions "Mac OS X", Android's "Linux".
SYSTEMS = [
    (r"\biPhone\b", "iPhone"),
    (r"\biPad\b", "iPad"),
    (r"\bAndroid\b", "Android"),
    (r"\bWindows\b", "Windows"),
    (r"\bCrOS\b", "ChromeOS"),
    (r"\bMacintosh\b|\bMac OS X\b", "macOS"),
    (r"\bLinux\b|\bX11\b", "Linux"),
]


def _first(rules, user_agent):
    return next((name for pattern, name in rules if re.search(pattern, user_agent)), None)


def device_name(user_agent):
    """ "Chrome on Android", "Firefox on Windows"; "Unknown device" when the header says nothing we know."""
    user_agent = user_agent or ""
    browser, system = _first(BROWSERS, user_agent), _first(SYSTEMS, user_agent)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    if system:
        return _("A browser on %(system)s") % {"system": system}
    return browser or _("Unknown device")
