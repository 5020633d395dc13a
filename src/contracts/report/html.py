"""Shared look of the HTML artefacts (reference page and check report)."""

from __future__ import annotations

from html import escape

CSS = """
:root{--fg:#1b1f23;--muted:#59636e;--line:#d0d7de;--bg:#fff;--code:#f6f8fa;--err:#b42318;--warn:#9a6700;
--info:#0969da;--ok:#1a7f37}
*{box-sizing:border-box}body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);
background:var(--bg);margin:0 auto;max-width:1200px;padding:1.5rem}
h1{font-size:1.8rem;margin:.2rem 0}h2{border-bottom:2px solid var(--line);padding-bottom:.3rem;margin-top:2.5rem}
h3{margin:1.8rem 0 .3rem}h4{margin:1.2rem 0 .3rem}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{background:var(--code);padding:0 .25em;border-radius:3px}
pre{background:var(--code);border:1px solid var(--line);border-radius:6px;padding:.7rem;overflow:auto;
white-space:pre-wrap;word-break:break-word}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:13.5px}
th,td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:var(--code)}.muted{color:var(--muted)}.note{color:var(--muted);font-size:12.5px;margin-top:.2rem}
.ok{color:var(--ok)}.badge{display:inline-block;border-radius:10px;padding:0 .5em;font-size:12px;color:#fff}
.badge.error{background:var(--err)}.badge.warning{background:var(--warn)}.badge.info{background:var(--info)}
.badge.pass,.badge.none{background:var(--ok)}.badge.fail{background:var(--err)}.badge.skip{background:var(--muted)}
.method{display:inline-block;min-width:3.6em;text-align:center;border-radius:4px;color:#fff;background:#57606a;
padding:0 .3em;font-size:13px}.method.get{background:#0969da}.method.post{background:#1a7f37}
.method.put,.method.patch{background:#9a6700}.method.delete{background:#b42318}
figure{margin:.6rem 0}figcaption{font-size:13px;color:var(--muted)}
table.matrix th{font-size:12px;word-break:break-word;hyphens:auto}table.matrix td{text-align:center}
nav ul{margin:.2rem 0}section.op{border-top:1px solid var(--line);margin-top:1.5rem}
@media print{body{max-width:none;padding:0;font-size:11pt}nav{display:none}pre{white-space:pre-wrap}
section.op{break-before:page}table,pre,figure{break-inside:avoid}a{color:inherit;text-decoration:none}}
"""


def badge(label: str, kind: str | None = None) -> str:
    return f"<span class='badge {escape(kind or label)}'>{escape(label)}</span>"
