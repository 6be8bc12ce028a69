"""The `jixiao` command line: options -> pipeline -> report; nothing else.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it, or an input that
could not be read; 2 usage or configuration errors; 3 the report could not be written;
130/143 interrupted by SIGINT/SIGTERM (the report, if any, says it is incomplete).
"""

from __future__ import annotations

import contextlib
import json
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from checker import __version__


def Console(*args, **kwargs):  # noqa: N802 - rich's Console, imported when something is printed
    """rich.console.Console, imported on first use: a JSON report to a file never needs rich,
    and its import is a noticeable part of a cold single-file check."""
    from rich.console import Console as RichConsole

    return RichConsole(*args, **kwargs)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="jixiao — 预算绩效目标表合规检查器 (budget performance target table checker).",
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class ParseFormat(str, Enum):
    table = "table"
    json = "json"


class CheckFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"
    xlsx = "xlsx"


SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


EXIT_REPORT_FAILED = 3
EXIT_SIGNAL = 128  # + the signal number: 130 for SIGINT, 143 for SIGTERM


def print_error(label_zh: str, label_en: str, message: str, lang: str = "zh") -> None:
    """`label: message` on stderr; the message is plain text (no rich markup, control
    characters and undecodable bytes escaped): it may carry a path or a zip member's name."""
    from rich.text import Text

    from checker.report.safe import display

    line = Text(label_en if lang == "en" else label_zh, style="bold red")
    line.append(": " + display(message))
    Console(stderr=True, highlight=False).print(line, soft_wrap=True)  # no line breaks inside a path


