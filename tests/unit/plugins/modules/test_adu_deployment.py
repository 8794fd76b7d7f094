# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""adu_deployment's main() end to end in one process: options in, one result out, over real HTTP."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.modules import adu_deployment

GROUP = 'dpokluda-test'


def writes(emulator):
    return [e['route'] for e in emulator.journal if e['method'] != 'GET']


def test_cancel_then_ok(run_module):
    failed, result = run_module(adu_deployment, deployment_id='rollout-2026-11-failing', state='canceled')
    assert not failed and result['changed'] and result['deployment']['is_canceled']
    assert result['ansible_facts']['adu_deployment']['deployment_id'] == 'rollout-2026-11-failing'
    failed, result = run_module(adu_deployment, deployment_id='rollout-2026-11-failing', state='canceled')
    assert not failed and not result['changed'] and 'already canceled' in result['msg']


def test_check_mode_sends_no_write(run_module):
    failed, result = run_module(adu_deployment, check_mode=True, deployment_id='rollout-2026-11-failing',
                                state='retried')
    assert not failed and result['changed'] and 'check mode' in result['msg']
    assert writes(run_module.emulator) == []


def test_a_refusal_fails_with_its_message_only(run_module):
    failed, result = run_module(adu_deployment, deployment_id='rollout-2026-11-canceled', state='retried')
    assert failed and 'cannot be retried' in result['msg'] and result['deployment']['is_canceled']
    assert 'status_code' not in result and writes(run_module.emulator) == []


def test_a_bad_option_fails_before_any_request(run_module):
    failed, result = run_module(adu_deployment, deployment_id='a/b', state='canceled')
    assert failed and result['msg'].startswith('deployment_id: ') and run_module.emulator.journal == []


def test_a_failed_call_names_status_error_and_url(run_module):
    failed, result = run_module(adu_deployment, deployment_id='no-such-deployment', state='canceled')
    assert failed and result['status_code'] == 404 and 'not found in instance blue' in result['msg']
    assert result['url'].endswith('/deployments/no-such-deployment') and result['error']['trace_id']


def test_a_ga_group_cancel_acts_per_subgroup(run_module):
    failed, result = run_module(adu_deployment, group_id=GROUP, deployment_id='test0809083849', state='canceled')
    assert not failed and result['changed'] and result['failed_subgroups'] == []
    assert sorted(e['changed'] for e in result['subgroups']) == [False, True, True]


def test_present_creates_then_reports_ok(run_module):
    args = dict(deployment_id='rollout-unit', state='present', device_group='fleet',
                update={'provider': 'fabrikam', 'name': 'vacuum', 'version': '2026.12.1'})
    failed, result = run_module(adu_deployment, **args)
    assert not failed and result['changed'] and result['diff']['before'] == {}
    failed, result = run_module(adu_deployment, **args)
    assert not failed and not result['changed'] and 'present as declared' in result['msg']
    assert writes(run_module.emulator).count('create') == 1
