"""Bad queries through the page: each gives results or a short message, never an exception,
and nothing typed is rendered as markup."""
from __future__ import annotations

import pytest

from tools.trials_inputs import BAD_QUERIES
from tests.integration.test_app import index_dir, new_app, run_search  # noqa: F401  (fixture and helpers)


# A browser always sends valid UTF-8, so lone surrogates (undecodable command-line bytes) cannot
# reach the page; they are tried through the API and the CLI in test_reliability.py.
PAGE_QUERIES = [(n, q) for n, q in BAD_QUERIES if not any("\ud800" <= c <= "\udfff" for c in q)]


@pytest.mark.slow
@pytest.mark.parametrize("name, query", PAGE_QUERIES, ids=[n for n, _ in PAGE_QUERIES])
def test_bad_query_on_the_page(index_dir, name, query):  # noqa: F811
    at = run_search(new_app(), query)
    shown = len(at.tabs) == 2 or len(at.info) + len(at.warning) > 0
    assert shown, f"{name}: neither results nor a message"
    assert len(at.error) == 0, [e.value for e in at.error]
    for m in at.markdown:
        assert "<script" not in m.value.lower() and "<img" not in m.value.lower(), m.value
