"""varnishd (Debian's varnish and varnish-modules) serving deploy/varnish/newsroom.vcl in front of
a test app server, in a working folder of its own."""

import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from newsroom.settings.base import BASE_DIR

VCL = BASE_DIR / "deploy" / "varnish" / "newsroom.vcl"
SHIPPED_BACKEND = '.port = "8000";'


def start_varnish(stack, *, port, backend_port, folder):
    """varnishd on ``port`` with the shipped VCL, its backend moved to ``backend_port``."""
    if shutil.which("varnishd") is None:
        pytest.fail("varnishd is missing: apt-get install varnish varnish-modules (.ci/run installs them)")
    shipped = VCL.read_text()
    assert shipped.count(SHIPPED_BACKEND) == 1, "the VCL's backend port is not where the tests expect it"
    vcl = folder / "newsroom.vcl"
    vcl.write_text(shipped.replace(SHIPPED_BACKEND, f'.port = "{backend_port}";'))
    log = folder / "varnishd.log"
    output = stack.enter_context(open(log, "w"))  # noqa: SIM115 (the stack closes it)
    command = ["varnishd", "-F", "-j", "none", "-n", str(folder / "instance"), "-T", "none"]
    command += ["-a", f"127.0.0.1:{port}", "-f", str(vcl), "-s", "malloc,64m"]
    varnish = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    stack.callback(_stop, varnish)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert varnish.poll() is None, log.read_text()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).close()
            return varnish
        except urllib.error.HTTPError:
            return varnish  # Varnish answered, whatever the app said
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"varnishd on port {port} never answered:\n{log.read_text()}")


def _stop(varnish):
    varnish.terminate()
    try:
        varnish.wait(timeout=10)
    except subprocess.TimeoutExpired:
        varnish.kill()
        varnish.wait()
