"""A tiny check counter shared by the Python test scripts (tests/geoparquet, tests/postgis):
one line per failure, then 'NAME: N passed, M failed' (a summary line CI recognises) and
the exit status."""
import sys


class Checks:
    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0

    def __call__(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL:", what)

    def finish(self):
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)
