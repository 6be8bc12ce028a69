"""Many files: discovery, then one check per file, in worker processes, isolated from each other.

`discover(paths, opts)` expands files, directories (`--recursive`) and globs into an ordered,
de-duplicated file list plus skip notes (in the run's language). `iter_results(files, options,
opts)` yields exactly one Result per file, in the order of `files`, whatever the number of workers:

- workers == 1 (or one file): in this process; the per-file timeout is a SIGALRM timer (main
  thread, Unix), which stops Python code but not a hang inside C code and not a crash.
- workers > 1: a pool of processes from the "forkserver" start method ("spawn" where there is
  none) -- durable_rules is a C extension whose host may run threads, so nothing is forked from a
  process that has one (docs/durable-rules-notes.md, trap 9). Each worker warms up its own engine
  (rulesets registered once per process, by checker.engine on first use) before taking work, so
  start-up never counts against a file's time. Each worker holds one file at a time; a worker that
  exceeds the per-file timeout is killed, one that dies is noticed by its sentinel; either way that
  file becomes an error result (code "timeout" / "worker_crash"), the worker is replaced, and the
  batch goes on. Results come back pickled (a Result with its Submission, ~70 KB for a seed) and
  wait in a reorder buffer bounded by a window of files ahead of the next one to yield, so memory
  stays flat however many files there are.
"""

from __future__ import annotations

import glob
import logging
import os
import pickle
import re
import signal
import stat
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the CLI starts the fork server before it needs them
    from checker.model import Result
    from checker.pipeline import CheckOptions

log = logging.getLogger(__name__)

SUPPORTED_EXTENSIONS = {".txt", ".text", ".csv", ".docx", ".xlsx", ".xlsm", ".json", ".yaml", ".yml", ".pdf",
                        ".doc", ".xls", ".wps", ".et", ".rtf", ".odt", ".ods", ".zip"}
ARCHIVE_EXT = ".zip"  # a .zip is opened: its members are files of the batch (checker/readers/archive.py)
DEFAULT_TIMEOUT = 60.0  # seconds per file
STARTUP_LIMIT = 120.0  # seconds for a worker process to import and warm up its engine
MAX_STARTUP_FAILURES = 3  # workers dying before they are ready, in a row: check in-process instead
WINDOW_PER_WORKER = 4  # files a worker may run ahead of the next result to yield
# Test-only: "action:substring;..." -- checking a path containing substring first hangs ("hang"),
# sleeps half a second ("sleep"), exits the process ("exit"), SIGKILLs it ("kill") or raises
# outside the pipeline ("raise"). Read from the environment when a batch starts.
TEST_HOOK_ENV = "JIXIAO_TEST_WORKER_HOOK"
PRELOAD = ["checker.pipeline", "checker.engine", "checker.extract", "checker.readers", "checker.grading",
           "checker.facts", "checker.rulebook", "checker._preload",
           # What the Office readers import when they first read a file (they import lazily, so
           # a text-only check never pays for them): once here instead of once per worker.
           "defusedxml.ElementTree", "docx.opc.pkgreader", "docx.oxml.parser", "openpyxl.reader.excel",
           "openpyxl.worksheet._reader", "openpyxl.cell.read_only", "openpyxl.worksheet.cell_range",
           "checker.baseline"]


@dataclass
class BatchOptions:
    recursive: bool = False
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    workers: int | None = None  # None: one per CPU; 1: in this process, no pool
    quiet: bool = False
    timeout: float | None = DEFAULT_TIMEOUT  # seconds per file; None or 0: no limit
    lang: str = "zh"  # language of skip notes and error messages
    follow_links: bool = False  # symbolic links among the inputs are skipped unless asked for
    annotate: str | None = None  # directory for annotated copies, written by the file's worker
    isolate: bool = False  # a worker process even for one file (jixiao parse: under the timeout)


class MissingPathError(Exception):
    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


# ---- discovery --------------------------------------------------------------------------------