def usage_error(zh: str, en: str, lang: str = "zh") -> typer.Exit:
    print_error("错误", "Error", en if lang == "en" else zh, lang)
    return typer.Exit(code=2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jixiao {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本 / show version"),
) -> None:
    """jixiao — 预算绩效目标表合规检查器."""


class Outcome:
    """What the exit code needs from a batch, kept as results stream past."""

    def __init__(self) -> None:
        self.unreadable = False
        self.worst = -1  # highest severity rank seen

    def add(self, result) -> None:
        self.unreadable = self.unreadable or result.status == "error"
        for f in result.findings:
            self.worst = max(self.worst, SEVERITY_RANK[f.severity])

    def exit_code(self, fail_on: str) -> int:
        if self.unreadable:
            return 1
        if fail_on == "never":
            return 0
        return 1 if self.worst >= SEVERITY_RANK[fail_on] else 0


ONLY_NEW_HELP = ("只显示新增问题（需 --baseline）；等级和得分仍按全部问题计算，隐藏旧问题不会让等级变好 / "
                 "show only new findings (needs --baseline); grade and score still count every finding, "
                 "so hiding old problems never improves a grade")


@app.command()
def check(
    paths: List[Path] = typer.Argument(..., help="要检查的文件、目录或通配符 / files, directories or globs to check"),
    fmt: CheckFormat = typer.Option(CheckFormat.table, "--format", "-f", help="报告格式 / report format"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="报告写入文件 / write the report to a file"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="报告语言 / report language"),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="达到该级别即返回 1 / exit 1 at or above this level"),
    select: Optional[List[str]] = typer.Option(None, "--select", help="只运行这些规则或规则族 / only these rules or families"),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="忽略这些规则或规则族 / skip these rules or families"),
    config_file: Optional[Path] = typer.Option(None, "--config", help="配置文件 jixiao.toml / config file"),
    rules_dir: Optional[List[Path]] = typer.Option(None, "--rules", help="追加的规则目录 / extra rule directory"),
    annotate: Optional[Path] = typer.Option(None, "--annotate", help="写出标注副本的目录 / write annotated copies here"),
    workers: Optional[int] = typer.Option(
        None, "--workers", "-j",
        help="并行进程数，默认每个 CPU 一个，至多每个 CPU 两个；1 = 在本进程中逐个检查 / worker processes "
             "(default: one per CPU, at most two per CPU; 1 = in this process)"),
    timeout: Optional[float] = typer.Option(
        None, "--timeout",
        help="每个文件的时间上限（秒，默认 60，大于 0 且至多 86400；也可在配置 \\[limits] timeout 中设置）/ "
             "seconds per file (default 60, above 0 and at most 86400; or \\[limits] timeout in the config)"),
    follow_links: bool = typer.Option(
        False, "--follow-links",
        help="跟随输入中的符号链接（默认跳过并说明）/ follow symbolic links among the inputs (default: skip them "
             "with a note)"),
    recursive: bool = typer.Option(False, "--recursive", "-r", help="递归子目录 / recurse into directories"),
    include: Optional[List[str]] = typer.Option(None, "--include", help="只包含匹配的文件 / include glob"),
    exclude: Optional[List[str]] = typer.Option(None, "--exclude", help="排除匹配的文件 / exclude glob"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度 / no progress bar"),
    baseline: Optional[Path] = typer.Option(
        None, "--baseline",
        help="上次的 JSON 报告（--format json）：标出新增、仍未修改和已修改的问题 / a previous JSON report: "
             "mark findings new, still open or fixed"),
    only_new: bool = typer.Option(False, "--only-new", help=ONLY_NEW_HELP),
    timings: bool = typer.Option(False, "--timings", help="报告中包含各阶段耗时 / include per-stage timings"),
) -> None:
    """检查绩效目标表，输出问题清单与等级 / check tables and report findings and grades."""
    lang_s = lang.value
    if fmt == CheckFormat.xlsx and output is None:
        raise usage_error("xlsx 报告需要 --output 文件。", "The xlsx report needs --output FILE.", lang_s)
    if only_new and baseline is None:
        raise usage_error("--only-new 需要同时给出 --baseline 上次的 JSON 报告。",
                          "--only-new needs --baseline PREVIOUS.json.", lang_s)
    if workers is not None and workers < 1:
        raise usage_error(f"--workers 应为正整数（收到 {workers}）。",
                          f"--workers must be a positive number (got {workers}).", lang_s)
    from checker.config import MAX_TIMEOUT, valid_timeout

    if timeout is not None and not valid_timeout(timeout):
        raise usage_error(f"--timeout 应为大于 0、至多 {MAX_TIMEOUT} 的秒数（收到 {timeout:g}）。",
                          f"--timeout must be seconds above 0 and at most {MAX_TIMEOUT} (got {timeout:g}).", lang_s)
    from checker.batch import max_workers, start_for_paths

    if workers is not None and workers > max_workers():
        Console(stderr=True, highlight=False).print(
            f"提示：--workers {workers} 超过上限，改用 {max_workers()} 个进程（每个 CPU 至多两个）。" if lang_s != "en"
            else f"Note: --workers {workers} is over the limit; using {max_workers()} processes (two per CPU).",
            markup=False)
        workers = max_workers()
    # From here on SIGINT/SIGTERM/SIGHUP stop the run cleanly (exit 130/143/129): the fork
    # server and the workers stop with it, and a report already open is finished as incomplete.
    signals = _Signals()
    try:
        with signals:
            if workers is None or workers > 1:  # before the imports below: the fork server's overlap them
                start_for_paths([str(p) for p in paths], workers)
            from checker.batch import DEFAULT_TIMEOUT, BatchOptions, MissingPathError, discover, start_early
            from checker.config import input_limits, timeout_seconds
            from checker.pipeline import CheckOptions

            config = _load_config(config_file, select, ignore, rules_dir, lang_s)
            batch_opts = BatchOptions(
                recursive=recursive,
                include=include or [],
                exclude=exclude or [],
                workers=workers,
                quiet=quiet,
                timeout=timeout if timeout is not None else timeout_seconds(config, DEFAULT_TIMEOUT),
                lang=lang_s,
                follow_links=follow_links,
                annotate=str(annotate) if annotate is not None else None,
            )
            options = CheckOptions(lang=lang_s, config=config, limits=input_limits(config))
            try:
                files, skipped = discover([str(p) for p in paths], batch_opts)
            except MissingPathError as exc:
                raise usage_error(f"找不到文件或目录：{exc.path}", f"No such file or directory: {exc.path}", lang_s) from exc
            if skipped:
                err = Console(stderr=True, highlight=False)
                for note in skipped:  # escaped by discovery: names are the submitters'
                    err.print(note, markup=False)
            if not files and not skipped:
                raise usage_error("没有找到可检查的文件。", "No files to check.", lang_s)
            _guard_outputs([str(p) for p in paths], files, output, annotate, lang_s)
            _validate_rules(config, lang_s)
            start_early(batch_opts, len(files))  # worker processes warm up while the baseline loads here
            mark = None
            if baseline is not None:  # validated now, before any file is checked
                from checker.baseline import BaselineError, load_baseline

                try:
                    mark = load_baseline(baseline, only_new=only_new)
                except BaselineError as exc:
                    raise usage_error(exc.zh, exc.en, lang_s) from exc
                except (RecursionError, ValueError) as exc:
                    raise usage_error(f"无法读取基线文件：{type(exc).__name__}", f"Cannot read the baseline: {type(exc).__name__}",
                                      lang_s) from exc
            from checker.config import describe
            from checker.report import ReportOptions
            from checker.report.summary import RunInfo

            config_path, dirs = describe(config)
            report_options = ReportOptions(timings=timings, skipped=skipped, run=RunInfo(config_path, tuple(dirs)))
            code = _run_batch(files, options, batch_opts, fmt.value, lang_s, report_options, output, mark, fail_on.value,
                              signals)
            if not files and code == 0:  # only skipped names (a mistyped glob, a pipe): never a pass
                code = 1
            raise typer.Exit(code=code)
    except _Stop as stop:
        print_error("已中断", "Interrupted", _incomplete_text(stop.signum, 0, 0, lang_s, started=False), lang_s)
        raise typer.Exit(code=EXIT_SIGNAL + int(stop.signum)) from None


