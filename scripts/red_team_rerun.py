"""Re-run the red-team reproductions (docs/reviews/red-team.md, F1-F24) against this checkout.

    python scripts/red_team_rerun.py [SCRATCH_DIR]

Run from the repository root with the project's virtual environment first on PATH (the `jixiao`
command). Every input is generated into SCRATCH_DIR (default: a temporary directory). Prints one
line per finding: CONTAINED or FINDING, and what was seen.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures/seeds/000_92e3f18c72746f64.txt"
SEED4 = ROOT / "fixtures/generated/seed004_shifeng_2023.txt"
XLSX = ROOT / "fixtures/generated/seed000_liupanshui_2024.xlsx"
DOCX = ROOT / "fixtures/generated/seed000_liupanshui_2024.docx"
JIXIAO = shutil.which("jixiao") or str(Path(sys.executable).parent / "jixiao")


def run(*args, env=None, timeout=300, cwd=None):
    start = time.time()
    p = subprocess.run([JIXIAO, *map(os.fsdecode, args)], capture_output=True, timeout=timeout, cwd=cwd,
                       env={**os.environ, **(env or {})})
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), time.time() - start


def no_tb(*streams) -> bool:
    return not any("Traceback" in s for s in streams)


def rebuild(src: bytes, replace=None, add=()) -> bytes:
    zin, buf = zipfile.ZipFile(io.BytesIO(src)), io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in zin.infolist():
            z.writestr(i.filename, (replace or {}).get(i.filename, zin.read(i.filename)))
        for name, blob in add:
            z.writestr(name, blob)
    return buf.getvalue()


def f1(d: Path):
    (d / "unitA").mkdir(parents=True)
    (d / "unitB").mkdir()
    shutil.copy(SEED, d / "unitA/a.txt")
    shutil.copy(SEED4, d / "unitB/b.txt")
    before = json.loads(run("check", d / "unitA", d / "unitB", "-f", "json", "-q", cwd=d.parent)[1])["results"]
    (d / "unitA/jixiao.toml").write_text('ignore = ["A", "S", "Q", "C", "T", "K"]\n[limits]\ntimeout = 0\n')
    (d / "pyproject.toml").write_text('[tool.jixiao]\nignore = ["A", "S", "Q", "C", "T", "K"]\n')
    doc = json.loads(run("check", d / "unitA", d / "unitB", "-f", "json", "-q", cwd=d.parent)[1])
    same = [(r["grade"], len(r["findings"])) for r in doc["results"]] == [(r["grade"], len(r["findings"])) for r in before]
    return same and doc["tool"]["config"] is None, f"grades {[r['grade'] for r in doc['results']]}, tool.config={doc['tool']['config']}"


def f2(d: Path):
    d.mkdir()
    seed = SEED.read_text(encoding="utf-8")
    (d / "a_clean.txt").write_text(seed, encoding="utf-8")
    (d / "b_huge_total.txt").write_text(seed.replace("650.17", "1" + "0" * 30, 1), encoding="utf-8")
    out = []
    for fmt in ("json", "xlsx"):
        rc, _, e, _ = run("check", d, "-f", fmt, "-o", d.parent / f"f2.{fmt}", "-q")
        out.append((fmt, rc, no_tb(e)))
    doc = json.loads((d.parent / "f2.json").read_text(encoding="utf-8"))
    codes = [r["error"]["code"] if r["error"] else r["status"] for r in doc["results"]]
    return all(ok for *_, ok in out) and codes == ["checked", "out_of_range"], f"{out} {codes}"


def f3(d: Path):
    os.makedirs(d)
    shutil.copy(SEED, os.path.join(os.fsencode(d), "绩效目标表.txt".encode("gbk")))
    shutil.copy(SEED, d / "ok.txt")
    res = []
    for fmt in ("table", "json", "markdown", "html", "xlsx"):
        rc, _, e, _ = run("check", d, "-f", fmt, "-o", d.parent / f"f3.{fmt}", "-q")
        res.append((fmt, rc, "UnicodeEncodeError" not in e and no_tb(e)))
    return all(ok for *_, ok in res), str(res)


def _with_merge(ref: bytes) -> bytes:
    src = XLSX.read_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(src)).read("xl/worksheets/sheet1.xml")
    if b"<mergeCells" in sheet:
        sheet = re.sub(rb'<mergeCells count="(\d+)">',
                       lambda m: b'<mergeCells count="%d"><mergeCell ref="%s"/>' % (int(m.group(1)) + 1, ref), sheet, count=1)
    else:
        sheet = sheet.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="%s"/></mergeCells>' % ref)
    return rebuild(src, {"xl/worksheets/sheet1.xml": sheet})


def f4(d: Path):
    d.mkdir()
    (d / "whole_sheet.xlsx").write_bytes(_with_merge(b"$A$200:$XFD$1048576"))
    (d / "two_million.xlsx").write_bytes(_with_merge(b"$A$200:$T$100199"))
    res = []
    for name, extra in (("whole_sheet.xlsx", []), ("two_million.xlsx", ["--annotate", str(d / "ann")])):
        rc, o, _, t = run("check", d / name, "-f", "json", "-q", *extra)
        res.append((name, json.loads(o)["results"][0]["error"]["code"], f"{t:.1f}s"))
    return all(code == "too_large" for _, code, _ in res), str(res)


class Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"id > {self.marker}",))


def f5(d: Path):
    d.mkdir()
    env = {"JIXIAO_CACHE_DIR": str(d)}
    run("check", SEED, "-q", "-f", "json", env=env)
    for path in list(d.glob("rules-*")):
        path.write_bytes(pickle.dumps(Evil(d / "PWNED")))
        path.with_suffix(".pickle").write_bytes(pickle.dumps(Evil(d / "PWNED")))
    rc, *_ = run("check", SEED, "-q", "-f", "json", env=env)
    return not (d / "PWNED").exists(), f"rc {rc}, PWNED exists: {(d / 'PWNED').exists()}"


def f6(d: Path):
    d.mkdir()
    (d / "prescan.xlsx").write_bytes(rebuild(XLSX.read_bytes(), add=[("customXml/item1.xml", b"<f " * 330_000)]))
    seed = SEED.read_text(encoding="utf-8").split("\n")
    cells = seed[35].split("\t")
    cells[4] = "1" * 32000
    seed[35] = "\t".join(cells)
    (d / "digits.txt").write_text("\n".join(seed), encoding="utf-8")
    (d / "artefact.txt").write_text("[link:" * 100_000, encoding="utf-8")
    (d / "artefact_2mb.txt").write_text("[link:" * 330_000, encoding="utf-8")
    res = []
    for name in ("prescan.xlsx", "digits.txt", "artefact.txt"):
        rc, o, _, t = run("check", d / name, "-f", "json", "-q")
        r = json.loads(o)["results"][0]
        res.append((name, r["error"]["code"] if r["error"] else r["status"], round(t, 1)))
    rc, _, _, t = run("parse", d / "artefact_2mb.txt")
    res.append(("parse artefact_2mb.txt", rc, round(t, 1)))
    return all(x[1] != "timeout" for x in res) and all(x[2] < 20 for x in res), str(res)


def f7(d: Path):
    a, b, outside = d / "inbox/unitA", d / "inbox/unitB", d / "outside"
    for p in (a, b, outside):
        p.mkdir(parents=True)
    seed = SEED.read_text(encoding="utf-8")
    (b / "unitB.txt").write_text(seed.replace("六盘水市科学技术协会", "单位B"), encoding="utf-8")
    (outside / "private.txt").write_text(seed.replace("六盘水市科学技术协会", "OUTSIDE-PRIVATE"), encoding="utf-8")
    shutil.copy(ROOT / "fixtures/generated/seed004_shifeng_2023.xlsx", b / "unitB.xlsx")
    os.symlink("../unitB/unitB.txt", a / "unitA.txt")
    os.symlink("../unitB/unitB.xlsx", a / "unitA.xlsx")
    os.symlink(outside / "private.txt", a / "notes.txt")
    rc, o, _, _ = run("check", d / "inbox", "-r", "-f", "json", "-q", "--annotate", d / "ann")
    paths = [os.path.relpath(r["path"], d / "inbox") for r in json.loads(o)["results"]]
    return paths == ["unitB/unitB.txt", "unitB/unitB.xlsx"] and "OUTSIDE" not in o, str(paths)


def f8(d: Path):
    d.mkdir()
    shutil.copy(SEED, d / "a.txt")
    shutil.copy(SEED4, d / "b.txt")
    before = (d / "a.txt").read_bytes()
    rc, *_ = run("check", d, "-f", "json", "-o", d / "a.txt", "-q")
    return rc == 2 and (d / "a.txt").read_bytes() == before, f"rc {rc}, a.txt unchanged: {(d / 'a.txt').read_bytes() == before}"


def _descendants(pid):
    kids = {}
    for e in os.listdir("/proc"):
        if e.isdigit():
            try:
                ppid = int(open(f"/proc/{e}/stat", "rb").read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(e))
    out, stack = set(), [pid]
    while stack:
        for k in kids.get(stack.pop(), []):
            out.add(k)
            stack.append(k)
    return out


def _alive(pid):
    try:
        return open(f"/proc/{pid}/stat", "rb").read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def f9(d: Path, signum=signal.SIGTERM):
    d.mkdir()
    (d / "a.txt").write_text("[link:" * 330_000)
    (d.parent / f"f9-{signum}.json").unlink(missing_ok=True)
    for i in range(6):
        shutil.copy(SEED, d / f"s{i}.txt")
    # a.txt was a regex-DoS file, now refused at once: the test hook keeps one worker busy instead
    p = subprocess.Popen([JIXIAO, "check", str(d), "-j", "2", "-o", str(d.parent / f"f9-{signum}.json"), "-f", "json", "-q"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env={**os.environ, "JIXIAO_TEST_WORKER_HOOK": "hang:s3.txt"})
    time.sleep(5)
    procs = _descendants(p.pid)
    t = time.time()
    p.send_signal(signum)
    _, e = p.communicate(timeout=60)
    exited = time.time() - t
    time.sleep(1)
    left = [x for x in procs if _alive(x)]
    doc = json.loads((d.parent / f"f9-{signum}.json").read_text(encoding="utf-8"))
    ok = not left and p.returncode == 128 + signum and doc["summary"].get("incomplete") is True and no_tb(e.decode())
    return ok, f"rc {p.returncode}, exited {exited:.1f}s after the signal, children left {left}, incomplete={doc['summary'].get('incomplete')}"


def f10(d: Path):
    d.mkdir()
    src = DOCX.read_bytes()
    z = zipfile.ZipFile(io.BytesIO(src))
    doc = z.read("word/document.xml").decode()
    doc = re.sub(r"<w:r>", "<w:r><w:rPr><w:vanish/></w:rPr>", doc)
    doc = re.sub(r"<w:r><w:rPr>(?!<w:vanish/>)", "<w:r><w:rPr><w:vanish/>", doc)
    doc = doc.replace("<w:sectPr", '<w:altChunk xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdAlt"/><w:sectPr', 1)
    (d / "cloaked.docx").write_bytes(rebuild(src, {"word/document.xml": doc.encode()}))
    other = z.read("word/document.xml").replace("六盘水市科学技术协会".encode(), "另一个单位".encode())
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (d / "dup.docx").write_bytes(rebuild(src, add=[("word/document.xml", other)]))
    r = json.loads(run("check", d / "cloaked.docx", "-f", "json", "-q")[1])["results"][0]
    units = [f["unit_name"] for f in r["forms"]]
    notes = " ".join(r.get("notes", []))
    dup = json.loads(run("check", d / "dup.docx", "-f", "json", "-q")[1])["results"][0]
    ok = "六盘水市科学技术协会" not in units and "隐藏文字" in notes and "altChunk" in notes and dup["error"]["code"] == "corrupt_docx"
    return ok, f"cloaked: units {units}, notes mention hidden/altChunk; dup: {dup['error']['code']}"


RULE = """family: X
rules:
  - id: X01
    severity: warning
    dimension: 完整性
    title: {{zh: "测试", en: "test"}}
    message: {{zh: "{msg}", en: "x"}}
    fix: {{zh: "无", en: "none"}}
    basis: {{zh: "无", en: "none"}}
    when:
      m: {{$and: [{{kind: indicator}}{extra}]}}
