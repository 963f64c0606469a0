"""A shell script standing in for a binary, for the tool tests."""

import os
import stat
import tempfile


def fake_binary(body):
    """The path of an executable /bin/sh script running `body`."""
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "fake")
    with open(path, "w") as handle:
        handle.write("#!/bin/sh\n" + body + "\n")
    os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)
    return path
