# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the bench scripts share: a command timed with the peak memory of its own processes, Microsoft's SDK as a
client of the emulator, and the figures written as JSON."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat
import subprocess
import sys
import time

# The emulator's static bearer token (seed.json).
TOKEN = 'emu-static-access-token-for-tests'

# Microsoft's SDK as a client of the emulator, for a Python process of its own: argv[1] the emulator's URL, argv[2] its
# CA, argv[3] the token; a script appends what it does with `client` (and argv[4:]).
SDK_CLIENT = r'''
import sys, time
from azure.core.credentials import AccessToken
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.iot.deviceupdate import DeviceUpdateClient

class Token:
    def get_token(self, *scopes, **kwargs):
        return AccessToken(sys.argv[3], int(time.time()) + 3600)

class ToEmulator(SansIOHTTPPolicy):
    def on_request(self, request):
        request.http_request.url = request.http_request.url.replace('https://adu-emulator.test', sys.argv[1])

client = DeviceUpdateClient(endpoint='adu-emulator.test', credential=Token(), instance_id='blue',
                            connection_verify=sys.argv[2], per_call_policies=[ToEmulator()], api_version='2022-10-01')
'''

# Runs the command in a process of its own, which reports the peak of what it waited for: this run's alone.
_MEASURE = ('import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); '
            'sys.stderr.write("PEAK %d\\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); '
            'sys.exit(p.returncode)')


class Timed:
    """A finished run: returncode ('timeout' when it was stopped), seconds, peak resident MB of its largest process
    (None when unknown), and what it printed."""

    def __init__(self, returncode, seconds, peak_mb, stdout, stderr):
        self.returncode = returncode
        self.seconds = seconds
        self.peak_mb = peak_mb
        self.stdout = stdout
        self.stderr = stderr

    def figures(self, **more):
        """rc, seconds and peak_rss_mb as the JSON figures hold them, with more."""
        return dict({'rc': self.returncode, 'seconds': round(self.seconds, 2), 'peak_rss_mb': self.peak_mb}, **more)


def timed(command, env=None, timeout=None):
    """Run command; its Timed."""
    started = time.time()
    try:
        proc = subprocess.run([sys.executable, '-c', _MEASURE] + list(command), env=env, capture_output=True,
                              text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        return Timed('timeout', time.time() - started, None, exc.stdout or '', exc.stderr or '')
    seconds = time.time() - started
    peaks = [int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith('PEAK ')]
    stderr = '\n'.join(line for line in proc.stderr.splitlines() if not line.startswith('PEAK '))
    return Timed(proc.returncode, seconds, round(peaks[-1] / 1024.0, 1) if peaks else None, proc.stdout, stderr)


# An interpreter for ANSIBLE_PYTHON_INTERPRETER that runs each module in this Python and notes the module process's
# seconds and peak resident memory, one JSON line per module run (its own start-up excluded).
_MODULE_TIMER = """#!%(python)s
import json, resource, subprocess, sys, time
started = time.monotonic()
returncode = subprocess.run([%(python)r] + sys.argv[1:]).returncode
with open(%(log)r, 'a') as handle:
    handle.write(json.dumps({'seconds': time.monotonic() - started,
                             'peak_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0}) + '\\n')
sys.exit(returncode)
"""


class ModuleTimer:
    """The module processes of the plays run with env(): each one's seconds and peak memory, apart from
    ansible-playbook's own start and work, to set beside an SDK process doing the same."""

    def __init__(self, work):
        self.log = os.path.join(work, 'module-runs.jsonl')
        self.interpreter = os.path.join(work, 'timed-python')
        with open(self.interpreter, 'w') as handle:
            handle.write(_MODULE_TIMER % {'python': sys.executable, 'log': self.log})
        os.chmod(self.interpreter, stat.S_IRWXU)

    def env(self, base):
        """base (an environment) with the timing interpreter; the runs noted so far are forgotten."""
        if os.path.exists(self.log):
            os.remove(self.log)
        return dict(base, ANSIBLE_PYTHON_INTERPRETER=self.interpreter)

    def runs(self):
        """[{seconds, peak_mb}] of the module processes since env(), in order."""
        if not os.path.exists(self.log):
            return []
        with open(self.log) as handle:
            return [json.loads(line) for line in handle if line.strip()]

    def figures(self):
        """The last module run as figures: seconds, peak_rss_mb (None each when no module ran)."""
        runs = self.runs()
        last = runs[-1] if runs else {'seconds': None, 'peak_mb': None}
        return {'seconds': last['seconds'] and round(last['seconds'], 2),
                'peak_rss_mb': last['peak_mb'] and round(last['peak_mb'], 1)}


def ratio(part, whole):
    """part / whole to two places; None when either is unknown (a run that took no figure) or whole is 0."""
    return round(part / whole, 2) if part is not None and whole else None


def write_json(path, figures):
    """The figures as JSON at path, when a path is given."""
    if path:
        with open(path, 'w') as handle:
            json.dump(figures, handle, indent=2)
