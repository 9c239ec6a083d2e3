"""The edits of the timeouts fixes, as text edits from the ast positions: an argument
appended to a call in the call's own layout, a `.result(timeout=)` wait put before a
download, the imports a value needs."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reliability_lint.findings import Edit
from reliability_lint.fix import FixError
from reliability_lint.source import SourceFile

if TYPE_CHECKING:  # a check imports none of the fix stage
    from reliability_lint.fix import FixContext


def _import_edits(fix: FixContext, imports: list[str]) -> list[Edit]:
    return fix.import_edits(imports)


def bound_call(
    call: ast.Call, disabling: tuple[int, int] | None, value: str, imports: list[str]
) -> Callable[[FixContext], list[Edit]]:
    """The fix that bounds a call's wait: `value` in place of the `None` at the `disabling`
    span, else `timeout=value` appended; with the imports the value needs."""

    def compute(fix: FixContext) -> list[Edit]:
        if disabling is not None:
            edits = [fix.edit(disabling[0], disabling[1], value)]
        else:
            edits = keyword_edits(fix.source, call, [f"timeout={value}"])
        return [*edits, *_import_edits(fix, imports)]

    return compute


def keyword_edits(src: SourceFile, call: ast.Call, items: list[str]) -> list[Edit]:
    """Edits that append keyword arguments (`["timeout=30"]`) to a call, in the call's own
    layout: one per line when its arguments are one per line, with or without the trailing
    comma it had, and after any comment that ends the last argument's line."""
    text = src.text
    close = src.node_span(call)[1] - 1  # the call's ")"
    arguments: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    if not arguments:
        opening = _skip_to(text, src.node_span(call.func)[1], "(")
        return [Edit(src.position(opening + 1), src.position(opening + 1), ", ".join(items))]
    last = max(arguments, key=lambda node: (node.end_lineno, node.end_col_offset))
    last_start, after = src.node_span(last)
    comma = None
    index = after
    while index < close:  # parentheses closing the last argument, a comma, comments
        char = text[index]
        if char == "#":
            while index < close and text[index] not in "\r\n":
                index += 1
            continue
        if char == ")" and comma is None:
            after = index + 1
        elif char == ",":
            comma = index
        index += 1
    line_start = src.line_starts[src.position(last_start)[0] - 1]
    indent = text[line_start:last_start]
    own_lines = not indent.strip() and _starts_line(src, close) and _line_of(src, close) > _line_of(src, after)
    newline = src.newline
    if comma is not None:
        if own_lines:
            at = src.line_starts[_line_of(src, close) - 1]
            content = "".join(f"{indent}{item},{newline}" for item in items)
            return [Edit(src.position(at), src.position(at), content)]
        return [Edit(src.position(comma + 1), src.position(comma + 1), "".join(f" {item}," for item in items))]
    if own_lines:
        line_end = src.line_starts[_line_of(src, after) - 1] + len(src.line(_line_of(src, after)))
        added = "".join(f",{newline}{indent}{item}" for item in items)
        if line_end == after:
            return [Edit(src.position(after), src.position(after), added)]
        return [
            Edit(src.position(after), src.position(after), ","),
            Edit(src.position(line_end), src.position(line_end), added[1:]),
        ]
    return [Edit(src.position(after), src.position(after), "".join(f", {item}" for item in items))]


def _line_of(src: SourceFile, offset: int) -> int:
    return src.position(offset)[0]


def _starts_line(src: SourceFile, offset: int) -> bool:
    line, col = src.position(offset)
    return not src.line(line)[:col].strip()


def _skip_to(text: str, index: int, wanted: str) -> int:
    while text[index] != wanted:
        if text[index] == "#":
            index = text.find("\n", index)
        index += 1
    return index


def _wait_first_edits(
    fix: FixContext, call: ast.Call, value: str, imports: list[str], download: bool = False
) -> list[Edit]:
    """`job.to_dataframe(max_results=n)` -> `job.result(timeout=v, max_results=n).to_dataframe()`
    (with `download`, the conversion's own `timeout=v` too, where the pinned version has it),
    as text edits; through libcst only when moving `max_results` would cross a comment."""
    src = fix.source
    text = src.text
    assert isinstance(call.func, ast.Attribute)
    moved = next((k for k in call.keywords if k.arg == "max_results"), None)
    arguments: list[ast.expr | ast.keyword] = sorted([*call.args, *call.keywords], key=lambda node: src.node_span(node)[0])
    close = src.node_span(call)[1] - 1  # the call's ")"
    wait = f"timeout={value}" + (f", {text[slice(*_argument_span(src, moved, close))]}" if moved else "")
    edits = [_insert(src, _after_parentheses(text, src.node_span(call.func.value)[1]), f".result({wait})")]
    bound = not download or any(k.arg == "timeout" for k in call.keywords)
    if moved is not None:
        index = arguments.index(moved)
        start, end = _argument_span(src, moved, close)
        line_start, line_end = _own_lines(src, start, end)
        if line_start is not None and len(arguments) > 1:  # an argument per line: its lines go
            removed, gaps = (line_start, line_end), []
        elif index + 1 < len(arguments):  # `max_results=n, ` up to the next argument
            removed = (start, src.node_span(arguments[index + 1])[0])
            gaps = [(end, removed[1])]
        elif index > 0:  # `, max_results=n` from the comma after the previous argument
            comma = text.rindex(",", _argument_span(src, arguments[index - 1], close)[1], start)
            removed, gaps = (comma, end), [(comma, start)]
        else:  # the only argument: the parentheses are left empty
            opening = _skip_to(text, src.node_span(call.func)[1], "(")
            removed, gaps = (opening + 1, close), [(opening + 1, start), (end, close)]
        if any("#" in text[a:b] for a, b in gaps):
            return _wait_first_tree_edits(fix, call, value, imports, download)
        if not bound and index == len(arguments) - 1:  # the download's timeout takes its place
            edits.append(Edit(src.position(start), src.position(end), f"timeout={value}"))
            bound = True
        else:
            edits.append(Edit(src.position(removed[0]), src.position(removed[1]), ""))
    if not bound:
        edits += keyword_edits(src, call, [f"timeout={value}"])
    return [*edits, *fix.import_edits(imports)]