class _Stop(BaseException):
    """SIGINT/SIGTERM/SIGHUP arrived: stop checking, finish the report as incomplete."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class _Signals:
    """Turns SIGINT, SIGTERM and SIGHUP into _Stop, but never in the middle of writing a report
    part (`with signals.held():`): the part is finished first, then the stop is raised."""

    NAMES = ("SIGINT", "SIGTERM", "SIGHUP")

    def __init__(self) -> None:
        self.pending: int | None = None
        self.holding = 0
        self.stopping = False  # a stop is being handled: the report is being finished
        self.previous: dict[int, object] = {}

    def __enter__(self):
        import signal

        for name in self.NAMES:
            number = getattr(signal, name, None)
            if number is None:
                continue
            try:
                self.previous[number] = signal.signal(number, self._on_signal)
            except (ValueError, OSError):  # not the main thread
                pass
        return self

    def __exit__(self, *exc) -> None:
        import signal

        for number, handler in self.previous.items():
            signal.signal(number, handler)

    def _on_signal(self, signum, frame) -> None:
        if self.pending is None:
            self.pending = signum
        if not self.holding and not self.stopping:
            raise _Stop(signum)

    @contextlib.contextmanager
    def held(self):
        self.holding += 1
        try:
            yield
        finally:
            self.holding -= 1
        if not self.holding and self.pending is not None and not self.stopping:
            raise _Stop(self.pending)


def _run_batch(files, options, batch_opts, fmt: str, lang: str, report_options, output, mark, fail_on: str,
               signals: "_Signals") -> int:
    """Check `files` into one report; the exit code. The report goes to a temporary file that
    replaces `output` only when it is complete, or complete up to an interruption and marked so."""
    from checker.batch import iter_results
    from checker.report import open_report, open_report_file

    target = None
    try:
        if output is None:
            reporter = open_report(fmt, lang, report_options, None)
        else:
            reporter, target = open_report_file(fmt, lang, report_options, output)
    except OSError as exc:
        raise usage_error(f"无法写入报告文件 {output}：{exc.strerror or exc}",
                          f"Cannot write the report file {output}: {exc.strerror or exc}", lang) from exc
    outcome = Outcome()
    stopped: int | None = None
    done = 0
    # A bar on stderr when it is a terminal, unless the report itself streams to the same
    # terminal (then each file's part is the progress, and the two would overwrite each other).
    show_progress = not batch_opts.quiet and sys.stderr.isatty() and not (output is None and sys.stdout.isatty())
    try:
        try:
            with _progress(len(files), lang, show_progress) as advance, \
                    contextlib.closing(iter_results(files, options, batch_opts)) as results:
                for result in results:
                    if not report_options.timings:  # stage seconds differ run to run: only when asked
                        result.timings = None
                    if mark is not None:
                        mark(result)
                    with signals.held():
                        reporter.add(result)
                        outcome.add(result)
                        done += 1
                    advance()
        except (_Stop, KeyboardInterrupt) as exc:
            import signal

            stopped = exc.signum if isinstance(exc, _Stop) else signal.SIGINT
            signals.stopping = True
            reporter.mark_incomplete(_incomplete_text(stopped, done, len(files), lang))
        with signals.held():
            reporter.close()
            if target is not None:
                target.commit()
    except OSError as exc:
        if target is not None:
            target.discard()
        kept = ("（之前的报告保持不变）" if lang != "en" else " (any previous report is unchanged)") if output else ""
        print_error("报告写入失败", "Report not written", f"{output or 'stdout'}: {exc.strerror or exc}{kept}", lang)
        return EXIT_REPORT_FAILED
    except BaseException:
        if target is not None:
            target.discard()
        raise
    if stopped is not None:
        print_error("已中断", "Interrupted", _incomplete_text(stopped, done, len(files), lang), lang)
        return EXIT_SIGNAL + int(stopped)
    return outcome.exit_code(fail_on)


def _incomplete_text(signum: int, done: int, total: int, lang: str, started: bool = True) -> str:
    import signal

    try:
        name = signal.Signals(signum).name
    except ValueError:
        name = str(signum)
    if not started:
        return (f"the run was stopped ({name}) before any file was checked; no report was written" if lang == "en"
                else f"检查被中断（{name}），尚未检查任何文件，未写出报告")
    if lang == "en":
        return f"the run was stopped ({name}) after {done} of {total} files; the other files were not checked"
    return f"检查被中断（{name}），只完成了 {total} 个文件中的 {done} 个，其余文件未检查"


def _guard_outputs(arguments: list[str], files: list[str], output, annotate, lang: str) -> None:
    """--output and --annotate never name an input, nor lie inside an input directory: the
    report would overwrite a submission before it is read, or be read as one next time."""
    import os

    def real(path) -> str:
        return os.path.normcase(os.path.realpath(path))

    inputs = {real(f) for f in files}
    dirs = [real(a) for a in arguments if os.path.isdir(a)]
    for option, target in (("--output", output), ("--annotate", annotate)):
        if target is None:
            continue
        where = real(target)
        inside = next((d for d in dirs if where == d or where.startswith(d.rstrip(os.sep) + os.sep)), None)
        if where in inputs or inside is not None:
            raise usage_error(
                f"{option} {target} 是输入文件或位于输入目录之中，会覆盖或混入被检查的文件；请写到输入以外的位置。",
                f"{option} {target} is an input or inside an input directory, where it would overwrite a "
                "submission or be checked as one; write it outside the inputs.", lang)


@contextlib.contextmanager
def _progress(total: int, lang: str, enabled: bool):
    """A progress bar on stderr (files done/total, rate, time left); a no-op when disabled."""
    if not enabled or total == 0:
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            unit = "个/秒" if lang != "en" else "files/s"
            return Text("–" if speed is None else f"{speed:.1f} {unit}", style="progress.data.speed")

    progress = Progress(
        TextColumn("检查" if lang != "en" else "Checking"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TextColumn("剩余" if lang != "en" else "ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        redirect_stdout=False,  # stdout is the report's, never routed through the bar's stream
        redirect_stderr=False,
    )
    with progress:
        task = progress.add_task("", total=total)
        yield lambda: progress.advance(task)


def _load_config(config_file, select, ignore, rules_dir, lang):
    """--config, else the working directory's jixiao.toml / pyproject.toml [tool.jixiao], else
    the defaults. Never a file next to the inputs: those folders are the submitters'."""
    from checker.config import ConfigError, load_config

    try:
        config = load_config(Path.cwd(), config_file)
    except ConfigError as exc:
        raise usage_error(str(exc), str(exc), lang) from exc
    if select:
        config.select = [s for item in select for s in item.split(",") if s]
    if ignore:
        config.ignore = [s for item in ignore for s in item.split(",") if s]
    if rules_dir:
        config.rule_dirs = list(config.rule_dirs) + list(rules_dir)
    from checker.grading import GradingConfigError, resolve_grading

    try:
        resolve_grading(config.grading)  # a bad [grading] is a usage error, not a crash per file
    except GradingConfigError as exc:
        raise usage_error(str(exc), str(exc), lang) from exc
    return config


