"""Imported once by the batch's fork server (checker.batch.PRELOAD), never by anything else.

Does there, once, what every worker would otherwise do again for itself: import the readers
(python-docx, openpyxl, lxml), parse the built-in rule files (checker.rulebook caches them by
path and modification stamp), import the fact families and warm the extractor on a tiny text.
Workers forked from the server inherit all of it. Nothing here may start a thread or touch
durable_rules (the engine host is built in each worker): the fork server forks workers.
"""

from checker.config import Config
from checker.facts import build_facts
from checker.model import Submission
from checker.pipeline import load_submission
from checker.rulebook import load_rulebook

try:
    import checker.readers.office  # noqa: F401  (python-docx, openpyxl)
    import checker.readers.structured  # noqa: F401
    import checker.readers.text  # noqa: F401

    load_rulebook(Config())
    build_facts(Submission())
    load_submission("warm-up.txt", data="项目支出绩效目标表\n一级指标\t二级指标\t三级指标\t指标值\n".encode("utf-8"))
except Exception:  # whatever fails here fails again, and is reported, where a file needs it
    pass