def _own_lines(src: SourceFile, start: int, end: int) -> tuple[int | None, int]:
    """The span of the full lines of text[start:end] when nothing but spaces and a comma
    shares them: where the line starts and where the next one does."""
    first, last = src.position(start)[0], src.position(end)[0]
    before, after = src.line(first)[: src.position(start)[1]], src.line(last)[src.position(end)[1] :]
    if before.strip() or after.strip() not in ("", ","):
        return None, end
    following = src.line_starts[last] if last < len(src.line_starts) else len(src.text)
    return src.line_starts[first - 1], following


def _argument_span(src: SourceFile, node: ast.expr | ast.keyword, close: int) -> tuple[int, int]:
    """An argument's character span, with the parentheses that close it."""
    start, end = src.node_span(node)
    return start, min(_after_parentheses(src.text, end), close)


def _after_parentheses(text: str, index: int) -> int:
    """Past the `)` (and the spaces among them) that close an expression ending at index."""
    end = scan = index
    while scan < len(text) and text[scan] in " \t)":
        scan += 1
        if text[scan - 1] == ")":
            end = scan
    return end


def _insert(src: SourceFile, offset: int, content: str) -> Edit:
    return Edit(src.position(offset), src.position(offset), content)


def _wait_first_tree_edits(
    fix: FixContext, call: ast.Call, value: str, imports: list[str], download: bool
) -> list[Edit]:
    """The wait-first fix through libcst, for a call whose arguments have comments among them."""
    import libcst as cst

    assert isinstance(call.func, ast.Attribute)
    method = call.func.attr
    position = (call.lineno, fix.source.char_col(call.lineno, call.col_offset))
    node = _chained_call(fix, fix.node_at(cst.Call, *position), method)
    if node is None:
        raise FixError(f"no `.{method}()` call at line {position[0]}")
    moved = [a for a in node.args if a.keyword is not None and a.keyword.value == "max_results"]
    kept = [a for a in node.args if not moved or a is not moved[0]]
    download_call = node
    if moved and kept:
        download_call, kept = _comments_kept(node, kept, moved[0])
    wait_args = [cst.Arg(cst.parse_expression(value), keyword=cst.Name("timeout"), equal=_equal())]
    if moved:
        wait_args[0] = wait_args[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        wait_args.append(moved[0].with_changes(comma=cst.MaybeSentinel.DEFAULT))
    if download and not any(a.keyword is not None and a.keyword.value == "timeout" for a in kept):
        if kept and isinstance(kept[-1].comma, cst.MaybeSentinel):
            kept[-1] = kept[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        kept.append(cst.Arg(cst.parse_expression(value), keyword=cst.Name("timeout"), equal=_equal()))
    attribute = node.func
    waited = cst.Call(func=cst.Attribute(value=attribute.value, attr=cst.Name("result")), args=wait_args)
    replacement = download_call.with_changes(func=attribute.with_changes(value=waited), args=kept)
    return fix.replace(node, replacement, imports)


def _comments_kept(node: Any, kept: list[Any], moved: Any) -> tuple[Any, list[Any]]:
    """The download's call and arguments once `moved` left them, with the comment its
    comma held moved to what now comes before the next argument (the comment the call's
    own `(` or the previous comma holds stays; where both hold one, FixContext.replace
    refuses the fix rather than drop one)."""
    import libcst as cst

    def commented(space: Any) -> bool:
        return isinstance(space, cst.ParenthesizedWhitespace) and (
            space.first_line.comment is not None or any(line.comment is not None for line in space.empty_lines)
        )

    index = next(i for i, arg in enumerate(node.args) if arg is moved)
    own = moved.comma.whitespace_after if isinstance(moved.comma, cst.Comma) else None
    if index == len(node.args) - 1:  # the argument before it ends the call now
        last = kept[-1]
        before = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else last.whitespace_after_arg
        space = own if own is not None and commented(own) and not commented(before) else before
        if isinstance(moved.comma, cst.Comma):  # a trailing comma stays trailing
            kept[-1] = last.with_changes(comma=moved.comma.with_changes(whitespace_after=space))
        else:
            kept[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=space)
    elif own is not None and commented(own):
        if index == 0 and not commented(node.whitespace_before_args):
            node = node.with_changes(whitespace_before_args=own)
        elif index > 0 and isinstance(kept[index - 1].comma, cst.Comma) and not commented(kept[index - 1].comma.whitespace_after):
            previous = kept[index - 1]
            kept[index - 1] = previous.with_changes(comma=previous.comma.with_changes(whitespace_after=own))
    return node, kept


def _chained_call(fix: FixContext, anchor: Any, method: str) -> Any:
    """The `.method()` call of the chain of calls that all start where `anchor` starts."""
    import libcst as cst
    import libcst.matchers as m

    def chain(node: Any) -> list[Any]:
        links = []
        while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            links.append(node)
            node = node.func.value
        return links + [node]

    below = chain(anchor)
    for call in m.findall(fix.module_of(anchor), m.Call(func=m.Attribute(attr=m.Name(method)))):
        if any(link is call for link in below) or any(link is anchor for link in chain(call)):
            return call
    return None


def _equal() -> Any:
    import libcst as cst

    return cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