def _validate_rules(config, lang: str) -> None:
    """Load the rulebook once up front, so a broken rule file is a usage error (exit 2)."""
    try:
        from checker.rulebook import RuleFileError, load_rulebook
    except ImportError:
        return
    try:
        load_rulebook(config)
    except RuleFileError as exc:
        raise usage_error(str(exc), str(exc), lang) from exc
    if config.rule_dirs:  # rules from outside the package: compiled once, in a child, with a time limit
        from checker.batch import probe_rules

        problem = probe_rules(config)
        if problem:
            raise usage_error(f"规则无法编译 / rules cannot be compiled: {problem}",
                              f"The rules cannot be compiled: {problem}", lang)


@app.command()
def parse(
    path: Path = typer.Argument(..., help="要读取的文件 / file to read"),
    fmt: ParseFormat = typer.Option(ParseFormat.table, "--format", "-f", help="table 或 json"),
    lang: Lang = typer.Option(Lang.zh, "--lang"),
    timeout: Optional[float] = typer.Option(
        None, "--timeout", help="读取的时间上限（秒，默认 60）/ seconds to read the file (default 60)"),
) -> None:
    """显示从文件中读取到的内容 / show what was read from a file."""
    from checker.config import MAX_TIMEOUT, input_limits, timeout_seconds, valid_timeout

    lang_s = lang.value
    if timeout is not None and not valid_timeout(timeout):
        raise usage_error(f"--timeout 应为大于 0、至多 {MAX_TIMEOUT} 的秒数（收到 {timeout:g}）。",
                          f"--timeout must be seconds above 0 and at most {MAX_TIMEOUT} (got {timeout:g}).", lang_s)
    if not path.exists():
        raise usage_error(f"找不到文件：{path}", f"No such file: {path}", lang_s)
    from checker.batch import DEFAULT_TIMEOUT, BatchOptions, iter_results
    from checker.pipeline import CheckOptions

    config = _load_config(None, None, None, None, lang_s)
    options = CheckOptions(lang=lang_s, config=config, limits=input_limits(config), run_rules=False)
    # In a worker process under the per-file time limit, as `check` reads files: a hostile
    # file cannot hang `parse` either.
    batch = BatchOptions(workers=1, isolate=True, lang=lang_s,
                         timeout=timeout if timeout is not None else timeout_seconds(config, DEFAULT_TIMEOUT))
    [result] = list(iter_results([str(path)], options, batch))
    if result.status == "error" or result.submission is None:
        message = result.error.message if result.error else ""
        print_error("无法读取", "Could not read", message, lang_s)
        raise typer.Exit(code=1)
    submission = result.submission
    if fmt == ParseFormat.json:
        sys.stdout.write(submission.model_dump_json(indent=2, exclude_none=True) + "\n")
        return
    from checker.report.parsed import render_parsed

    render_parsed(submission, Console(), lang_s)


