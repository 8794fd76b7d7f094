# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Event-Driven Ansible source and rulebook end to end: the real ansible-rulebook (with Java 17),
the collection built and installed with ansible-galaxy, the emulator playing rollouts over time."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import subprocess

import pytest

from conftest import CLIENT_ID, CLIENT_SECRET, TENANT_ID

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GROUP = 'live'
FAILING, HEALTHY = 'fw-failing', 'fw-healthy'
DC_FAILING, DC_HEALTHY = 'f' * 40, 'e' * 40


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """The collection as a user has it: the built tarball installed with ansible-galaxy."""
    work = tmp_path_factory.mktemp('galaxy')
    subprocess.run(['ansible-galaxy', 'collection', 'build', ROOT, '--output-path', str(work)], check=True,
                   capture_output=True)
    tarball = glob.glob(str(work / 'adu-device_update-*.tar.gz'))[0]
    target = work / 'collections'
    # Only the target on the collections path: the checkout must not count as "already installed".
    subprocess.run(['ansible-galaxy', 'collection', 'install', '--force', tarball, '-p', str(target)], check=True,
                   capture_output=True, env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(target)))
    assert (target / 'ansible_collections' / 'adu' / 'device_update' / 'extensions').is_dir()
    return target


def rollouts(emulator, failing_steps):
    emulator.store.add_ga_deployment(
        'blue', GROUP, {'deploymentId': FAILING}, {DC_FAILING: {'totalDevices': 20, 'devicesInProgressCount': 20,
                                                                'devicesCompletedSucceededCount': 0}},
        timelines={DC_FAILING: failing_steps})
    emulator.store.add_ga_deployment(
        'blue', GROUP, {'deploymentId': HEALTHY}, {DC_HEALTHY: {'totalDevices': 10, 'devicesInProgressCount': 10,
                                                                'devicesCompletedSucceededCount': 0}},
        timelines={DC_HEALTHY: [{'after_reads': 2, 'status': {'devicesInProgressCount': 0,
                                                              'devicesCompletedSucceededCount': 10}}]})


def run_rulebook(emulator, installed, tmp_path, polls=10, threshold=10, secret=CLIENT_SECRET):
    rulebook = installed / 'ansible_collections' / 'adu' / 'device_update' / 'extensions' / 'eda' / 'rulebooks' / \
        'stop_failing_rollout.yml'
    (tmp_path / 'vars.yml').write_text(json.dumps({
        'adu_endpoint': emulator.url, 'adu_ca_path': emulator.ca_path, 'adu_instance': 'blue',
        'adu_group_id': GROUP, 'failed_threshold': threshold, 'poll_interval': 0.5, 'max_polls': polls}))
    # The documented inventory, as installed: it runs the module with the Python of ansible-playbook.
    inventory = installed / 'ansible_collections' / 'adu' / 'device_update' / 'extensions' / 'eda' / 'inventory.yml'
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('AZURE_', 'ANSIBLE_', 'PYTHONPATH')))
    env.update(AZURE_TENANT_ID=TENANT_ID, AZURE_CLIENT_ID=CLIENT_ID, AZURE_CLIENT_SECRET=secret,
               AZURE_AUTHORITY_HOST=emulator.url, ANSIBLE_COLLECTIONS_PATH=str(installed),
               XDG_CACHE_HOME=str(tmp_path / 'cache'), ANSIBLE_HOME=str(tmp_path / 'ansible-home'),
               ANSIBLE_LOCALHOST_WARNING='false')
    proc = subprocess.run(['ansible-rulebook', '--rulebook', str(rulebook), '-i', str(inventory),
                           '--vars', str(tmp_path / 'vars.yml'), '--shutdown-delay', '30', '-v'],
                          capture_output=True, text=True, env=env, timeout=300, check=False, cwd=str(tmp_path))
    return proc


def cancels(emulator):
    return [(e['deployment_id'], e['device_class_id'], e['status']) for e in emulator.requests('ga_cancel')]


def status_reads_before_first_cancel(emulator):
    reads = 0
    for entry in emulator.journal:
        if entry['route'] == 'ga_cancel':
            return reads
        if entry['route'] == 'ga_group_status' and entry['deployment_id'] == FAILING:
            reads += 1
    return reads


