import pytest

from cis_harness import CORPUS, Cis


@pytest.fixture
def cis(tmp_path):
    """A running `cis serve` with DKIM off (corpus signatures no longer verify: the
    messages were anonymised) and past events accepted (the corpus is old)."""
    server = Cis(tmp_path / "data", CIS_INBOUND_REQUIRE_DKIM="false",
                 CIS_INBOUND_ACCEPT_PAST_EVENTS="true",
                 CIS_HTTP_PUBLIC_URL="https://cis.test").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def corpus():
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent: corpus-based test skipped")
    return CORPUS
