# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A staged rollout's report, for CI pipelines and change boards (documented beside, in YAML): a Markdown table of
the rings, and a JUnit file with one test case per ring."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from xml.etree import ElementTree

# Verdicts of rings that were not judged in this run: skipped test cases.
NOT_JUDGED = ('not_started', 'would_create', 'in_progress')


def _figure(value):
    return '-' if value is None else str(value)


def _cell(text):
    return _figure(text).replace('|', '\\|').replace('\n', ' ')


def rollout_markdown(rollout, name):
    """The rollout as a Markdown document: the update, where it stopped, and a table of its rings."""
    update = rollout.get('update') or {}
    lines = ['# Staged rollout %s' % name, '',
             'Update: %s/%s/%s' % (update.get('provider'), update.get('name'), update.get('version')), '']
    if rollout.get('stopped_at'):
        lines += ['Stopped at ring %s: %s' % (rollout['stopped_at'], rollout.get('message') or ''), '']
    elif rollout.get('next_window'):
        lines += ['Waiting for the window: the next ring starts at %s.' % rollout['next_window'], '']
    elif rollout.get('error'):
        lines += ['Refused before any ring: %s' % rollout['error'], '']
    lines += ['| ring | group | deployment | verdict | targeted | succeeded | failed | in progress | completed | '
              'retries | seconds | reason |', '|' + '---|' * 12]
    for ring in rollout.get('rings') or []:
        lines.append('| %s |' % ' | '.join(_cell(ring.get(key)) for key in (
            'name', 'group_id', 'deployment_id', 'verdict', 'total_devices', 'succeeded_count', 'failed_count',
            'in_progress_count', 'completed_count', 'retries', 'seconds', 'reason')))
    return '\n'.join(lines) + '\n'


def rollout_junit(rollout, name):
    """The rollout as JUnit XML: one test case per ring, failed rings as failures with their figures, rings not
    judged in this run as skipped."""
    rings = rollout.get('rings') or []
    suite = ElementTree.Element('testsuite', {
        'name': 'staged rollout %s' % name, 'tests': str(len(rings)),
        'failures': str(sum(1 for r in rings if r.get('verdict') == 'failed')), 'errors': '0',
        'skipped': str(sum(1 for r in rings if r.get('verdict') in NOT_JUDGED)),
        'time': '%.1f' % sum(float(r.get('seconds') or 0) for r in rings)})
    for ring in rings:
        case = ElementTree.SubElement(suite, 'testcase', {
            'classname': 'staged_rollout.%s' % name, 'name': str(ring.get('name')),
            'time': '%.1f' % float(ring.get('seconds') or 0)})
        figures = ('group %s, deployment %s: %s targeted, %s succeeded, %s failed, %s in progress, %s retries' % tuple(
            _figure(ring.get(k)) for k in ('group_id', 'deployment_id', 'total_devices', 'succeeded_count',
                                           'failed_count', 'in_progress_count', 'retries')))
        if ring.get('verdict') == 'failed':
            attributes = {'message': str(ring.get('reason') or 'failed'), 'type': 'RingFailed'}
            failure = ElementTree.SubElement(case, 'failure', attributes)
            failure.text = figures
        elif ring.get('verdict') in NOT_JUDGED:
            ElementTree.SubElement(case, 'skipped', {'message': str(ring.get('reason') or ring.get('verdict'))})
        else:
            ElementTree.SubElement(case, 'system-out').text = figures
    root = ElementTree.Element('testsuites')
    root.append(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding='unicode') + '\n'


class FilterModule:
    """The staged rollout's reports."""

    def filters(self):
        return {'rollout_markdown': rollout_markdown, 'rollout_junit': rollout_junit}
