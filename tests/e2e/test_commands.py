"""The command as a user starts it: the `site-builder` console script the install puts on PATH."""

from __future__ import annotations

import shutil


def test_console_script_is_installed(tmp_path):
    path = shutil.which("site-builder")
    assert path, "site-builder is not on PATH; run scripts/install.sh"
    import subprocess
    result = subprocess.run([path, "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "check" in result.stdout
