"""Text from submitters made safe to show: file and zip-member names, notes, error messages.

A name can hold anything a file system allows: bytes that are not UTF-8 (a GBK name from a zip
made on Chinese Windows arrives as lone surrogates), control characters (ESC sequences that clear
a terminal, set its title or write to its clipboard), bidi overrides that make a name read in
another order than it is stored. `display()` turns each into a visible escape (\\xbc, \\x1b,
\\u202e), so it can be written to any terminal, any UTF-8 file and any report, and still says
exactly which bytes were there.
"""

from __future__ import annotations

import re

# Lone surrogates (undecodable bytes under surrogateescape, or broken UTF-16), C0/C1 controls
# except line breaks and tabs, and the invisible format characters of checker.readers.
_UNSAFE = re.compile(
    "[\ud800-\udfff\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)


def _escape(match: re.Match) -> str:
    ch = match.group(0)
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def display(text: str) -> str:
    """`text` with every undecodable byte, control and invisible character escaped."""
    return _UNSAFE.sub(_escape, text)


def one_line(text: str) -> str:
    """display(), and line breaks and tabs escaped too: for a name inside a one-line message."""
    return display(text).replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None