NOTES = {
    "temp": ("跳过 Office 临时文件：{path}", "Skipped an Office temporary file: {path}"),
    "hidden": ("跳过隐藏文件：{path}", "Skipped a hidden file: {path}"),
    "hidden_dir": ("跳过隐藏目录：{path}", "Skipped a hidden directory: {path}"),
    "special": ("跳过 {path}：不是普通文件", "Skipped {path}: not a regular file"),
    "subdirs": ("{path} 下的 {n} 个子目录未检查（加 --recursive 可检查子目录）",
                "{n} subdirectories of {path} not checked (add --recursive to check them)"),
    "no_match": ("没有与 {path} 匹配的文件", "No files match {path}"),
    "unreadable_dir": ("无法读取目录 {path}：{reason}", "Cannot read directory {path}: {reason}"),
    "loop": ("跳过 {path}：指向已检查过的目录（符号链接）", "Skipped {path}: a link to a directory already walked"),
    "link": ("跳过符号链接 {path}（不跟随链接；确需检查链接指向的文件时加 --follow-links）",
             "Skipped the symbolic link {path} (links are not followed; add --follow-links to follow them)"),
    "duplicate": ("跳过 {path}：与 {first} 是同一个文件，只检查一次", "Skipped {path}: the same file as {first}, checked once"),
    "image": ("跳过图片 {path}：扫描件无法读取文字，请提供 Word/Excel 原件或带文字层的 PDF",
              "Skipped the image {path}: a scan has no text to read; provide the Word/Excel original or a PDF "
              "with a text layer"),
    "unsupported": ("跳过 {path}：不是可检查的文件类型（{ext}）", "Skipped {path}: not a file type jixiao checks ({ext})"),
    "nested_archive": ("跳过 {path}：压缩包中的压缩包不展开，请先解压", "Skipped {path}: an archive inside an archive is "
                       "not opened; unpack it first"),
}

MAX_WORKERS_PER_CPU = 2  # more processes than this only cost memory (~20 MB each)


def skip_note(path: str) -> tuple[str, dict]:
    """Why a file found in a folder or an archive is not checked: (note key, values)."""
    from checker.readers.legacy import IMAGE_EXTENSIONS

    name = os.path.basename(path)
    ext = os.path.splitext(name)[1].lower()
    if name.startswith("~$"):
        return "temp", {"path": path}
    if name.startswith("."):
        return "hidden", {"path": path}
    if ext in IMAGE_EXTENSIONS:
        return "image", {"path": path}
    return "unsupported", {"path": path, "ext": ext or "无扩展名 / no extension"}


def note_text(key: str, lang: str, **values) -> str:
    from checker.report.safe import display

    zh, en = NOTES[key]
    # Names come from submitters: escaped here, so no note carries a control character, an
    # undecodable byte or a bidi override to a terminal or a report.
    return (en if lang == "en" else zh).format(**{k: display(str(v)) for k, v in values.items()})


def max_workers() -> int:
    return MAX_WORKERS_PER_CPU * default_workers()


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _pattern(pattern: str) -> re.Pattern:
    """A path glob as a regex: `*` and `?` stay inside one path part, `**` crosses parts,
    `[...]` is a character class; case-insensitive."""
    pat = pattern.replace(os.sep, "/").strip("/")
    out, i = [], 0
    while i < len(pat):
        ch = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif ch == "*":
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "[" and pat.find("]", i + 2) > 0:
            end = pat.find("]", i + 2)
            body = pat[i + 1:end].replace("\\", "\\\\")
            if body.startswith("!"):
                body = "^" + body[1:]
            elif body.startswith("^"):
                body = "\\" + body
            out.append(f"(?!/)[{body}]")
            i = end + 1
        else:
            out.append(re.escape(ch))
            i += 1
    return re.compile("".join(out) + r"\Z", re.IGNORECASE)


def _matches(path: str, patterns: list[re.Pattern]) -> bool:
    """A path matches when the whole of it, or its last parts, match a pattern: `*.docx`,
    `2024/*`, `archive`, `**/草稿*`, `/abs/dir/**`."""
    tails: set[str] = set()
    for spelling in (path, os.path.abspath(path)):
        parts = [p for p in spelling.replace(os.sep, "/").split("/") if p not in ("", ".")]
        tails.update("/".join(parts[i:]) for i in range(len(parts)))
    return any(rx.match(tail) for rx in patterns for tail in tails)


