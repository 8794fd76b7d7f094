# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a new user meets first, through ansible-playbook: GA counts that add up, waits that cannot pass on
nothing, inputs as YAML users write them, messages that point at the fix."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat

from conftest import CLIENT_ID, CLIENT_SECRET, STATIC_TOKEN, TENANT_ID, adu_calls

UPDATE = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'}
POLICY = {'update': {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.10.1'}, 'failed_percentage': 10,
          'failed_count': 5}


def info(runner, register='read', **options):
    return {'name': 'info', 'register': register,
            'adu.device_update.adu_deployment_info': dict(runner.connection(), **options)}


def present(runner, group_id, deployment_id, **options):
    return runner.task('present', deployment_id, group_id=group_id, update=UPDATE,
                       start_date_time='2026-11-25T08:00:00Z', **options)


def test_ga_group_status_counts_are_the_sums_over_the_subgroups(runner, emulator):
    play = runner.play([present(runner, 'fleet-eu', 'fw-sum'),
                        info(runner, group_id='fleet-eu', deployment_id='fw-sum')])
    assert play.rc == 0, play.output
    status = play.result['status']
    subgroups = [s['status'] for s in play.result['subgroups']]
    assert len(subgroups) == 2
    assert status['total_devices'] == 9 == sum(s['total_devices'] for s in subgroups)
    assert status['devices_completed_failed_count'] == 2 and status['devices_in_progress_count'] == 3
    assert status['devices_completed_succeeded_count'] == 4 and status['devices_canceled_count'] == 0
    # The GA API sends five counts: the other two are null, never a 0 the service did not say.
    assert status['devices_incompatible_count'] is None and status['devices_already_in_deployment_count'] is None
    assert status['deployment_state'] == 'Active'
    assert play.result['msg'] == ('deployment fw-sum: state Active, 9 targeted, 4 succeeded, 2 failed, '
                                  '3 in progress, 0 canceled')


def test_present_with_wait_returns_the_settled_status(runner, emulator):
    play = runner.play([present(runner, 'canary', 'canary-ok', wait=True, wait_interval=0.2, wait_timeout=30)])
    assert play.rc == 0, play.output
    assert play.result['status']['total_devices'] == 4
    assert play.result['status']['devices_completed_succeeded_count'] == 4


def test_present_with_wait_fails_at_the_timeout_with_the_figures_reached(runner, emulator):
    play = runner.play([present(runner, 'fleet', 'fleet-slow', wait=True, wait_interval=0.5, wait_timeout=2)])
    assert play.rc != 0
    msg = play.result['msg']
    assert msg.startswith('deployment fleet-slow created; deployment fleet-slow did not settle within 2 s')
    assert 'reached: state Active, 40 targeted, 0 succeeded, 0 failed, 40 in progress, 0 canceled' in msg
    assert play.result['status']['devices_in_progress_count'] == 40
    assert [e['route'] for e in emulator.journal].count('ga_create') == 1


def test_present_with_wait_on_a_group_without_devices_never_passes(runner, emulator):
    # A group exists while devices carry its tag; this one's devices are gone (the strict emulator refuses a group
    # that does not exist at all, as the service does).
    emulator.store.device_groups['nobody-here'] = {'device_classes': {'e' * 40: {'totalDevices': 0}}}
    play = runner.play([present(runner, 'nobody-here', 'empty-1', wait=True, wait_interval=0.5, wait_timeout=1)])
    assert play.rc != 0 and '0 targeted' in play.result['msg'], play.output


def test_absent_with_wait_waits_until_it_is_gone(runner, emulator):
    play = runner.play([present(runner, 'canary', 'to-delete'),
                        runner.task('absent', 'to-delete', group_id='canary', wait=True, wait_interval=0.2)])
    assert play.rc == 0, play.output
    assert play.result['changed'] is True and play.result['deployment'] == {}
    assert adu_calls(emulator)[-1] == ('GET', 'ga_get_deployment')  # read until the 404


def test_info_results_always_have_a_msg_also_for_a_waited_out_until(runner, emulator):
    play = runner.play('''
        - name: wait for a rollout that does not settle
          adu.device_update.adu_deployment_info: %s
          register: read
          until: read.status.devices_in_progress_count == 0
          retries: 1
          delay: 0
        ''' % json.dumps(dict(runner.connection(), deployment_id='dpokluda-test.2020-1111-1124-8')))
    assert play.rc != 0
    assert play.result['msg'].startswith('deployment dpokluda-test.2020-1111-1124-8: state Active, 7 targeted')
    assert 'Unknown error' not in play.output
    listed = runner.play([info(runner, group_id='dpokluda-test')])
    assert listed.rc == 0 and listed.result['msg'] == '2 deployment(s) in group dpokluda-test of instance blue'


def test_a_number_where_a_string_is_expected_is_refused_naming_the_option(runner, emulator):
    play = runner.play('''
        - adu.device_update.adu_deployment:
            endpoint: %s
            ca_path: %s
            instance: blue
            access_token: %s
            group_id: fleet-eu
            deployment_id: fw-number
            state: present
            update: {provider: Contoso, name: Gateway, version: 2026.10}
        ''' % (emulator.url, emulator.ca_path, STATIC_TOKEN))
    assert play.rc != 0
    assert play.result['msg'] == ('update.version: must be a string, not a number (YAML read 2026.1): quote it, '
                                  'for example version: "2026.10"')
    assert emulator.journal == []


def test_cancelled_tenant_and_secret_as_users_of_other_tools_write_them(runner, emulator):
    args = dict(endpoint=emulator.url, ca_path=emulator.ca_path, instance='blue', authority_host=emulator.url,
                tenant=TENANT_ID, client_id=CLIENT_ID, secret=CLIENT_SECRET,
                deployment_id='dpokluda-test.2020-1111-1124-8', state='cancelled')
    play = runner.play([{'adu.device_update.adu_deployment': args}], verbosity=4)
    assert play.rc == 0, play.output
    assert play.result['changed'] is True and play.result['msg'] == 'deployment dpokluda-test.2020-1111-1124-8 canceled'
    assert CLIENT_SECRET not in play.output
    assert adu_calls(emulator).count(('POST', 'cancel')) == 1


def test_device_state_in_any_case(runner, emulator):
    play = runner.play([info(runner, deployment_id='68176a1f699e43489764b646ca08aac9', device_state='failed')])
    assert play.rc == 0, play.output
    assert len(play.result['devices']) == 3 and all(d['device_state'] == 'Failed' for d in play.result['devices'])
    assert play.result['msg'].endswith('; 3 device(s) in state Failed')


def test_present_accepts_the_shape_it_returns(runner, emulator):
    created = present(runner, 'fleet-eu', 'fw-shape', rollback_policy=POLICY, register='created')
    again = runner.task('present', 'fw-shape', group_id='fleet-eu', start_date_time='2026-11-25T08:00:00Z',
                        update="{{ created.deployment['update'] }}",
                        rollback_policy='{{ created.deployment.rollback_policy }}')
    play = runner.play([created, again])
    assert play.rc == 0, play.output
    assert [r['changed'] for r in play.results] == [True, False]
    assert [e['route'] for e in emulator.journal].count('ga_create') == 1


def test_a_404_names_the_instance_and_group_as_suspects(runner, emulator):
    play = runner.play([info(runner, group_id='fleet-eu', deployment_id='no-such')])
    assert play.rc != 0
    assert ('deployment no-such not found in group fleet-eu of instance blue' in play.result['msg'] and
            'a wrong group or instance is answered 404 as well' in play.result['msg'])


def test_a_write_that_waited_for_its_slot_says_how_long(runner, emulator):
    pacing = dict(write_rate_limit=1, write_rate_window=4)
    play = runner.play([present(runner, 'canary', 'paced-1', **pacing), present(runner, 'canary', 'paced-2', **pacing)])
    assert play.rc == 0, play.output
    first, second = play.results
    assert first['pacing_wait'] < 1 and 'waited' not in first['msg']
    assert 1 <= second['pacing_wait'] <= 4
    assert 's for a write slot: 1 writes of a kind per 4 s per instance' in second['msg']


def fake_az(tmp_path, script):
    """A stand-in for the Azure CLI on PATH that logs its arguments."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    az = bin_dir / 'az'
    az.write_text('#!/bin/sh\necho "$@" >> %s\n%s\n' % (tmp_path / 'az.log', script))
    az.chmod(az.stat().st_mode | stat.S_IEXEC)
    return {'PATH': '%s%s%s' % (bin_dir, os.pathsep, os.environ['PATH'])}


def test_auth_method_cli_takes_the_token_of_the_azure_cli(runner, emulator, tmp_path):
    answer = json.dumps({'accessToken': STATIC_TOKEN, 'expiresOn': '2026-12-03 12:00:00', 'tokenType': 'Bearer'})
    env = fake_az(tmp_path, "echo '%s'" % answer)
    args = dict(endpoint=emulator.url, ca_path=emulator.ca_path, instance='blue', auth_method='cli',
                tenant_id=TENANT_ID, deployment_id='dpokluda-test.2020-1111-1124-8', state='canceled')
    play = runner.play([{'adu.device_update.adu_deployment': args}], env=env, verbosity=4)
    assert play.rc == 0, play.output
    assert play.result['changed'] is True and STATIC_TOKEN not in play.output
    assert (tmp_path / 'az.log').read_text().split() == [
        'account', 'get-access-token', '--scope', 'https://api.adu.microsoft.com/.default', '--output', 'json',
        '--tenant', TENANT_ID]


def test_auth_method_cli_without_a_login_says_what_to_do(runner, emulator, tmp_path):
    env = fake_az(tmp_path, "echo \"ERROR: Please run 'az login' to setup account.\" >&2; exit 1")
    args = dict(endpoint=emulator.url, ca_path=emulator.ca_path, instance='blue', auth_method='cli',
                deployment_id='dpokluda-test.2020-1111-1124-8', state='canceled')
    play = runner.play([{'adu.device_update.adu_deployment': args}], env=env)
    assert play.rc != 0
    assert ("the Azure CLI gave no token (az account get-access-token exited 1: ERROR: Please run 'az login' to "
            "setup account.); run az login") in play.result['msg']
    assert emulator.journal == []
