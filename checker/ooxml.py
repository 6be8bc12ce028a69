"""WordprocessingML walking shared by the .docx reader and the annotated copies.

Both must number tables and rows identically: the reader gives a finding its Location,
the annotator finds the cell again from it. One walker keeps them in step.
"""

from __future__ import annotations

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Elements that wrap body content without being content themselves.
WRAPPERS = (W + "sdt", W + "customXml", W + "ins", W + "moveTo")


def blocks(container):
    """Paragraphs and tables of a body or cell in order, unwrapping content controls."""
    for child in container:
        if child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag in WRAPPERS:
            content = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if content is not None:
                yield from blocks(content)


def children(el, tag: str):
    """Direct `tag` children, looking through content controls and custom XML."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in (W + "sdt", W + "customXml"):
            content = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if content is not None:
                yield from children(content, tag)