class _Discovery:
    def __init__(self, opts: BatchOptions):
        self.opts = opts
        self.include = [_pattern(p) for p in opts.include]
        self.exclude = [_pattern(p) for p in opts.exclude]
        self.files: list[str] = []
        self.notes: list[str] = []
        self._seen_files: dict[str, str] = {}  # real path -> the spelling checked
        self._walked: set[str] = set()

    def note(self, key: str, **values) -> None:
        self.notes.append(note_text(key, self.opts.lang, **values))

    def add_file(self, path: str, explicit: bool) -> None:
        name = os.path.basename(path)
        if name.startswith("~$"):  # Office lock file, even when named (a shell glob names it too)
            self.note("temp", path=path)
            return
        if name.startswith(".") and not explicit:
            self.note("hidden", path=path)
            return
        is_archive = os.path.splitext(path)[1].lower() == ARCHIVE_EXT  # --include applies to its members
        if self.include and not is_archive and not _matches(path, self.include):
            return
        if self.exclude and _matches(path, self.exclude):
            return
        key = os.path.normcase(os.path.realpath(path))  # one file however it is spelled
        if key in self._seen_files:
            self.note("duplicate", path=path, first=self._seen_files[key])
            return
        self._seen_files[key] = path
        if is_archive:
            self.add_archive(path)
        else:
            self.files.append(path)

    def add_archive(self, archive: str) -> None:
        """Each member of a .zip becomes `archive.zip!member`; what is not checked is noted. An
        archive that cannot be opened stays one file, whose result says why."""
        from checker.readers import DEFAULT_LIMITS, ReadError
        from checker.readers.archive import SEP, member_names

        try:
            names = member_names(archive, DEFAULT_LIMITS)
        except ReadError:
            self.files.append(archive)
            return
        for name in names:
            path = f"{archive}{SEP}{name}"
            ext = os.path.splitext(name)[1].lower()
            base = os.path.basename(name)
            if ext == ARCHIVE_EXT:
                self.note("nested_archive", path=path)
            elif "/." in f"/{name}" and not base.startswith("."):  # in a hidden folder (__MACOSX/.x)
                self.note("hidden", path=path)
            elif ext not in SUPPORTED_EXTENSIONS or base.startswith(("~$", ".")):
                key, values = skip_note(path)
                self.note(key, **values)
            elif not (self.include and not _matches(path, self.include)) and not (
                    self.exclude and _matches(path, self.exclude)):
                self.files.append(path)

    def link_skipped(self, path: str) -> bool:
        """A symbolic link among the inputs is not followed (unless --follow-links): a link in a
        unit's archive could point at another unit's table or at any file on the machine."""
        if self.opts.follow_links or not os.path.islink(path):
            return False
        self.note("link", path=path)
        return True

    def walk(self, top: str, recursive: bool) -> None:
        real = os.path.normcase(os.path.realpath(top))
        if real in self._walked:
            if os.path.islink(top):
                self.note("loop", path=top)
            return
        self._walked.add(real)
        try:
            with os.scandir(top) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.note("unreadable_dir", path=top, reason=exc.strerror or exc)
            return
        subdirs = []
        for entry in entries:
            full = os.path.normpath(os.path.join(top, entry.name))  # "./a.txt" -> "a.txt"
            try:
                if entry.is_symlink() and self.link_skipped(full):
                    continue
                is_dir = entry.is_dir()  # follows links; loops are caught by _walked
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue
            if is_dir:
                subdirs.append((entry.name, full))
            elif is_file and os.path.splitext(entry.name)[1].lower() in SUPPORTED_EXTENSIONS:
                self.add_file(full, explicit=False)
            elif is_file:
                key, values = skip_note(full)
                self.note(key, **values)
        if not recursive:
            skipped = [name for name, _ in subdirs if not name.startswith(".")]
            if skipped:
                self.note("subdirs", path=top, n=len(skipped))
            return
        for name, full in subdirs:
            if name.startswith("."):
                self.note("hidden_dir", path=full)
            elif self.exclude and _matches(full, self.exclude):
                continue
            else:
                self.walk(full, recursive)

    def add_argument(self, raw: str) -> None:
        path = _tidy(raw)
        if os.path.lexists(path) and self.link_skipped(path):
            return
        if os.path.isdir(path):
            self.walk(path, self.opts.recursive)
        elif os.path.exists(path):
            if stat.S_ISREG(os.stat(path).st_mode):
                self.add_file(path, explicit=True)  # named explicitly: checked whatever its extension
            else:
                self.note("special", path=path)
        elif glob.has_magic(raw):
            found = False
            for match in sorted(glob.glob(raw, recursive=True)):
                if self.link_skipped(match):
                    found = True
                elif os.path.isdir(match):
                    found = True
                    self.walk(match, self.opts.recursive)
                elif os.path.isfile(match) and os.path.splitext(match)[1].lower() in SUPPORTED_EXTENSIONS:
                    found = True
                    self.add_file(match, explicit=True)  # glob already leaves out hidden names
            if not found:
                self.note("no_match", path=raw)
        else:
            raise MissingPathError(raw)