@app.command()
def schema() -> None:
    """输出数据模型的 JSON Schema / print the model's JSON Schema."""
    from checker.model import Submission

    sys.stdout.write(json.dumps(Submission.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


# ---- rule catalogue: `jixiao rules`, `jixiao explain ID` ------------------------------------

def _rulebook_for_listing(lang: str):
    from checker.config import ConfigError, load_config
    from checker.rulebook import RuleFileError, load_rulebook

    try:
        return load_rulebook(load_config(Path.cwd()))
    except (ConfigError, RuleFileError) as exc:
        raise usage_error(str(exc), str(exc), lang) from exc


@app.command("rules")
def list_rules(
    family: Optional[str] = typer.Option(None, "--family", help="只列出该规则族 (S/A/Q/C/T/K) / only this family"),
    fmt: ParseFormat = typer.Option(ParseFormat.table, "--format", "-f", help="table 或 json"),
    lang: Lang = typer.Option(Lang.zh, "--lang"),
) -> None:
    """列出全部规则 / list every rule."""
    from rich.table import Table

    from checker.rulebook import rule_summary

    book = _rulebook_for_listing(lang.value)
    rules = [r for r in book.every if family is None or r.family == family.strip().upper()]
    if family is not None and not rules:
        raise usage_error(f"没有规则族 {family}。", f"No rule family {family}.", lang.value)
    if fmt == ParseFormat.json:
        rows = [rule_summary(r, lang.value) for r in rules]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    zh = lang.value != "en"
    table = Table(title="规则" if zh else "Rules")
    for header in (("编号", "级别", "维度", "标题") if zh else ("ID", "Severity", "Dimension", "Title")):
        table.add_column(header)
    for rule in rules:
        table.add_row(rule.id, rule.severity, rule.dimension, rule.title.get(lang.value))
    Console().print(table)


@app.command()
def explain(
    rule_id: str = typer.Argument(..., metavar="ID", help="规则编号，如 A01 / rule id, e.g. A01"),
    lang: Lang = typer.Option(Lang.zh, "--lang"),
) -> None:
    """说明一条规则：检查什么、为什么、示例、如何修改 / explain a rule."""
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from checker.rulebook import rule_examples

    book = _rulebook_for_listing(lang.value)
    rule = book.get(rule_id.strip().upper())
    if rule is None:
        raise usage_error(f"未知的规则编号：{rule_id}（用 jixiao rules 查看全部规则）",
                          f"Unknown rule id: {rule_id} (see jixiao rules)", lang.value)
    zh = lang.value != "en"
    out = Console()
    out.print(f"[bold]{rule.id}[/]  {escape(rule.title.get(lang.value))}  "
              f"[dim]{rule.severity} · {rule.dimension}[/]")
    what = rule.description.get(lang.value) if rule.description else rule.title.get(lang.value)
    out.print(f"\n[bold]{'检查什么' if zh else 'What it checks'}[/]\n{escape(what)}")
    out.print(f"\n[bold]{'依据' if zh else 'Why'}[/]\n{escape(rule.basis.get(lang.value))}")
    if rule.params:
        shown = ", ".join(f"{k} = {v}" for k, v in rule.params.items())
        out.print(f"\n[bold]{'参数' if zh else 'Parameters'}[/]\n{escape(shown)}")
    failing, passing = rule_examples(rule.id)
    for label, shown, messages in _examples(rule.id, failing, passing, lang.value):
        out.print(f"\n[bold]{escape(label)}[/]")
        rows = Table.grid(padding=(0, 2))
        rows.add_column(justify="right", style="dim", no_wrap=True)
        rows.add_column(overflow="fold")
        for item in shown:
            if item.row is None:
                rows.add_row("⋮", "")
            else:
                rows.add_row(str(min(item.row.lines)) if item.row.lines else "",
                             Text(item.row.text, style="bold cyan" if item.focus else "cyan"))
        out.print(rows)
        said = Table.grid(padding=(0, 1))
        said.add_column(no_wrap=True)
        said.add_column(overflow="fold")
        for message in messages:
            said.add_row("→", Text(message))
        out.print(said)
    out.print(f"\n[bold]{'如何修改' if zh else 'How to fix'}[/]\n{escape(rule.fix.get(lang.value))}")


def _examples(rule_id: str, failing: dict | None, passing: dict | None, lang: str):
    """(heading, rows to show, what the checker says) for the failing and the passing case: the
    rows a finding points at and the rows where the two tables differ, with context."""
    from checker.report.example import differing_rows, example_rows, excerpt, rows_at

    zh = lang != "en"
    fail_rows = example_rows(failing.get("text", "")) if failing else []
    pass_rows = example_rows(passing.get("text", "")) if passing else []
    findings = _check_example(rule_id, failing.get("text", ""), lang) if failing else []
    fail_focus, fail_anchor, pass_focus, pass_anchor = differing_rows(fail_rows, pass_rows)  # none if one is absent
    cases = ((failing, ("不通过的例子", "Failing example"), fail_rows, fail_focus | rows_at(fail_rows, findings),
              fail_anchor, [f.message for f in findings]),
             (passing, ("通过的例子", "Passing example"), pass_rows, pass_focus, pass_anchor, []))
    for case, label, rows, focus, anchors, messages in cases:
        if case is None:
            continue
        name = str(case.get("name", ""))
        heading = f"{label[0]}（{name}）" if zh else f"{label[1]} ({name})"
        yield heading, excerpt(rows, focus, anchors), messages


def _check_example(rule_id: str, text: str, lang: str) -> list:
    """What the checker says about a case table under this rule alone (the real pipeline)."""
    import tempfile

    from checker.config import Config
    from checker.pipeline import CheckOptions, check_file

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "example.txt"
        path.write_text(text, encoding="utf-8")
        result = check_file(str(path), CheckOptions(lang=lang, config=Config(select=[rule_id])))
    return [f for f in result.findings if f.rule == rule_id]


def main() -> None:
    app()


if __name__ == "__main__":
    main()
