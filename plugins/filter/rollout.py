# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The staged rollout's arithmetic, for the role adu.device_update.staged_rollout (documented beside, in YAML)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

from ansible.errors import AnsibleFilterError

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import validate_ga_deployment_id
from ansible_collections.adu.device_update.plugins.module_utils._rollout import gate

RING_DEFAULTS = {'max_failed_percentage': 5, 'min_succeeded_percentage': 95, 'timeout': 3600, 'soak': 0,
                 'abort_failed_percentage': None, 'min_completed_devices': 10, 'retry_failed': 0}
# The reasons a ring's failure gates give, as its verdict begins them: of the targeted devices, of the completed.
GATE_REASONS = ('failed devices passed', 'early stop')
# Seconds between two status reads of a ring: at least one (the waits divide by it), at most an hour.
POLL_INTERVAL_RANGE = (1, 3600)


def rollout_rings(rings, rollout_name, poll_interval=30):
    """The rings with their defaults and deployment ids (<rollout_name>-<ring name> unless given), each id
    checked against the service's rules; names unique; poll_interval (adu_rollout_poll_interval) within its
    bounds, since the rings' waits divide by it. An AnsibleFilterError names the first problem, before any ring."""
    _number('adu_rollout_poll_interval', poll_interval, int, POLL_INTERVAL_RANGE)
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
        for key, kind, bounds in (('max_failed_percentage', float, (0, 100)),
                                  ('min_succeeded_percentage', float, (0, 100)),
                                  ('timeout', int, (1, 7 * 86400)), ('soak', int, (0, 7 * 86400)),
                                  ('abort_failed_percentage', float, (0, 100)),
                                  ('min_completed_devices', int, (1, 10 ** 7)), ('retry_failed', int, (0, 5))):
            if ring[key] is not None:
                ring[key] = _number('adu_rollout_rings[%d].%s' % (index, key), ring[key], kind, bounds,
                                    rings[index].get(key))
        planned.append(ring)
    return planned


def _number(option, value, kind, bounds, given=None):
    """value as kind within bounds, from numbers as survey answers and -e give them (strings included)."""
    try:
        number = kind(value)
        if kind is int and isinstance(value, float) and value != number:
            number = None  # 2.5 retries is no number of retries
    except (TypeError, ValueError, OverflowError):
        number = None
    if number is None or math.isnan(number) or not bounds[0] <= number <= bounds[1]:
        raise AnsibleFilterError('%s: must be a number from %s to %s (got %r)'
                                 % (option, bounds[0], bounds[1], value if given is None else given))
    return number


def ring_verdict(info, ring):
    """The verdict on a ring from adu_deployment_info's result (deployment and status): passed, failed or
    in_progress, with its figures and, when failed, the reason.

    Targeted devices are the status' total (summed over the subgroups); both shares are of it, compared exactly
    (module_utils._gate), rounded for display only. Passed: succeeded reaches min_succeeded_percentage and failed
    stays at or below max_failed_percentage. Failed: as soon as failed passes max_failed_percentage, or when
    canceled or made inactive. In progress otherwise: while no device is targeted yet, and while the figures do
    not add up (`inconsistency` says how; timed_out() fails such a ring at its timeout, naming it).
    """
    status = info.get('status') or {}
    deployment = info.get('deployment') or {}
    total = gate.targeted(status)
    succeeded = gate.count(status, 'devices_completed_succeeded_count')
    failed = gate.count(status, 'devices_completed_failed_count')
    figures = {'total_devices': total, 'succeeded_count': succeeded, 'failed_count': failed,
               'in_progress_count': gate.count(status, 'devices_in_progress_count'),
               'succeeded_percentage': gate.percentage(succeeded, total),
               'failed_percentage': gate.percentage(failed, total)}
    inconsistency = gate.inconsistency(status)
    state = status.get('deployment_state')
    reason = None
    if deployment.get('is_canceled') or state == 'Canceled':
        reason = 'its deployment is canceled'
    elif state == 'Inactive':
        reason = 'its deployment is inactive (another deployment to the group replaced it)'
    elif inconsistency is None and gate.above(failed, total, ring['max_failed_percentage']):
        reason = '%s %g%%' % (GATE_REASONS[0], ring['max_failed_percentage'])
    elif inconsistency is None and _aborted(succeeded + failed, failed, ring):
        reason = ('%s: %d of the %d devices that completed failed, more than %g%% of them (at least %d '
                  'completed)' % (GATE_REASONS[1], failed, succeeded + failed, ring['abort_failed_percentage'],
                                  ring.get('min_completed_devices') or 1))
    if reason is not None:
        verdict = 'failed'
    elif inconsistency is None and gate.reaches(succeeded, total, ring['min_succeeded_percentage']):
        verdict = 'passed'
    else:
        # No device targeted yet (the service counts a new deployment's devices with some delay), or figures that
        # are no evidence: a ring still so at its timeout fails, saying why (see timed_out).
        verdict = 'in_progress'
    return dict(figures, verdict=verdict, reason=reason, inconsistency=inconsistency)


def _gate_tripped(verdict):
    """Whether a verdict is failed by a failure gate (not a canceled or replaced deployment, nor a timeout)."""
    return verdict.get('verdict') == 'failed' and (verdict.get('reason') or '').startswith(GATE_REASONS)