def _tidy(raw: str) -> str:
    """`./a//b/` -> `a/b`, unless that would name another file (`link/..` through a symlink)."""
    norm = os.path.normpath(raw)
    if norm != raw and os.path.exists(raw) and os.path.realpath(norm) != os.path.realpath(raw):
        return raw
    return norm


def discover(paths: list[str], opts: BatchOptions) -> tuple[list[str], list[str]]:
    """Expand files, directories and globs into an ordered file list, plus skip notes.

    Directories list their supported files (sorted; subdirectories with --recursive, following
    symbolic links but never into a directory twice); globs (`**` too) expand like a listing;
    a file named explicitly is checked whatever its extension. Hidden files and directories
    and Office temporary files (`~$…`) are skipped with a note; a hidden file named explicitly is
    checked, a `~$` file never. --include/--exclude filter every file (excluded directories are
    not entered). A file reached twice (two spellings, a link) is checked once, first place wins.
    """
    found = _Discovery(opts)
    for raw in paths:
        found.add_argument(str(raw))
    return found.files, found.notes


# ---- checking ---------------------------------------------------------------------------------

class _FileTimeout(BaseException):
    """Raised by the in-process SIGALRM timer; a BaseException so no stage's `except Exception`
    mistakes it for an ordinary failure."""


def timeout_result(path: str, seconds: float, lang: str) -> Result:
    from checker.model import FileError, Result

    if lang == "en":
        message = f"Timed out: checking this file took longer than {seconds:g} s and was stopped (see --timeout)."
    else:
        message = f"检查超时：该文件超过 {seconds:g} 秒仍未检查完，已停止检查（可用 --timeout 调整上限）。"
    return Result(path=path, status="error", error=FileError(code="timeout", message=message))


def crash_result(path: str, exitcode: int | None, lang: str) -> Result:
    from checker.model import FileError, Result

    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        cause = f"被信号 {name} 终止" if lang != "en" else f"killed by signal {name}"
    elif exitcode is not None:
        cause = f"退出码 {exitcode}" if lang != "en" else f"exit code {exitcode}"
    else:
        cause = "连接中断" if lang != "en" else "connection lost"
    if lang == "en":
        message = (f"The worker process checking this file died ({cause}); the file was not checked. "
                   "The other files are not affected.")
    else:
        message = f"检查该文件的工作进程意外退出（{cause}），该文件未能检查完；其余文件不受影响。"
    return Result(path=path, status="error", error=FileError(code="worker_crash", message=message))


def _internal_result(path: str, exc: BaseException, lang: str) -> Result:
    from checker.model import Result
    from checker.pipeline import _internal

    error = _internal(exc if isinstance(exc, Exception) else RuntimeError(repr(exc)), lang)
    return Result(path=path, status="error", error=error)


