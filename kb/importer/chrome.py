"""Page chrome: the lines a publisher's site prints around a text, recognised and set aside.

GOV.UK, US government and European Commission pages copied as text bring their
furniture with them: the content type ("World news story", "Media Note"),
"Skip to main content", "From:" and "Part of" lines, history and withdrawal
banners, share links, cookie banners, breadcrumbs, a crawler's ``date
2020-01-21`` prefix, metadata glued into one line ("News article22 May
2023...2 min read"). :func:`chrome_kind` names what a line is, or returns None
for text. Every pattern here is anchored and linear (no nested quantifiers).
"""

from __future__ import annotations

import re

#: Content-type lines printed above a title (GOV.UK, state.gov, whitehouse.gov, the Commission).
CONTENT_TYPES = frozenset(
    {
        "research and analysis",
        "guidance",
        "news story",
        "world news story",
        "policy paper",
        "press release",
        "speech",
        "corporate report",
        "case study",
        "statistics",
        "transparency data",
        "notice",
        "correspondence",
        "independent report",
        "promotional material",
        "detailed guide",
        "official statistics",
        "form",
        "consultation outcome",
        "open consultation",
        "policy",
        "other release",
        "media note",
        "readout",
        "fact sheet",
        "statements and releases",
        "briefing room",
        "remarks",
        "transcript",
        "news article",
        "news",
        "press statement",
        "joint statement",
        "blog post",
        "announcement",
        "daily news",
        "statement",
        "article",
        "news release",
        "media release",
        "oral statement to parliament",
        "written statement to parliament",
        "authored article",
        "government response",
        "decision",
        # Korean government sites: press release, notice, explanatory note, policy news, news.
        "보도자료",
        "공지사항",
        "보도설명",
        "정책뉴스",
        "뉴스",
        "알림",
        "해명자료",
        "브리핑",
    }
)
_FIXED = {
    "skip to main content": "navigation",
    "skip to content": "navigation",
    "skip navigation": "navigation",
    "search form": "navigation",
    "search": "navigation",
    "menu": "navigation",
    "main menu": "navigation",
    "back to top": "navigation",
    "contents": "navigation",
    "print this page": "share link",
    "share this page": "share link",
    "share": "share link",
    "print": "share link",
    "related content": "related content",
    "related links": "related content",
    "explore the topic": "related content",
    "cookies on gov.uk": "cookie banner",
    "accept additional cookies": "cookie banner",
    "reject additional cookies": "cookie banner",
    "tweet": "share link",
    "email": "share link",
    "view cookies": "cookie banner",
    "hide this message": "cookie banner",
    "accept all cookies": "cookie banner",
    "this document is no longer current.": "banner",
    "is this page useful?": "feedback",
    "report a problem with this page": "feedback",
    "home": "breadcrumb",
}
_PATTERNS: list[tuple[str, re.Pattern]] = [
    (
        "metadata",
        re.compile(
            r"^(?:First published|Last updated|Updated|Part of|Document type|Page type)"
            r"\s*:?\s\S",
            re.IGNORECASE,
        ),
    ),
    ("metadata", re.compile(r"^From\s*:\s*\S", re.IGNORECASE)),
    ("banner", re.compile(r"^This (?:was|is) published under the \S.* government\.?$", re.IGNORECASE)),
    ("banner", re.compile(r"^This [\w ]{0,40}?was withdrawn on\b", re.IGNORECASE)),
    ("banner", re.compile(r"^This is historical material\b", re.IGNORECASE)),
    ("banner", re.compile(r"^This (?:page|content|website) (?:has been|is) archived\b", re.IGNORECASE)),
    ("share link", re.compile(r"^Share (?:on|via|this (?:page|article|story))(?: \S+){0,3}$", re.IGNORECASE)),
    (
        "share link",
        re.compile(
            r"^(?:Facebook|Twitter|X|LinkedIn|WhatsApp|Email|Print)"
            r"(?:\s*[|·,]\s*(?:Facebook|Twitter|X|LinkedIn|WhatsApp|Email|Print)){1,6}$",
            re.IGNORECASE,
        ),
    ),
    ("cookie banner", re.compile(r"^We use (?:some essential )?cookies\b", re.IGNORECASE)),
    ("breadcrumb", re.compile(r"^Home\s*(?:[>›»/|]\s*[^>›»/|]{1,60}){1,8}$")),
    ("flag", re.compile(r"^Flag of [A-Z][\w ,.'’-]{1,60}$")),
    ("reading time", re.compile(r"^\d{1,2} min(?:ute)?s? read$", re.IGNORECASE)),
    ("related content", re.compile(r"^[A-Z][\w ,&]{2,40} \| \d{1,2} [A-Z][a-z]+ \d{4}$")),
]
#: The Commission's glued metadata: "News article22 May 2023Directorate-General for ...2 min read".
GLUED_METADATA = re.compile(
    r"^(?P<type>News article|Press release|Daily News|News|Statement|Speech)"
    r"(?P<day>\d{1,2}) (?P<month>[A-Z][a-z]+) (?P<year>\d{4})(?P<rest>\S.*?)?(?:\d{1,2} min read)?$"
)
#: A crawler's prefix glued to the first line: " date 2020-01-21 The UK and ...".
CRAWL_PREFIX = re.compile(r"^\s*date (\d{4}-\d{2}-\d{2})\s+")


def chrome_kind(line: str) -> str | None:
    """What kind of page furniture a whole line is ('navigation', 'banner', ...), or None for text."""
    text = line.strip()
    if not text or len(text) > 300:
        return None
    folded = text.casefold()
    if folded.rstrip(":") in CONTENT_TYPES:
        return "content type"
    if folded in _FIXED:
        return _FIXED[folded]
    if GLUED_METADATA.match(text):
        return "metadata"
    for kind, pattern in _PATTERNS:
        if pattern.match(text):
            return kind
    return None


def split_crawl_prefix(text: str) -> tuple[str | None, str]:
    """``(iso_date, rest)`` when the text starts with a crawler's ``date YYYY-MM-DD`` prefix."""
    match = CRAWL_PREFIX.match(text)
    if not match:
        return None, text
    return match.group(1), text[match.end() :]