"""


def _rule(d: Path, msg: str, extra: str):
    d.mkdir(parents=True)
    (d / "x.yaml").write_text(RULE.format(msg=msg, extra=extra), encoding="utf-8")
    return run("check", SEED, "--rules", d, "-j", "1", "-q", timeout=200)


def f11(d: Path):
    res = []
    for i, extra in enumerate((', {$mt: {name: "((a*)*)*b"}}', ', {$mt: {name: "(((((a*)*)*)*)*)*b"}}')):
        rc, _, _, t = _rule(d / str(i), "{name}", extra)
        res.append((rc, round(t, 1)))
    return all(rc == 2 for rc, _ in res), str(res)


def f12(d: Path):
    d.mkdir()
    base = json.loads(run("parse", SEED, "-f", "json")[1])
    form = base["forms"][0]
    many = dict(base, forms=[dict(form, indicators=[dict(form["indicators"][0], name=f"指标{i}") for i in range(100_000)])])
    (d / "many.json").write_text(json.dumps(many, ensure_ascii=False), encoding="utf-8")
    (d / "forms.json").write_text(json.dumps(dict(base, forms=[form] * 1200), ensure_ascii=False), encoding="utf-8")
    res = []
    for name in ("many.json", "forms.json"):
        rc, o, _, t = run("check", d / name, "-f", "json", "-q")
        res.append((name, json.loads(o)["results"][0]["error"]["code"], round(t, 1)))
    return all(c == "too_large" for _, c, _ in res), str(res)


def f13(d: Path):
    res = []
    for i, msg in enumerate(("{m.name:>400000000}", "{m.__class__.__init__.__globals__}")):
        rc, *_ = _rule(d / str(i), msg, "")
        res.append(rc)
    return res == [2, 2], f"exit codes {res}"


def f14(d: Path):
    d.mkdir()
    shutil.copy(SEED, d / ".x\x1b]52;c;cm0gLXJmIH4K\x1b\\\x1b]0;HACKED\x1b\\\x1b[2J.txt")
    shutil.copy(SEED, d / "ok.txt")
    _, _, e, _ = run("check", d, "-f", "json", "-q")
    part = "customXml/\x1b[2J\x1b]0;PWNED\x1b\\x.xml"
    (d.parent / "f14.docx").write_bytes(rebuild(DOCX.read_bytes(), add=[(part, b'<!DOCTYPE x [<!ENTITY a "b">]><x/>')]))
    _, _, e2, _ = run("parse", d.parent / "f14.docx")
    raw = "\x1b" in e + e2
    return not raw, f"raw ESC on stderr: {raw}; shown as: {e.strip()[:60]!r}"


def f15(d: Path):
    d.mkdir()
    for i in range(1500):  # enough work to outlast the 4 s before the signal
        shutil.copy(SEED, d / f"s{i:04}.txt")
    p = subprocess.Popen([JIXIAO, "check", str(d), "-j", "2", "-f", "html", "-o", str(d.parent / "f15.html")],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(4)
    p.send_signal(signal.SIGINT)
    _, e = p.communicate(timeout=60)
    html = (d.parent / "f15.html").read_text(encoding="utf-8") if (d.parent / "f15.html").exists() else ""
    ro = d.parent / "missing" / "r.json"
    rc2, *_ = run("check", SEED, "-f", "json", "-o", ro, "-q")
    ok = p.returncode == 130 and "</html>" in html and "报告不完整" in html and no_tb(e.decode()) and rc2 == 2
    return ok, f"SIGINT: rc {p.returncode}, closed html {'</html>' in html}, marked {'报告不完整' in html}; unwritable -o: rc {rc2}"


def f16(d: Path):
    res = []
    for args in (("check", SEED, "--config", "x[/bold].toml"), ("check", SEED, "--rules", "d[/]"),
                 ("check", SEED, "--baseline", "b[/red]"), ("explain", "[/bold]")):
        rc, _, e, _ = run(*args)
        res.append((rc, no_tb(e)))
    return all(rc == 2 and ok for rc, ok in res), str(res)


def f17(d: Path):
    d.mkdir()
    base = json.loads(run("parse", SEED, "-f", "json")[1])
    (d / "year.json").write_text(json.dumps(base).replace('"year": 2024', '"year": ' + "9" * 5000, 1))
    (d / "target.json").write_text(json.dumps(base).replace('"amount": "650.17"', '"amount": "1e999999999"', 1))
    (d / "deep.toml").write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    (d / "base.json").write_text("[" * 100_000 + "]" * 100_000)
    codes = [json.loads(run("check", d / n, "-f", "json", "-q")[1])["results"][0]["error"]["code"]
             for n in ("year.json", "target.json")]
    rc1, _, e1, _ = run("check", SEED, "--config", d / "deep.toml", "-q")
    rc2, _, e2, _ = run("check", SEED, "--baseline", d / "base.json", "-q")
    ok = "internal" not in codes and rc1 == rc2 == 2 and no_tb(e1, e2)
    return ok, f"codes {codes}; deep toml rc {rc1}; deep baseline rc {rc2}"


def f18(d: Path):
    res = [run("check", SEED, "--timeout", v, "-q")[0] for v in ("inf", "1e308", "nan")]
    return res == [2, 2, 2], f"exit codes {res}"


def f19(d: Path):
    d.mkdir()
    src = DOCX.read_bytes()
    doc = zipfile.ZipFile(io.BytesIO(src)).read("word/document.xml").decode().replace('encoding="UTF-8"', 'encoding="UTF-32"')
    doc = doc.replace("<w:document", '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/hostname">]><w:document', 1)
    (d / "utf32.docx").write_bytes(rebuild(src, {"word/document.xml": doc.encode("utf-32")}))
    r = json.loads(run("check", d / "utf32.docx", "-f", "json", "-q")[1])["results"][0]
    return r["error"] is not None and r["error"]["code"] in ("xml_encoding", "xml_entities"), str(r["error"]["code"] if r["error"] else r["status"])


def f20(d: Path):
    d.mkdir()
    src = XLSX.read_bytes()
    wb = zipfile.ZipFile(io.BytesIO(src)).read("xl/workbook.xml").decode()
    name = re.search(r'<sheet [^>]*name="([^"]+)"', wb).group(1)
    (d / "rlo.xlsx").write_bytes(rebuild(src, {"xl/workbook.xml": wb.replace(f'name="{name}"', f'name="\u202e{name}"', 1).encode()}))
    seed = SEED.read_text(encoding="utf-8").replace("六盘水市科学技术协会", "@all #1 http://evil.example/", 1)
    (d / "mention.txt").write_text(seed, encoding="utf-8")
    counts = {fmt: run("check", d, "-f", fmt, "-q")[1].count("\u202e") for fmt in ("table", "markdown", "json")}
    md = run("check", d / "mention.txt", "-f", "markdown", "-q")[1]
    ok = not any(counts.values()) and "@all" not in md and "http://evil" not in md
    return ok, f"U+202E per format {counts}; markdown mention/autolink left: {'@all' in md or 'http://evil' in md}"


JOIN_RULE = RULE.replace("      m: {{$and: [{{kind: indicator}}{extra}]}}\n",
                         "      all:\n        - a: {{kind: indicator}}\n        - b: {{kind: indicator}}\n")


def _indicator_file(path: Path, rows: list[str]) -> Path:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if "青少年科技教育活动" in line and "≥8次" in line)
    path.write_text("\n".join(lines[:at] + rows + lines[at + 1:]), encoding="utf-8")
    return path


def f21(d: Path):
    res = []
    for i, (msg, extra) in enumerate((("{name}", ', {$mt: {name: ".{1000}"}}'), ("{m.no_such_field}", ""))):
        rc, *_ = _rule(d / str(i), msg, extra)
        res.append(rc)
    # S9: -j 1, the file timer fires while a join over every pair of 1,500 indicators runs in the engine.
    rules = d / "join"
    rules.mkdir()
    (rules / "x.yaml").write_text(JOIN_RULE.format(msg="{a.name}", extra=""), encoding="utf-8")
    pairs = _indicator_file(d / "pairs.txt", [f"\t\t\t科普活动{i}\t≥{i % 50 + 1}次\t\t" for i in range(1500)])
    rc, out, err, secs = run("check", pairs, "--rules", rules, "-j", "1", "--timeout", "3", "-f", "json", "-q")
    code = json.loads(out)["results"][0]["error"]["code"]
    clean = "base exception" not in err and no_tb(err)
    ok = res == [2, 2] and code == "timeout" and clean
    return ok, f"exit codes {res}; S9 (--timeout 3 inside the engine): {code}, {secs:.1f} s, stderr clean {clean}"


def f22(d: Path):
    d.mkdir()
    big = _indicator_file(d / "t10.txt", [f"\t\t\t活动{i % 7}\t好\t\t" for i in range(19_000)])
    rc, out, _, secs = run("check", big, "-j", "1", "-f", "json", "-q")
    t10 = json.loads(out)["results"][0]
    at = _indicator_file(d / "at.txt", [f"\t\t\t活动{i % 7}\t好\t\t" for i in range(1_970)])
    rc2, out2, _, secs2 = run("check", at, "-j", "1", "-f", "json", "-q")
    cut = json.loads(out2)["results"][0]
    noted = any("问题过多" in n for n in cut.get("notes", []))
    ok = (t10["error"] or {}).get("code") == "too_large" and len(cut["findings"]) <= 1000 and noted
    return ok, (f"T10 19,000 rows: {(t10['error'] or {}).get('code')} in {secs:.1f} s; 1,970 indicator rows: "
                f"{cut['status']}, {len(cut['findings'])} findings listed, note {noted}, {secs2:.1f} s")


def f23(d: Path):
    _, _, e, _ = run("check", SEED, SEED4, "-j", "150", "-f", "json", "-q")
    return "超过上限" in e, e.strip()[:80]


def f24(d: Path):
    rc, *_ = run("check", str(d / "nothing" / "*.docx"), "-q")
    for u in ("a", "b"):
        (d / "in" / u).mkdir(parents=True)
        shutil.copy(XLSX, d / "in" / u / "x.xlsx")
    o = run("check", d / "in", "-r", "-f", "json", "-q", "--annotate", d / "ann")[1]
    copies = [Path(r["annotated_copy"]).name for r in json.loads(o)["results"]]
    rc2, *_ = run("check", d / "in", "-r", "-q", "--annotate", d / "in" / "ann")
    return rc == 1 and copies == ["x_标注.xlsx", "x_标注-2.xlsx"] and rc2 == 2, f"empty glob rc {rc}; copies {copies}; annotate into inputs rc {rc2}"


CHECKS = [f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24]


def main() -> None:
    scratch = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="redteam-"))
    only = set(sys.argv[2:])
    for check in CHECKS:
        name = check.__name__.upper()
        if only and name not in only:
            continue
        target = scratch / name
        shutil.rmtree(target, ignore_errors=True)
        try:
            ok, detail = check(target)
        except Exception as exc:  # noqa: BLE001
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        print(f"| {name} | {'CONTAINED' if ok else 'FINDING'} | {detail} |", flush=True)


if __name__ == "__main__":
    main()
