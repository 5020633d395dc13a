"""Shared look of the HTML artefacts (the reference page and the check report).

Both pages are one file each: inline CSS, a few lines of inline script that
only add conveniences (filters, expand/collapse), no external resource of any
kind. A Content-Security-Policy in the page itself makes that a rule the
browser enforces: nothing can be fetched, and only the page's own script (by
its hash) can run, whatever text a spec or a server put in it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape

# Fonts that cover Chinese, Japanese and Korean, after the Latin ones; each platform has one of them.
CJK_FONTS = ('"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei",'
             '"WenQuanYi Micro Hei","WenQuanYi Zen Hei","Noto Sans CJK JP","Noto Sans CJK KR"')

CSS = """
:root{--fg:#1b1f23;--muted:#59636e;--line:#d0d7de;--bg:#fff;--code:#f6f8fa;--err:#b42318;--warn:#9a6700;
--info:#0969da;--ok:#1a7f37;--skip:#6e7781;--hit:#fff1a8;--hitline:#d4a72c;
--sans:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",""" + CJK_FONTS + """,sans-serif;
--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",""" + CJK_FONTS + """,monospace;
--cjk:""" + CJK_FONTS + """,sans-serif}
*{box-sizing:border-box}[hidden]{display:none!important}html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font:15px/1.5 var(--sans);color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:1.5rem;
overflow-wrap:break-word}
:lang(zh),:lang(ja),:lang(ko){font-family:var(--cjk)}
h1{font-size:1.8rem;margin:.2rem 0;line-height:1.25}h2{border-bottom:2px solid var(--line);padding-bottom:.3rem;
margin-top:2.2rem}h3{margin:1.8rem 0 .3rem}h4{margin:1.2rem 0 .3rem}
code,pre,kbd{font-family:var(--mono);font-size:13px}code{background:var(--code);padding:0 .25em;border-radius:3px;
overflow-wrap:anywhere}
pre{background:var(--code);border:1px solid var(--line);border-radius:6px;padding:.6rem .7rem;margin:.3rem 0;
line-height:1.45;white-space:pre-wrap;overflow-wrap:anywhere;overflow:auto;max-width:100%}
pre code{background:none;padding:0}
a{color:#0550ae}a:hover{text-decoration-thickness:2px}
.name{overflow-wrap:normal;word-break:normal;hyphens:manual}.nowrap{white-space:nowrap}
.table-wrap{overflow-x:auto;max-width:100%;margin:.4rem 0 1rem}
table{border-collapse:collapse;width:100%;font-size:13.5px}.table-wrap>table{margin:0}
th,td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:var(--code)}td p{margin:0 0 .35em}td p:last-child{margin:0}
.muted{color:var(--muted)}.note{color:var(--muted);font-size:12.5px;margin-top:.2rem}.ok{color:var(--ok)}
.badge{display:inline-block;border-radius:10px;padding:0 .5em;font-size:12px;line-height:1.6;color:#fff;
white-space:nowrap;background:var(--skip)}
.badge.error,.badge.fail{background:var(--err)}.badge.warning,.badge.warn{background:var(--warn)}
.badge.info{background:var(--info)}.badge.pass{background:var(--ok)}.badge.skip{background:var(--skip)}
.badge.none{background:#fff;color:var(--muted);box-shadow:inset 0 0 0 1px var(--line)}
.method{display:inline-block;min-width:3.6em;text-align:center;border-radius:4px;color:#fff;background:#57606a;
padding:0 .3em;font-size:13px;font-family:var(--mono)}.method.get{background:#0969da}.method.post{background:#1a7f37}
.method.put,.method.patch{background:#9a6700}.method.delete{background:#b42318}
figure{margin:.6rem 0}figcaption{font-size:13px;color:var(--muted)}
mark.hit{background:var(--hit);color:inherit;box-shadow:inset 3px 0 0 var(--hitline);border-radius:2px}
details>summary{cursor:pointer}
.controls{display:flex;flex-wrap:wrap;gap:.4rem .9rem;align-items:center;background:var(--code);
border:1px solid var(--line);border-radius:6px;padding:.5rem .7rem;margin:.6rem 0;font-size:14px}
.controls label{white-space:nowrap}.controls select,.controls input[type=search]{font:inherit;max-width:100%}
.controls input[type=search]{flex:1 1 14rem;min-width:0;padding:.2rem .4rem}
.controls button{font:inherit;font-size:13px}.controls output{color:var(--muted)}
@media (max-width:640px){body{padding:.8rem}h1{font-size:1.45rem}}
@media print{body{max-width:none;padding:0;font-size:11pt}.controls,.noprint{display:none!important}
pre{white-space:pre-wrap;max-height:none!important;overflow:visible}a{color:inherit;text-decoration:none}
table,pre,figure{break-inside:avoid}.table-wrap{overflow:visible}mark.hit{outline:1px solid #000}
details>summary{list-style:none}}
"""

_HAN = "\u2e80-\u2fdf\u3000-\u303f\u3190-\u31ef\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_KANA = "\u3040-\u30ff\u31f0-\u31ff"
_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_CJK_RUN = re.compile(f"[{_HAN}{_KANA}{_HANGUL}]+")
_TAG = re.compile(r"(<[^>]*>)")
_RAW_TEXT = ("script", "style", "title", "textarea")


def cjk_lang(text: str) -> str | None:
    """The BCP 47 tag of a run of CJK characters: Japanese if it has kana, Korean if Hangul, else Chinese."""
    if re.search(f"[{_KANA}]", text):
        return "ja"
    if re.search(f"[{_HANGUL}]", text):
        return "ko"
    return "zh-Hans"


def mark_cjk(html: str) -> str:
    """Wrap every run of CJK text in ``<span lang=…>``, so browsers pick a font (and line breaking) for it.

    Only text between tags is touched (never attribute values); the HTML it
    receives is escaped text and tags we wrote, never raw markup from a spec.
    """
    out: list[str] = []
    raw = None
    for part in _TAG.split(html):
        if part.startswith("<"):
            tag = re.match(r"</?([a-zA-Z0-9]+)", part)
            name = tag.group(1).lower() if tag else ""
            if raw is None and name in _RAW_TEXT and not part.startswith("</"):
                raw = name
            elif raw == name and part.startswith("</"):
                raw = None
            out.append(part)
        elif raw is None and part:
            out.append(_CJK_RUN.sub(lambda m: f'<span lang="{cjk_lang(m.group(0))}">{m.group(0)}</span>', part))
        else:
            out.append(part)
    return "".join(out)


_BREAK_AFTER = re.compile(r"(?<=[._/\-])(?=.)|(?<=[a-z0-9])(?=[A-Z])")


def name(text: str, cls: str = "name", *, wrap: bool = True) -> str:
    """A name (operation, check, field, pointer) that may wrap only between its words, never inside one.

    A ``<wbr>`` goes after ``.``, ``_``, ``-`` and ``/`` and at camelCase humps
    (``List<wbr>Batch<wbr>Tasks``); the class turns off breaking anywhere else.
    ``wrap=False`` keeps it on one line (Chromium breaks at ``<wbr>`` even
    under ``white-space: nowrap``, so none is written then).
    """
    if not wrap:
        return f"<span class='{cls} nowrap'>{escape(text)}</span>"
    pieces = _BREAK_AFTER.split(text)
    return f"<span class='{cls}'>" + "<wbr>".join(escape(p) for p in pieces) + "</span>"


def badge(label: str, kind: str | None = None, title: str | None = None) -> str:
    extra = f" title='{escape(title)}'" if title else ""
    return f"<span class='badge {escape(kind or label)}'{extra}>{escape(label)}</span>"


def count_badge(count: int, severity: str) -> str:
    """'3 errors' in the severity's colour; a zero is neutral, never the colour of a problem."""
    words = {"error": "errors", "warning": "warnings", "info": "info"}
    label = f"{count} {words[severity] if count != 1 or severity == 'info' else severity}"
    return badge(label, severity if count else "none")


def script_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def page(title: str, body: str, *, css: str = "", script: str = "", lang: str = "en") -> str:
    """A whole document: the policy that forbids any fetch, the shared CSS, the body, the inline script."""
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    if script:
        policy += f"; script-src '{script_hash(script)}'"
    return ("<!doctype html><html lang='" + lang + "'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{policy}\">"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(title)}</title><style>{CSS}{css}</style></head><body>" + mark_cjk(body)
            + (f"<script>{script}</script>" if script else "") + "</body></html>\n")


__all__ = ["CJK_FONTS", "CSS", "badge", "cjk_lang", "count_badge", "mark_cjk", "name", "page", "script_hash"]
