"""tools/site/messaging.py: the page's messages to the in-page kernel are dispatched as a
microtask instead of mock-socket's ``setTimeout(callback, 4)``.

The patch is made on JupyterLab's built chunk that holds mock-socket (JupyterLite 0.8.6 bundles
mock-socket 9: ``function delay(callback, context) { setTimeout(function (timeoutContext) {
return callback.call(timeoutContext); }, 4, context); }``, minified).  Here it runs on a small
site laid out like the built one; tests/browser/test_site.py checks in Chromium that a widget's
change reaches the kernel before the page's next timer."""
from __future__ import annotations

import pytest

from tools.site import messaging

# mock-socket's delay as the minifier wrote it in the built chunk, with what surrounds it.
DELAY = "function O(t,e){setTimeout(function(e){return t.call(e)},4,e)}"
PROMPT = "function O(t,e){Promise.resolve(e).then(function(e){return t.call(e)})}"
CHUNK = ('var r=j({type:"server::message",origin:this.url,data:x(t)}),n=T.serverLookup(this.url);'
         f'n&&O(function(){{o.dispatchEvent(r,t)}},n)}};{DELAY}function w(t,e){{void 0!==r&&console[t].call(null,e)}}')


def fake_site(root, chunk=CHUNK):
    build = root / messaging.BUILD
    build.mkdir(parents=True)
    (build / "4641.abc.js").write_text(chunk)
    (build / "1234.def.js").write_text("function Q(t,e){setTimeout(function(e){return t.call(e)},4,e)}")
    return root


def test_delay_becomes_a_microtask_in_mock_sockets_chunk_only(tmp_path):
    site = fake_site(tmp_path)
    patched = messaging.add_prompt_socket(site)
    assert patched.name == "4641.abc.js"
    assert patched.read_text() == CHUNK.replace(DELAY, PROMPT)
    # the same helper shape elsewhere (no mock-socket in that chunk) is left alone
    assert "},4,e)" in (site / messaging.BUILD / "1234.def.js").read_text()


def test_patch_is_applied_once(tmp_path):
    site = fake_site(tmp_path)
    messaging.add_prompt_socket(site)
    messaging.add_prompt_socket(site)
    assert (site / messaging.BUILD / "4641.abc.js").read_text() == CHUNK.replace(DELAY, PROMPT)


@pytest.mark.parametrize("chunk, message", [
    # a mock-socket whose delay changed: the build stops instead of patching blindly
    (CHUNK.replace("},4,e)}", "},0,e)}"), "found it 0 times"),
    (CHUNK + DELAY.replace("O(", "P("), "found it 2 times"),
])
def test_patch_must_match_exactly_once(tmp_path, chunk, message):
    with pytest.raises(SystemExit, match=message):
        messaging.add_prompt_socket(fake_site(tmp_path, chunk))


def test_site_needs_one_chunk_with_mock_socket(tmp_path):
    (tmp_path / messaging.BUILD).mkdir()
    with pytest.raises(SystemExit, match="expected one"):
        messaging.add_prompt_socket(tmp_path)