def _parse_hook(text: str | None) -> list[tuple[str, str]]:
    hooks = []
    for item in (text or "").split(";"):
        action, sep, needle = item.partition(":")
        if sep and needle:
            hooks.append((action.strip(), needle))
    return hooks


def _run_hook(path: str, hooks: list[tuple[str, str]]) -> None:
    for action, needle in hooks:
        if needle not in path:
            continue
        if action == "hang":
            time.sleep(3600)
        elif action == "sleep":
            time.sleep(0.5)
        elif action == "exit":
            os._exit(3)
        elif action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif action == "raise":
            raise RuntimeError(f"test hook raised for {path}")


def _check_one(path: str, options: CheckOptions, hooks: list[tuple[str, str]], annotate_to: str | None = None) -> Result:
    from checker.pipeline import check_file

    if hooks:
        _run_hook(path, hooks)
    result = check_file(path, options)
    if annotate_to:  # in the same process and under the same time limit as the check
        from checker.report.annotate import annotate_copy

        annotate_copy(result, annotate_to, options.lang)
    return result


def annotation_targets(files: list[str], out_dir: str | None, lang: str) -> list[str | None]:
    """The annotated copy's path for each file (None: no copy for its format), decided here in
    batch order so that two inputs named alike get distinct, reproducible names whichever
    worker finishes first."""
    if not out_dir:
        return [None] * len(files)
    from pathlib import Path

    from checker.report.annotate import planned_path

    taken: set[str] = set()
    out = []
    for path in files:
        dest = planned_path(Path(path), Path(out_dir), lang, taken)
        if dest is not None:
            taken.add(str(dest))
        out.append(str(dest) if dest is not None else None)
    return out


def _check_guarded(path: str, options: CheckOptions, timeout: float | None,
                   hooks: list[tuple[str, str]], annotate_to: str | None = None) -> Result:
    """One file in this process: never raises for the file, stops it after `timeout` seconds
    where a SIGALRM timer is possible (Unix, main thread)."""
    use_alarm = (timeout is not None and timeout > 0 and hasattr(signal, "setitimer")
                 and threading.current_thread() is threading.main_thread())
    if not use_alarm:
        try:
            return _check_one(path, options, hooks, annotate_to)
        except Exception as exc:
            return _internal_result(path, exc, options.lang)
    fired = False

    def on_alarm(signum, frame):
        nonlocal fired
        fired = True
        # Inside durable_rules the exception would be printed and swallowed by its callbacks:
        # the engine raises it itself at its next safe point (between two fact asserts).
        engine = sys.modules.get("checker.engine")  # not imported yet: not inside it either
        if engine is None or not engine.interrupt(_FileTimeout()):
            raise _FileTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    result: Result | None = None
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, timeout)
            result = _check_one(path, options, hooks, annotate_to)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _FileTimeout:
        fired = True
    except Exception as exc:
        result = _internal_result(path, exc, options.lang)
    finally:
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
    if fired or result is None:  # an alarm caught inside a stage still means the file timed out
        return timeout_result(path, timeout, options.lang)
    return result


def worker_count(opts: BatchOptions, n_files: int) -> int:
    """Processes a batch of `n_files` uses: --workers (default one per CPU, at most
    MAX_WORKERS_PER_CPU per CPU), at most one per file; 1 means this process (unless isolated)."""
    return max(1, min(opts.workers or default_workers(), n_files, max_workers()))


def start_early(opts: BatchOptions, n_files: int) -> None:
    """Start the fork server now, so it imports and parses the rules while this process is still
    validating options (the CLI calls it right after discovery). Harmless when unused."""
    if worker_count(opts, n_files) <= 1:
        return
    import multiprocessing  # here, not at the top: a single-file check never starts a process

    if "forkserver" in multiprocessing.get_all_start_methods():
        try:
            _context()
            from multiprocessing import forkserver

            forkserver.ensure_running()
        except Exception:  # the pool will find out, and fall back
            log.debug("cannot start the fork server early", exc_info=True)