def test_a_rollout_crossing_the_threshold_is_canceled_once_and_a_healthy_one_never(emulator, installed, tmp_path):
    # 5% failed after 2 status reads, 20% after 4: the crossing comes a few polls in.
    rollouts(emulator, [
        {'after_reads': 2, 'status': {'devicesInProgressCount': 15, 'devicesCompletedSucceededCount': 4,
                                      'devicesCompletedFailedCount': 1}},
        {'after_reads': 4, 'status': {'devicesInProgressCount': 8, 'devicesCompletedSucceededCount': 8,
                                      'devicesCompletedFailedCount': 4}},
        {'after_reads': 6, 'status': {'devicesInProgressCount': 2, 'devicesCompletedFailedCount': 10}}])
    emulator.add_fault(route='ga_list', status=429, times=1)  # one throttled poll, without Retry-After
    emulator.add_fault(route='ga_group_status', status=503, times=1, deployment_id=HEALTHY)
    proc = run_rulebook(emulator, installed, tmp_path)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert cancels(emulator) == [(FAILING, DC_FAILING, 200)], output
    assert status_reads_before_first_cancel(emulator) >= 4  # not before the crossing
    assert [e['status'] for e in emulator.requests('ga_list')][0] == 429  # the throttled poll was survived
    assert len(emulator.requests('ga_list')) >= 8
    assert CLIENT_SECRET not in output and not any(t in output for t in emulator.store.tokens)


def test_a_failed_stop_is_said_alerted_on_and_tried_again_on_the_next_event(emulator, installed, tmp_path):
    rollouts(emulator, [
        {'after_reads': 2, 'status': {'devicesInProgressCount': 12, 'devicesCompletedSucceededCount': 4,
                                      'devicesCompletedFailedCount': 4}},
        {'after_reads': 8, 'status': {'devicesInProgressCount': 6, 'devicesCompletedFailedCount': 10}},
        {'after_reads': 14, 'status': {'devicesInProgressCount': 2, 'devicesCompletedFailedCount': 14}}])
    emulator.add_fault(route='ga_cancel', status=403, times=1,
                       body={'error': {'code': 'Forbidden', 'message': 'role assignment still propagating'}})
    proc = run_rulebook(emulator, installed, tmp_path, polls=24)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert cancels(emulator) == [(FAILING, DC_FAILING, 403), (FAILING, DC_FAILING, 200)], output
    assert 'ADU STOP FAILED: deployment %s of group %s in instance blue was not canceled' % (FAILING, GROUP) in output
    assert 'ALERT: the stop of deployment %s failed' % FAILING in output and 'HTTP 403' in output
    assert emulator.store.ga_deployment('blue', GROUP, FAILING)['isCanceled'] is True
    assert CLIENT_SECRET not in output


def test_a_rollout_that_stays_under_the_threshold_is_left_alone(emulator, installed, tmp_path):
    rollouts(emulator, [{'after_reads': 2, 'status': {'devicesInProgressCount': 0, 'devicesCompletedSucceededCount': 19,
                                                      'devicesCompletedFailedCount': 1}}])
    proc = run_rulebook(emulator, installed, tmp_path, polls=5)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert cancels(emulator) == [] and len(emulator.requests('ga_list')) == 5


def test_rejected_credentials_end_the_source_with_one_message(emulator, installed, tmp_path):
    rollouts(emulator, [])
    emulator.add_fault(route='ga_list', status=403, times=None,
                       body={'error': {'code': 'Forbidden', 'message': 'no role'}})
    proc = run_rulebook(emulator, installed, tmp_path, polls=0)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert 'HTTP 403' in output and 'Device Update Deployments Administrator' in output
    assert len(emulator.requests('ga_list')) == 1 and emulator.requests('ga_cancel') == []


def test_a_secret_azure_ad_rejects_ends_the_source_instead_of_retrying_forever(emulator, installed, tmp_path):
    rollouts(emulator, [])
    proc = run_rulebook(emulator, installed, tmp_path, polls=0, secret='not-the-secret-at-all')
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert 'Azure AD refused a token' in output and 'invalid_client' in output
    assert len(emulator.requests('token')) == 1 and emulator.requests('ga_list') == []
    assert 'not-the-secret-at-all' not in output
