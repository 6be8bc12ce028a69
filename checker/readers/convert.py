"""Word/WPS/OpenDocument/RTF files that only an office suite can read: converted by LibreOffice.

.doc, .wps (WPS Writer; the Word 97 binary format), .rtf, .odt become .docx, and .ods becomes
.xlsx; the copy is then read by the Office reader with all its limits. The conversion is
headless, in a private temporary directory that holds the input copy, a fresh LibreOffice
profile and the output, and is deleted afterwards, whatever happens. The profile sets macro
security to its highest level and disables macro execution, so no macro in the document runs;
the conversion is killed (with every process it started) after a timeout. Without LibreOffice the
user gets the one command that converts a whole folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from checker.document import ReadError

SOFFICE_ENV = "JIXIAO_SOFFICE"  # path of soffice; set to "" to behave as if it were not installed
TIMEOUT = 45.0  # seconds: below the batch's default per-file timeout (60 s), so this one fires first

# Macro security "very high" (3) and macro execution disabled, in the fresh profile.
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""

# What each source kind is called, and what it becomes.
KINDS = {
    "doc": ("Word 97-2003 文档（.doc/.wps）", "Word 97-2003 document (.doc/.wps)", "docx"),
    "rtf": ("RTF 文档", "RTF document", "docx"),
    "odt": ("OpenDocument 文本（.odt）", "OpenDocument text (.odt)", "docx"),
    "ods": ("OpenDocument 表格（.ods）", "OpenDocument spreadsheet (.ods)", "xlsx"),
}


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    given = os.environ.get(SOFFICE_ENV)
    if given is not None:
        return given or None
    return shutil.which("soffice") or shutil.which("libreoffice")


def _missing(kind: str) -> ReadError:
    zh_name, en_name, target = KINDS[kind]
    command = f"soffice --headless --convert-to {target} --outdir 已转换 文件夹/*"
    command_en = f"soffice --headless --convert-to {target} --outdir converted folder/*"
    return ReadError(
        "needs_libreoffice",
        f"这是{zh_name}，需要安装 LibreOffice 才能读取（未找到 soffice）。安装 LibreOffice 后可直接检查；"
        f"或在装有 LibreOffice 的电脑上用一条命令把整个文件夹转换为 .{target} 后再检查：{command}"
        f"（也可以用 Word/WPS 打开后另存为 .{target}）。",
        f"This is a {en_name}; reading it needs LibreOffice (soffice was not found). Install LibreOffice "
        f"and check it directly, or convert a whole folder to .{target} with one command on a machine that "
        f"has it: {command_en} (or open it in Word/WPS and save as .{target}).",
    )


def _failed(kind: str, why_zh: str, why_en: str) -> ReadError:
    zh_name, en_name, target = KINDS[kind]
    return ReadError(
        "conversion_failed",
        f"这是{zh_name}，用 LibreOffice 转换为 .{target} 时{why_zh}。文件可能已损坏；"
        f"请用 Word/WPS 打开后另存为 .{target} 再检查。",
        f"This is a {en_name}; converting it to .{target} with LibreOffice {why_en}. The file may be damaged; "
        f"open it in Word/WPS, save as .{target} and retry.",
    )


def _run(command: list[str], env: dict[str, str], timeout: float) -> int | None:
    """Run LibreOffice in its own process group; kill the whole group on timeout (None)."""
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        return None
    except BaseException:  # the batch's own timer: leave no converter behind
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        raise


def convert(data: bytes, kind: str, timeout: float = TIMEOUT) -> bytes:
    """The bytes of the .docx/.xlsx LibreOffice makes of `data` (a file of `kind`)."""
    program = soffice()
    if program is None:
        raise _missing(kind)
    target = KINDS[kind][2]
    with tempfile.TemporaryDirectory(prefix="jixiao-convert-") as tmp:
        work = Path(tmp)
        source = work / f"input.{kind}"
        source.write_bytes(data)
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        out = work / "out"
        out.mkdir()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "LANG": "C.UTF-8",
               "TMPDIR": str(work)}
        command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
                   "--nologo", "--norestore", "--nolockcheck", "--nodefault",
                   "--convert-to", target, "--outdir", str(out), str(source)]
        try:
            code = _run(command, env, timeout)
        except OSError as exc:
            raise _failed(kind, f"无法启动 LibreOffice（{exc.strerror or exc}）",
                          f"could not be started ({exc.strerror or exc})") from exc
        if code is None:
            raise _failed(kind, f"超过 {timeout:.0f} 秒仍未完成，已中止", f"took over {timeout:.0f} s and was stopped")
        result = out / f"{source.stem}.{target}"
        if not result.is_file():
            raise _failed(kind, "没有得到转换结果", "produced no output")
        return result.read_bytes()
