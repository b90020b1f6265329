"""The build's speed code leans on three private parts of its dependencies. Each is used behind
one small function (``kernels.ready_client_class``, ``sphinx_ext.cached_highlighting``,
``sphinx_ext.memoising_english``); these tests fail as soon as an upgrade changes what those
functions rely on, before a build fails in a less legible way."""

from __future__ import annotations

import inspect


def test_jupyter_client_still_has_what_the_ready_client_calls():
    from jupyter_client.asynchronous import AsyncKernelClient

    # the private methods the replacement of wait_for_ready calls
    assert callable(getattr(AsyncKernelClient, "_handle_kernel_info_reply", None))
    assert inspect.iscoroutinefunction(AsyncKernelClient._async_is_alive)
    # the method it replaces, with the signature it keeps
    assert list(inspect.signature(AsyncKernelClient.wait_for_ready).parameters) == ["self", "timeout"]
    from barometer.build import kernels

    assert issubclass(kernels.ready_client_class(), AsyncKernelClient)


def test_sphinx_still_highlights_through_the_method_the_cache_wraps():
    from sphinx.highlighting import PygmentsBridge

    params = inspect.signature(PygmentsBridge.highlight_block).parameters
    assert list(params)[:3] == ["self", "source", "lang"]
    assert {"opts", "force", "location"} <= set(params)


def test_sphinx_still_looks_search_languages_up_in_its_table():
    from sphinx import search
    from sphinx.search.en import SearchEnglish

    assert isinstance(search.languages, dict) and "en" in search.languages
    assert callable(getattr(SearchEnglish, "stem", None)) and callable(getattr(SearchEnglish, "init", None))