def _aborted(completed, failed, ring):
    """The ring's abort criteria, as AWS IoT Jobs' (a share of the completed devices, once enough completed)."""
    abort = ring.get('abort_failed_percentage')
    return abort is not None and completed >= (ring.get('min_completed_devices') or 1) and \
        gate.above(failed, completed, abort)


def ring_retry(verdict, ring, retries):
    """Whether a failed ring's failed devices are retried before it is judged failed: only when its gate tripped on
    failed devices (not when canceled, replaced or timed out) and retry_failed allows one more."""
    return (_gate_tripped(verdict) and bool(verdict.get('failed_count')) and
            int(retries or 0) < int(ring.get('retry_failed') or 0))


def ring_after_retry(verdict, failed_before):
    """A verdict read after the ring's failed devices were retried: failed on the same failed devices as before the
    retry, with none in progress, is the status before the service took the retry in, so still in progress."""
    if failed_before is None or not _gate_tripped(verdict) or verdict.get('in_progress_count') or \
            int(verdict.get('failed_count') or 0) < int(failed_before):
        return verdict
    return dict(verdict, verdict='in_progress', reason=None)


def timed_out(verdict, timeout):
    """A verdict still in progress at the ring's timeout: failed, with why."""
    if verdict.get('inconsistency'):
        reason = 'its figures do not add up after %s s (%s)' % (timeout, verdict['inconsistency'])
    elif not verdict.get('total_devices'):
        reason = 'no device is targeted after %s s' % timeout
    else:
        reason = 'no verdict within %s s' % timeout
    return dict(verdict, verdict='failed', reason=reason)


def ring_figures(verdict):
    """A verdict's figures in one phrase, for messages and progress lines."""
    return ('%(total_devices)s targeted, %(succeeded_count)s succeeded (%(succeeded_percentage)s%%), %(failed_count)s '
            'failed (%(failed_percentage)s%%), %(in_progress_count)s in progress' % verdict)


FIGURES = ('total_devices', 'succeeded_count', 'failed_count', 'in_progress_count', 'succeeded_percentage',
           'failed_percentage')


def ring_record(verdict, ring, seconds=0):
    """A ring's entry in the fact adu_rollout: name, group, deployment id, verdict, reason, figures (null where the
    ring has none), seconds spent on it in this run. A verdict of None: the ring is not started, in the one shape."""
    verdict = verdict or {'verdict': 'not_started'}
    record = {'name': ring['name'], 'group_id': ring['group_id'], 'deployment_id': ring['deployment_id'],
              'verdict': verdict['verdict'], 'reason': verdict.get('reason')}
    record.update((key, verdict.get(key)) for key in FIGURES)
    done = [verdict.get(key) for key in ('succeeded_count', 'failed_count')]
    record['completed_count'] = None if None in done else sum(done)
    record['retries'] = int(verdict.get('retries') or 0)
    record['seconds'] = round(float(seconds or 0), 1)
    return record


def rollout_incompatible(group_reads, class_reads, update):
    """'ring R (group G): device class C' for each device class of a ring's group that cannot install the update.
    group_reads: adu_group_info's results looped over the rings (item: the ring; groups[0].subgroups);
    class_reads: adu_device_info's results looped over device class ids (device_class.installable_updates)."""
    wanted = dict((key, update.get(key)) for key in ('provider', 'name', 'version'))
    installable = {}
    for read in class_reads or []:
        device_class = read.get('device_class') or {}
        installable[device_class.get('device_class_id')] = [
            u.get('update_id') for u in device_class.get('installable_updates') or []]
    refused = []
    for read in group_reads or []:
        ring = read.get('item') or {}
        for group in read.get('groups') or []:
            for subgroup in group.get('subgroups') or []:
                if wanted not in installable.get(subgroup.get('device_class_id'), []):
                    refused.append('ring %s (group %s): device class %s' % (
                        ring.get('name'), group.get('group_id'), subgroup.get('device_class_id')))
    return refused


def rollout_story(rings, results):
    """Every ring in order, as the fact adu_rollout holds them: its record where the run reached it, else not
    started (ring_record)."""
    done = dict((r['name'], r) for r in results or [])
    return [done.get(ring['name']) or ring_record(None, ring) for ring in rings or []]


def rollout_stop(record, rollout_name, rings, on_failure='cancel'):
    """The message that stops the play at a failed ring: where, why, its figures, what became of its deployment,
    and which rings were not started."""
    names = [ring['name'] for ring in rings]
    later = names[names.index(record['name']) + 1:] if record['name'] in names else []
    return ('staged rollout %s stopped at ring %s (%s in group %s): %s; %s; its deployment %s; rings not started: %s'
            % (rollout_name, record['name'], record['deployment_id'], record['group_id'], record['reason'],
               ring_figures(record), 'was canceled' if on_failure == 'cancel' else 'was kept', ', '.join(later) or 'none'))


class FilterModule:
    """The staged rollout's filters."""

    def filters(self):
        return {'rollout_rings': rollout_rings, 'ring_verdict': ring_verdict, 'ring_figures': ring_figures,
                'rollout_story': rollout_story, 'ring_timed_out': timed_out, 'ring_record': ring_record,
                'rollout_stop': rollout_stop, 'rollout_incompatible': rollout_incompatible, 'ring_retry': ring_retry,
                'ring_after_retry': ring_after_retry}
