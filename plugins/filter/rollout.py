# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The staged rollout's arithmetic, for the role adu.device_update.staged_rollout (documented beside, in YAML)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.adu.device_update.plugins.module_utils._errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._options import validate_ga_deployment_id

RING_DEFAULTS = {'max_failed_percentage': 5, 'min_succeeded_percentage': 95, 'timeout': 3600, 'soak': 0}


def rollout_rings(rings, rollout_name):
    """The rings with their defaults and deployment ids (<rollout_name>-<ring name> unless given), each id
    checked against the service's rules; names unique. An AnsibleFilterError names the first problem."""
    if not isinstance(rings, list) or not rings:
        raise AnsibleFilterError('adu_rollout_rings: must be a list of at least one ring')
    planned, seen = [], set()
    for index, ring in enumerate(rings):
        ring = dict(RING_DEFAULTS, **dict((k, v) for k, v in ring.items() if v is not None))
        name = ring.get('name')
        if name in seen:
            raise AnsibleFilterError('adu_rollout_rings[%d].name: %s names two rings' % (index, name))
        seen.add(name)
        ring['deployment_id'] = ring.get('deployment_id') or '%s-%s' % (rollout_name, name)
        option = 'adu_rollout_rings[%d].deployment_id' % index if rings[index].get('deployment_id') else (
            'adu_rollout_name and adu_rollout_rings[%d].name' % index)
        try:
            validate_ga_deployment_id(ring['deployment_id'], option)
        except OptionError as exc:
            raise AnsibleFilterError('%s (the deployment id %s)' % (exc, ring['deployment_id']))
        # Numbers as survey answers and -e give them, strings included.
        for key, kind, low, high in (('max_failed_percentage', float, 0, 100), ('min_succeeded_percentage', float, 0, 100),
                                     ('timeout', int, 1, 7 * 86400), ('soak', int, 0, 7 * 86400)):
            try:
                ring[key] = kind(ring[key])
            except (TypeError, ValueError):
                ring[key] = None
            if ring[key] is None or not low <= ring[key] <= high:
                raise AnsibleFilterError('adu_rollout_rings[%d].%s: must be a number from %s to %s (got %r)'
                                         % (index, key, low, high, rings[index].get(key)))
        planned.append(ring)
    return planned


def _percentage(count, total):
    return round(100.0 * count / total, 1) if total else 0.0


def ring_verdict(info, ring):
    """The verdict on a ring from adu_deployment_info's result (deployment and status): passed, failed or
    in_progress, with its figures and, when failed, the reason.

    Targeted devices are the status' total (summed over the subgroups); both percentages are of it. Passed:
    succeeded reaches min_succeeded_percentage and failed stays at or below max_failed_percentage. Failed: as
    soon as failed passes max_failed_percentage, or when canceled or made inactive. In progress otherwise, also
    while no device is targeted yet (timed_out() fails a ring that still targets none).
    """
    status = info.get('status') or {}
    deployment = info.get('deployment') or {}
    total = status.get('total_devices') or 0
    succeeded = status.get('devices_completed_succeeded_count') or 0
    failed = status.get('devices_completed_failed_count') or 0
    figures = {'total_devices': total, 'succeeded_count': succeeded, 'failed_count': failed,
               'in_progress_count': status.get('devices_in_progress_count') or 0,
               'succeeded_percentage': _percentage(succeeded, total), 'failed_percentage': _percentage(failed, total)}
    state = status.get('deployment_state')
    reason = None
    if deployment.get('is_canceled') or state == 'Canceled':
        reason = 'its deployment is canceled'
    elif state == 'Inactive':
        reason = 'its deployment is inactive (another deployment to the group replaced it)'
    elif total and figures['failed_percentage'] > ring['max_failed_percentage']:
        reason = 'failed devices passed %g%%' % ring['max_failed_percentage']
    if reason is not None:
        verdict = 'failed'
    elif total and figures['succeeded_percentage'] >= ring['min_succeeded_percentage']:
        verdict = 'passed'
    else:
        # No device targeted yet: the service counts a new deployment's devices with some delay. A ring that
        # still targets none at its timeout fails, saying so (see timed_out).
        verdict = 'in_progress'
    return dict(figures, verdict=verdict, reason=reason)


def timed_out(verdict, timeout):
    """A verdict still in progress at the ring's timeout: failed, with why."""
    reason = ('no device is targeted after %s s' % timeout if not verdict.get('total_devices')
              else 'no verdict within %s s' % timeout)
    return dict(verdict, verdict='failed', reason=reason)


def ring_figures(verdict):
    """A verdict's figures in one phrase, for messages and progress lines."""
    return ('%(total_devices)s targeted, %(succeeded_count)s succeeded (%(succeeded_percentage)s%%), %(failed_count)s '
            'failed (%(failed_percentage)s%%), %(in_progress_count)s in progress' % verdict)


def rollout_story(rings, results):
    """Every ring in order, as the fact adu_rollout holds them: its result where the run reached it, else
    not_started with no figures."""
    done = dict((r['name'], r) for r in results or [])
    story = []
    for ring in rings:
        story.append(done.get(ring['name']) or {
            'name': ring['name'], 'group_id': ring['group_id'], 'deployment_id': ring['deployment_id'],
            'verdict': 'not_started', 'total_devices': None, 'succeeded_count': None, 'failed_count': None,
            'in_progress_count': None, 'succeeded_percentage': None, 'failed_percentage': None, 'seconds': 0})
    return story


class FilterModule:
    """The staged rollout's filters."""

    def filters(self):
        return {'rollout_rings': rollout_rings, 'ring_verdict': ring_verdict, 'ring_figures': ring_figures,
                'rollout_story': rollout_story, 'ring_timed_out': timed_out}
