"""JSON/YAML input: the canonical form is the Submission model itself.

`Submission.model_dump(mode="json")` written as JSON or YAML reads back to the same
Submission. Numbers are parsed as Decimal (never float). Syntax errors name the line
and column; validation errors name the field path in plain Chinese.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, get_args

import yaml
from pydantic import ValidationError

from checker.document import ReadError
from checker.model import FormKind, Submission

if TYPE_CHECKING:
    from checker.readers import Limits

SCHEMA_VERSION = 1
_FORM_KINDS = set(get_args(FormKind))

# pydantic error type -> (zh, en) explanation; {ctx} fields are filled from the error.
_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("缺少必填字段", "required field is missing"),
    "decimal_parsing": ("不是有效的数字", "not a valid number"),
    "decimal_type": ("不是有效的数字", "not a valid number"),
    "finite_number": ("不是有效的数字", "not a valid number"),
    "int_parsing": ("不是有效的整数", "not a valid integer"),
    "int_type": ("不是有效的整数", "not a valid integer"),
    "int_from_float": ("应为整数，不能有小数", "must be a whole number"),
    "float_parsing": ("不是有效的数字", "not a valid number"),
    "float_type": ("不是有效的数字", "not a valid number"),
    "bool_parsing": ("应为 true 或 false", "must be true or false"),
    "bool_type": ("应为 true 或 false", "must be true or false"),
    "string_type": ("应为文本（字符串）", "must be text (a string)"),
    "list_type": ("应为列表", "must be a list"),
    "dict_type": ("应为对象（键值对）", "must be an object (mapping)"),
    "model_type": ("应为对象（键值对）", "must be an object (mapping)"),
    "model_attributes_type": ("应为对象（键值对）", "must be an object (mapping)"),
    "literal_error": ("取值必须是 {expected} 之一", "must be one of {expected}"),
    "union_tag_invalid": ("表类型 kind 必须是 {expected_tags} 之一", "kind must be one of {expected_tags}"),
    "union_tag_not_found": ("缺少表类型字段 kind", "the form has no kind field"),
}


def _syntax_error(kind: str, line: int | None, col: int | None, detail: str, detail_zh: str = "") -> ReadError:
    where_zh = f"第 {line} 行第 {col} 列" if line else "未知位置"
    where_en = f"line {line}, column {col}" if line else "unknown position"
    name = kind.upper()
    return ReadError(
        f"invalid_{kind}",
        f"{name} 语法错误（{where_zh}）：{detail_zh or detail}。请修正后重试。",
        f"{name} syntax error at {where_en}: {detail}.",
    )


def _decode(data: bytes, kind: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"invalid_{kind}",
            f"{kind.upper()} 文件不是 UTF-8 编码（第 {exc.start} 字节附近），请另存为 UTF-8 后重试。",
            f"The {kind.upper()} file is not UTF-8 (near byte {exc.start}); save it as UTF-8.",
        ) from exc


_JSON_MSGS = {
    "Expecting property name enclosed in double quotes": "键名应使用英文双引号",
    "Expecting value": "此处缺少值",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Extra data": "数据结束后还有多余内容",
    "Unterminated string starting at": "字符串缺少结束引号",
    "Invalid control character at": "字符串中有非法控制字符",
}


def _load_json(text: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        zh = _JSON_MSGS.get(exc.msg)
        raise _syntax_error("json", exc.lineno, exc.colno, exc.msg, f"{zh}（{exc.msg}）" if zh else "") from exc
    except RecursionError as exc:
        raise _syntax_error("json", None, None, "nested too deeply", "嵌套层次过深") from exc
    except ValueError as exc:  # an integer of thousands of digits (Python's int() limit)
        raise _syntax_error("json", None, None, f"a number too long to read ({exc})"[:200], "数字过长，无法读取") from exc


_ALIAS_PROBLEM = "YAML aliases (*name) are not supported"


class _Loader(yaml.SafeLoader):
    """safe_load, plus: floats become Decimal, and aliases are refused (an alias bomb
    would make validation walk billions of nodes)."""

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem=_ALIAS_PROBLEM,
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


def _yaml_float(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    raw = str(loader.construct_scalar(node)).replace("_", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return loader.construct_yaml_float(node)  # .inf / .nan
    return value if value.is_finite() else loader.construct_yaml_float(node)


_Loader.add_constructor("tag:yaml.org,2002:float", _yaml_float)


def _load_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = str(exc.problem or exc.context or "")
        zh = "不支持 YAML 别名（*引用），请写出完整内容" if problem == _ALIAS_PROBLEM else ""
        raise _syntax_error("yaml", line, col, problem, zh) from exc
    except (yaml.YAMLError, RecursionError) as exc:
        raise _syntax_error("yaml", None, None, type(exc).__name__) from exc
    except ValueError as exc:  # an integer of thousands of digits (Python's int() limit)
        raise _syntax_error("yaml", None, None, "a number too long to read", "数字过长，无法读取") from exc


def field_path(loc: tuple) -> str:
    """('forms', 0, 'department', 'total', 'amount') -> 'forms[0].total.amount'."""
    out = ""
    prev: Any = None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(prev, int) and part in _FORM_KINDS:
            pass  # the discriminator tag pydantic inserts after a form's index
        else:
            out += ("." if out else "") + str(part)
        prev = part
    return out or "（顶层）"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def explain(error: dict, lang: str = "zh") -> str:
    """One pydantic error as a plain sentence with the field path."""
    zh, en = _MESSAGES.get(error["type"], (None, None))
    ctx = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    path = field_path(tuple(error["loc"]))
    if error["type"] == "union_tag_invalid":
        error = {**error, "input": error.get("ctx", {}).get("tag")}  # the bad kind, not the whole form
    if lang == "en":
        detail = en.format(**ctx) if en else error["msg"]
        shown = "" if error["type"] in ("missing", "union_tag_not_found") else f" (got {_show(error.get('input'))})"
        return f"{path}: {detail}{shown}"
    detail = zh.format(**ctx) if zh else f"取值无效（{error['msg']}）"
    shown = "" if error["type"] in ("missing", "union_tag_not_found") else f"（读到 {_show(error.get('input'))}）"
    return f"{path}：{detail}{shown}"


def _clean_text(text: str) -> tuple[str, int]:
    from checker.readers import strip_invisible

    if any("\ud800" <= ch <= "\udfff" for ch in text):
        # "\ud83d\ude00" escapes in JSON: pairs join, a lone half (which no report could
        # write out) becomes U+FFFD.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return strip_invisible(text)


def _clean_strings(raw: Any) -> int:
    """Clean every string (keys too) in place, without recursion; the invisible characters removed."""
    removed = 0
    stack = [raw]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in list(node):
                value = node[key]
                if isinstance(key, str):
                    clean_key, n = _clean_text(key)
                    removed += n
                    if clean_key != key:
                        del node[key]
                        node[clean_key] = value
                        key = clean_key
                if isinstance(value, str):
                    node[key], n = _clean_text(value)
                    removed += n
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if isinstance(value, str):
                    node[i], n = _clean_text(value)
                    removed += n
                elif isinstance(value, (dict, list)):
                    stack.append(value)
    return removed


BYTES_PER_CHAR = 4  # canonical JSON/YAML bytes allowed per character of text (keys, quotes, indents)


def check_structured_limits(raw: Any, limits: Limits) -> None:
    """The reader bounds for canonical input, before validation: as many characters, strings
    and values as a table read from a document may hold (max_chars, max_cell_chars, max_cells)
    and no more indicators or rows in all than max_rows. Walked without recursion."""
    from checker.readers import cell_too_long, too_many_cells, too_many_chars, too_many_rows

    chars = values = rows = 0
    stack = [raw]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            values += len(node)
            for key, value in node.items():
                if key in ("indicators", "rows", "plan", "costs", "items") and isinstance(value, list):
                    rows += len(value)
                stack.append(key)
                stack.append(value)
        elif isinstance(node, list):
            values += len(node)
            stack.extend(node)
        elif isinstance(node, str):
            chars += len(node)
            if len(node) > limits.max_cell_chars:
                raise cell_too_long("某个字段", "a field", len(node), limits)
        if chars > limits.max_chars:
            raise too_many_chars(chars, limits)
        if values > limits.max_cells:
            raise too_many_cells(values, limits)
        if rows > limits.max_rows:
            raise too_many_rows(limits)


def read_structured(path: str, data: bytes, kind: str, limits: Limits | None = None) -> Submission:
    """Read a canonical Submission from JSON or YAML bytes, within the reader `limits`."""
    from checker.readers import DEFAULT_LIMITS, too_many_chars

    limits = limits or DEFAULT_LIMITS
    if len(data) > BYTES_PER_CHAR * limits.max_chars:  # refused before parsing builds it all
        raise too_many_chars(len(data) // BYTES_PER_CHAR, limits)
    text = _decode(data, kind)
    raw = _load_json(text) if kind == "json" else _load_yaml(text)
    check_structured_limits(raw, limits)
    if not isinstance(raw, dict):
        raise ReadError(
            "invalid_submission",
            f"{kind.upper()} 的顶层应为对象（包含 forms 等字段），实际是 {type(raw).__name__}。",
            f"The top level of the {kind.upper()} must be an object with forms etc., not {type(raw).__name__}.",
        )
    removed = _clean_strings(raw)
    version = raw.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise ReadError(
            "invalid_submission",
            f"schema_version 为 {version!r}，本程序只支持 {SCHEMA_VERSION}。",
            f"schema_version is {version!r}; only {SCHEMA_VERSION} is supported.",
        )
    try:
        sub = Submission.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        shown = errors[:10]
        more_zh = f"\n……另有 {len(errors) - 10} 处错误" if len(errors) > 10 else ""
        more_en = f"\n... and {len(errors) - 10} more" if len(errors) > 10 else ""
        raise ReadError(
            "invalid_submission",
            f"{kind.upper()} 内容不符合提交格式（{len(errors)} 处错误）：\n"
            + "\n".join(explain(e) for e in shown) + more_zh,
            f"The {kind.upper()} does not match the submission format ({len(errors)} error(s)):\n"
            + "\n".join(explain(e, "en") for e in shown) + more_en,
        ) from exc
    if removed:
        from checker.readers import invisible_note

        sub.notes.append(invisible_note(removed))
    if not sub.format:
        sub.format = kind
    if not sub.source:
        sub.source = path
    return sub