def start_for_paths(paths: list[str], workers: int | None) -> None:
    """start_early() before discovery, from the command line alone: unless one worker was asked
    for or the only argument is one file, a batch is likely, and the fork server's imports
    (most of a batch's start-up) then overlap the CLI's own. At worst, for a directory holding
    a single file, a fork server starts that is never used."""
    if workers == 1 or (len(paths) == 1 and os.path.isfile(paths[0])):
        return
    start_early(BatchOptions(workers=workers), 2)


def iter_results(files: list[str], options: CheckOptions, opts: BatchOptions) -> Iterator[Result]:
    """One result per file, in the order of `files` (see the module doc)."""
    if not files:
        return
    workers = worker_count(opts, len(files))
    timeout = opts.timeout if opts.timeout and opts.timeout > 0 else None
    hooks = _parse_hook(os.environ.get(TEST_HOOK_ENV))
    targets = annotation_targets(files, opts.annotate, options.lang)
    if workers == 1 and not opts.isolate:
        for path, dest in zip(files, targets):
            yield _check_guarded(path, options, timeout, hooks, dest)
        return
    pool = WorkerPool(workers, options, timeout, hooks)
    try:
        yield from pool.run(files, targets)
    except GeneratorExit:  # the caller stopped early (a signal): no file is waited for
        pool.close(kill=True)
        raise
    finally:
        pool.close()


def run_batch(paths: list[str], options: CheckOptions, opts: BatchOptions) -> tuple[list[Result], list[str]]:
    files, notes = discover(paths, opts)
    return list(iter_results(files, options, opts)), notes


# ---- the worker pool --------------------------------------------------------------------------

def _context():
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        # Imported once in the fork server (no engine host, so no threads there), inherited by
        # every worker: the modules and the parsed rule files (checker._preload), so a worker
        # needs only to register its ruleset instead of importing and parsing everything again.
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the process that started it dies, so no worker
    goes on burning CPU after the CLI was killed (SIGKILL cannot be handled by the parent)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 -- best effort: the parent also stops its workers itself
        log.debug("no PR_SET_PDEATHSIG", exc_info=True)


def _worker_main(conn, options: CheckOptions, hooks: list[tuple[str, str]]) -> None:
    """A worker process: warm up, then check one file per task until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    started = time.perf_counter()
    if options.run_rules:
        try:  # register the rulesets in this process now, not during the first file
            from checker.engine import evaluate
            from checker.model import Submission

            evaluate(Submission(), options.config, options.lang)
        except Exception:  # the files will report it
            log.debug("worker warm-up failed", exc_info=True)
    conn.send(("ready", os.getpid(), time.perf_counter() - started))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if task is None:
            return
        index, path, dest = task
        try:
            result = _check_one(path, options, hooks, dest)
        except BaseException as exc:  # noqa: BLE001 -- the file, not the worker, failed
            result = _internal_result(path, exc, options.lang)
        try:  # pickled here, so the parent can hand out the next file before unpickling this one
            payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # the result would not pickle
            payload = pickle.dumps(_internal_result(path, exc, options.lang), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            conn.send(("result", index, payload))
        except (EOFError, OSError):
            return


class _Worker:
    def __init__(self, ctx, options: CheckOptions, hooks: list[tuple[str, str]]):
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child, options, hooks), daemon=True,
                                name="jixiao-worker")
        self.started = time.monotonic()
        self.proc.start()
        child.close()
        self.ready = False
        self.task: tuple[int, str] | None = None
        self.deadline: float | None = None  # of the current task, or of start-up
        self.ready_after: float | None = None  # seconds from start() to "ready"

    def send(self, index: int, path: str, timeout: float | None, dest: str | None = None) -> None:
        self.task = (index, path)
        self.deadline = time.monotonic() + timeout if timeout else None
        self.conn.send((index, path, dest))

    def stop(self, kill: bool = False) -> None:
        if self.proc.is_alive():
            if kill:
                self.proc.kill()
            else:
                try:
                    self.conn.send(None)
                except (OSError, ValueError):
                    pass
        self.proc.join(2 if not kill else 5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.conn.close()
        try:
            self.proc.close()
        except ValueError:
            pass


@dataclass
class _Pending:
    """A worker's result as it arrived: pickled, unpickled only when its turn to be yielded comes."""

    path: str
    payload: bytes


