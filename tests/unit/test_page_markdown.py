"""Values from a URL or a file reach Streamlit messages (st.warning, st.error, st.success) that
read markdown: they are shown as the text they are."""
from __future__ import annotations

from html import unescape

import markdown_it
import pytest

from search.page import upload
from search.page.highlight import markdown_text
from indexer.read import intake

HOSTILE = ["[Bấm vào đây](https://evil.example/login)", "![x](https://evil.example/a.png)",
           "<img src=x onerror=alert(1)>", "**đậm** _nghiêng_ `mã`", ":red[đỏ] :material/home:",
           "$x^2$", "https://evil.example/login www.evil.example", "# tiêu đề\n- mục", "a\\[b\\]"]


@pytest.mark.parametrize("value", HOSTILE)
def test_markdown_text_renders_as_the_text_itself(value):
    shown = markdown_text(value)
    html = markdown_it.MarkdownIt("commonmark").render(shown)
    assert html.startswith("<p>") and html.count("<") == 2      # one paragraph of plain text
    assert unescape(html[3:-5]) == " ".join(value.split())     # exactly the value, as text
    # Streamlit's own syntax (":red[...]", ":material/...:", "$...$") and GFM autolinks need
    # their marks unescaped
    assert ":" not in shown.replace("\\:", "") and "$" not in shown.replace("\\$", "")
    assert "www." not in shown


def test_upload_refusal_shows_the_reason_as_text():
    checked = intake.Checked(b"", "", problem="duplicate", detail="[x](https://evil.example)")
    html = markdown_it.MarkdownIt("commonmark").render(upload.refusal(checked))
    assert "<a" not in html and "[x](https://evil.example)" in html
