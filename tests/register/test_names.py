"""The register package's public names are what they say, whichever of its modules were imported before.

A name the package gave out on first use (PEP 562) that was also one of its modules' names (`collect`,
`site_recognizer`) was that module once Python had imported it: `from site_builder.register import collect`
then gave a module, and `consents` failed with "'module' object is not callable" whenever register/target.py
(which imports register/collect.py) had been imported first. Running many commands in one process found it."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # a new Python

# In a new interpreter: this one has imported the package's modules in whatever order the tests before did.
CHECK = """
import importlib, pkgutil, types
import site_builder.register as register
for module in pkgutil.iter_modules(register.__path__):
    importlib.import_module(f"site_builder.register.{module.name}")
print(len(register.__all__), [n for n in register.__all__ if isinstance(getattr(register, n), types.ModuleType)])
"""


def test_no_public_name_is_a_module_after_every_module_was_imported():
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    count, modules = result.stdout.split(" ", 1)
    assert int(count) > 40 and modules.strip() == "[]"