class WorkerPool:
    """Worker processes for one batch (see the module doc). `startup` holds each worker's
    seconds from start to ready, for measurement."""

    def __init__(self, size: int, options: CheckOptions, timeout: float | None, hooks: list[tuple[str, str]]):
        self.size, self.options, self.timeout, self.hooks = size, options, timeout, hooks
        self.lang = options.lang
        self.ctx = _context()
        self.workers: list[_Worker] = []
        self.startup: list[float] = []
        self.replaced = 0  # workers killed or dead and started again
        self.max_buffered = 0  # most results held at once, waiting for an earlier file
        self._startup_failures = 0

    def _spawn(self) -> _Worker:
        worker = _Worker(self.ctx, self.options, self.hooks)
        worker.deadline = worker.started + STARTUP_LIMIT
        return worker

    def run(self, files: list[str], targets: list[str | None] | None = None) -> Iterator[Result]:
        n = len(files)
        targets = targets or [None] * n
        window = max(self.size * WINDOW_PER_WORKER, self.size + 1)
        done: dict[int, Result | _Pending] = {}
        next_send = next_out = 0
        try:
            for _ in range(self.size):
                self.workers.append(self._spawn())
        except Exception:  # no worker processes here (no fork server, no semaphores...)
            log.debug("cannot start workers", exc_info=True)
            self._startup_failures = MAX_STARTUP_FAILURES
        while next_out < n:
            if self._startup_failures >= MAX_STARTUP_FAILURES:
                yield from self._fall_back(files, done, next_out, targets)
                return
            # Idle workers get their next file before any result is unpickled and reported:
            # that work is the parent's, and a worker should not wait for it.
            for worker in self.workers:
                if worker.ready and worker.task is None and next_send < n and next_send < next_out + window:
                    worker.send(next_send, files[next_send], self.timeout, targets[next_send])
                    next_send += 1
            if next_out in done:
                while next_out in done:
                    yield self._unpack(done.pop(next_out))
                    next_out += 1
                continue
            self._step(done)
            self.max_buffered = max(self.max_buffered, len(done))

    def _unpack(self, item: Result | _Pending) -> Result:
        if not isinstance(item, _Pending):
            return item
        from checker.model import Result

        try:
            result = pickle.loads(item.payload)
            if not isinstance(result, Result):
                raise TypeError(f"a worker sent {type(result).__name__}, not a Result")
            return result
        except Exception as exc:  # noqa: BLE001 -- a result that would not unpickle
            log.debug("bad result from worker", exc_info=True)
            return _internal_result(item.path, exc, self.lang)

    def _step(self, done: dict[int, Result | _Pending]) -> None:
        """Wait for a message, a death or a deadline; settle what happened."""
        from multiprocessing.connection import wait as wait_any

        now = time.monotonic()
        deadlines = [w.deadline for w in self.workers if w.deadline is not None]
        wait_for = max(0.0, min(deadlines) - now) if deadlines else None
        handles = [w.conn for w in self.workers] + [w.proc.sentinel for w in self.workers]
        ready = set(wait_any(handles, wait_for))
        for worker in list(self.workers):
            i = self.workers.index(worker)
            ok = True
            if worker.conn in ready or worker.proc.sentinel in ready:
                ok = self._drain(worker, done)  # a result sent just before dying still counts
            if not ok or worker.proc.sentinel in ready:
                self._dead(i, worker, done)
            elif worker.deadline is not None and time.monotonic() >= worker.deadline:
                if not self._drain(worker, done):
                    self._dead(i, worker, done)
                elif worker.deadline is not None:  # still no answer: stop it
                    self._overdue(i, worker, done)

    def _drain(self, worker: _Worker, done: dict[int, Result | _Pending]) -> bool:
        """Read every message waiting from a worker; False if its connection is broken."""
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if message[0] == "ready":
                    worker.ready = True
                    worker.deadline = None
                    worker.ready_after = time.monotonic() - worker.started
                    self.startup.append(worker.ready_after)
                    self._startup_failures = 0
                elif message[0] == "result" and worker.task is not None and message[1] == worker.task[0]:
                    done[message[1]] = _Pending(worker.task[1], message[2])
                    worker.task, worker.deadline = None, None
        except (EOFError, OSError):
            return False
        except Exception:  # a message that would not unpickle: treat the worker as broken
            log.debug("bad message from worker", exc_info=True)
            return False
        return True

    def _dead(self, i: int, worker: _Worker, done: dict[int, Result | _Pending]) -> None:
        worker.proc.join(5)
        exitcode = worker.proc.exitcode
        if worker.task is not None:
            index, path = worker.task
            done[index] = crash_result(path, exitcode, self.lang)
        elif not worker.ready:
            self._startup_failures += 1
        self._replace(i, worker, kill=True)

    def _overdue(self, i: int, worker: _Worker, done: dict[int, Result | _Pending]) -> None:
        if worker.task is not None:
            index, path = worker.task
            done[index] = timeout_result(path, self.timeout or 0, self.lang)
        elif not worker.ready:
            self._startup_failures += 1
        self._replace(i, worker, kill=True)

    def _replace(self, i: int, worker: _Worker, kill: bool) -> None:
        worker.task = None
        worker.stop(kill=kill)
        self.replaced += 1
        try:
            self.workers[i] = self._spawn()
        except Exception:  # the fork server itself is gone: no more workers in this batch
            log.debug("cannot start a worker", exc_info=True)
            del self.workers[i]
            if not self.workers:
                self._startup_failures = MAX_STARTUP_FAILURES

    def _fall_back(self, files: list[str], done: dict[int, Result | _Pending], next_out: int,
                   targets: list[str | None]) -> Iterator[Result]:
        """Workers cannot start here: check the remaining files in this process."""
        sys.stderr.write("警告：无法启动工作进程，改为在本进程中逐个检查。\n" if self.lang != "en" else
                         "Warning: worker processes cannot start; checking in this process instead.\n")
        for worker in self.workers:
            worker.task = None
            worker.stop(kill=True)
        self.workers = []
        for index in range(next_out, len(files)):
            result = done.pop(index, None)
            yield self._unpack(result) if result is not None else _check_guarded(files[index], self.options,
                                                                                 self.timeout, self.hooks,
                                                                                 targets[index])

    def close(self, kill: bool = False) -> None:
        for worker in self.workers:
            worker.stop(kill=kill or worker.task is not None)
        self.workers = []


