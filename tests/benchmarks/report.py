"""Writing a benchmark's results into BENCHMARKS.md: each benchmark owns the text between its
``<!-- name:start -->`` and ``<!-- name:end -->`` markers and replaces only that, so the other
benchmarks' sections and the hand-written notes stay as they are."""

from pathlib import Path


def replace_section(path: Path, name: str, body: str, heading: str | None = None) -> None:
    """Replace the marked section ``name`` with ``body``; append it (under ``heading``) if absent."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + (f"{heading}\n\n" if heading else "") + block + "\n"
    path.write_text(text)
