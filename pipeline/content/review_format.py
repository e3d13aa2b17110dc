"""Renderings of a review report: Markdown for a pull-request comment, plain text."""

from __future__ import annotations

from pipeline.content.review import ReviewReport


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: ReviewReport) -> str:
    """A Markdown report fit for a pull-request comment or a CI job summary."""
    files = len(report.files)
    if report.ok:
        head = f"### ✅ warta review: {files} file(s), no errors"
        if report.warnings:
            head += f", {report.warnings} warning(s)"
    else:
        head = (
            f"### ❌ warta review: {report.errors} error(s), {report.warnings} warning(s) "
            f"in {files} file(s)"
        )
    lines = [head, ""]
    findings = report.findings
    if findings:
        lines += ["| | Where | Rule | Problem | What to do |", "|---|---|---|---|---|"]
        for f in findings:
            icon = "❌" if f.severity == "error" else "⚠️"
            lines.append(
                f"| {icon} | `{_cell(f.where)}` | `{f.rule}` | {_cell(f.message)} | "
                f"{_cell(f.hint)} |"
            )
        lines.append("")
    return "\n".join(lines)


def to_text(report: ReviewReport) -> str:
    """One line per finding, then a summary line (for logs and pipes)."""
    lines = [
        f"{f.where}: {f.severity}: {f.message} [{f.rule}]" + (f" — {f.hint}" if f.hint else "")
        for f in report.findings
    ]
    lines.append(
        f"{len(report.files)} file(s) reviewed: {report.errors} error(s), "
        f"{report.warnings} warning(s)"
    )
    return "\n".join(lines)