# ---- rule files from outside: compiled once in a child process --------------------------------

RULE_COMPILE_LIMIT = 30.0  # seconds for durable_rules to compile the whole rule set


def _probe_main(conn, config) -> None:
    _die_with_parent()
    try:
        from checker.engine import evaluate
        from checker.model import Submission

        evaluate(Submission(), config, "zh")  # compiles and registers the ruleset, runs a session
        sample = _sample_table()
        if sample is not None:  # renders the templates of every rule that fires on a real table
            from checker.pipeline import load_submission

            evaluate(load_submission(str(sample)), config, "zh")
        conn.send(None)
    except BaseException as exc:  # noqa: BLE001 -- reported to the parent as the reason
        conn.send(f"{type(exc).__name__}: {exc}")


def _sample_table():
    """A bundled seed table (a source checkout has one), to run the rules on once."""
    from pathlib import Path

    seeds = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
    found = sorted(seeds.glob("000_*.txt")) if seeds.is_dir() else []
    return found[0] if found else None


def probe_rules(config, seconds: float = RULE_COMPILE_LIMIT) -> str | None:
    """Compile the rule set in a child process and run it once on an empty submission, within
    `seconds`: a rule durable_rules cannot compile, or one on which its C compiler never returns,
    is then a usage error before any file is read, not a hang or an error in every file. None
    when it compiled; otherwise why not."""
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_probe_main, args=(child, config), daemon=True, name="jixiao-rules")
    proc.start()
    child.close()
    try:
        if parent.poll(seconds):
            try:
                return parent.recv()
            except (EOFError, OSError):
                return "the compiling process died"
        return f"not compiled within {seconds:g} s"
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
