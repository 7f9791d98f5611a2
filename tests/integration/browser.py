"""Helpers of the browser tests: tests/browser/render.mjs (MapLibre GL JS in Debian's headless
Chromium) run on a request, and pixel comparisons."""
import json
import os
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
BROWSER = os.path.realpath(os.path.join(HERE, "../browser"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def require_browser():
    """The browser tests' own prerequisites; missing ones fail (scripts/bootstrap installs
    them, .ci/run runs it), they never skip silently."""
    assert shutil.which("node"), "node is missing: run `make bootstrap`"
    assert os.path.exists(CHROMIUM), f"{CHROMIUM} is missing: run `make bootstrap`"
    for pkg in ("playwright-core", "maplibre-gl"):
        assert os.path.isdir(os.path.join(BROWSER, "node_modules", pkg)), \
            f"tests/browser/node_modules/{pkg} is missing: run `npm ci --prefix tests/browser`"


def render(request, tmp):
    """Runs render.mjs on `request` ({"jobs": [...]}) and returns its answer; the request and
    the answer are kept in `tmp` beside the screenshots."""
    req = os.path.join(tmp, "render-request.json")
    with open(req, "w") as f:
        json.dump(request, f)
    r = subprocess.run(["node", os.path.join(BROWSER, "render.mjs"), "@" + req],
                       capture_output=True, text=True, timeout=240, cwd=BROWSER,
                       env={**os.environ, "CHROMIUM": CHROMIUM})
    with open(os.path.join(tmp, "render.log"), "w") as f:
        f.write(r.stdout + "\n" + r.stderr)
    assert r.returncode == 0, f"render.mjs failed ({r.returncode}): {r.stdout[-2000:]} {r.stderr[-2000:]}"
    return json.loads(r.stdout.strip().splitlines()[-1])


def close(pixel, rgb, tol=10):
    """`pixel` ([r, g, b, a] or None) is `rgb` within `tol` in every channel."""
    return pixel is not None and all(abs(pixel[i] - rgb[i]) <= tol for i in range(3))


def hexcolor(rgb):
    return "#%02x%02x%02x" % rgb
