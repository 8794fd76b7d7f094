# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""adu_deployment_info's main() in one process, over real HTTP to the emulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.modules import adu_deployment_info

GROUP = 'dpokluda-test'


def test_one_deployment_with_its_failed_devices(run_module):
    failed, result = run_module(adu_deployment_info, deployment_id='rollout-2026-11-failing', device_state='Failed')
    assert not failed and not result['changed']
    assert result['status']['devices_completed_failed_count'] == 6
    assert len(result['devices']) == 6 and set(d['device_state'] for d in result['devices']) == {'Failed'}


def test_the_deployments_of_a_group(run_module):
    failed, result = run_module(adu_deployment_info, group_id=GROUP)
    assert not failed and 'test0809083849' in [d['deployment_id'] for d in result['deployments']]


def test_no_deployment_id_on_the_preview_api_is_refused(run_module):
    failed, result = run_module(adu_deployment_info)
    assert failed and result['msg'].startswith('deployment_id: required on the 2020-09-01 preview API')
    assert run_module.emulator.journal == []


def test_device_state_without_deployment_id_is_refused(run_module):
    failed, result = run_module(adu_deployment_info, group_id=GROUP, device_state='Failed')
    assert failed and result['msg'].startswith('device_state: needs deployment_id')
