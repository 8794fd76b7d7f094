# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Before and after a rollout end to end: adu_group_info, adu_log_collection, and device health."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from conftest import adu_calls

NEWEST = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'}
DC_A = 'c61300e6b3da62926c23d92519ea3f2e73116e71'  # fleet-eu: 6 devices, 2 fail, 4 succeed (seed device_groups)
DC_B = 'd72411f7c4eb73a37d34e03620fb4f3f84227f82'  # fleet-eu: 3 devices in progress


def module(runner, name, **options):
    return {'name': name, 'adu.device_update.' + name: dict(runner.connection(), **options)}


def deploy(runner, group='fleet-eu', deployment_id='fw-2026-11-25', update=None):
    return module(runner, 'adu_deployment', state='present', group_id=group, deployment_id=deployment_id,
                  update=update or NEWEST, start_date_time='2026-11-25T08:00:00Z')


def test_group_before_and_after_a_rollout(runner, emulator):
    before = runner.play([module(runner, 'adu_group_info', group_id='fleet-eu', include=['best_updates', 'compliance'])])
    assert before.rc == 0, before.output
    group = before.result['groups'][0]
    assert group['group_id'] == 'fleet-eu' and group['device_count'] == 9
    assert group['compliance'] == {'total_device_count': 9, 'on_latest_update_device_count': 0,
                                   'new_updates_available_device_count': 9, 'updates_in_progress_device_count': 0,
                                   'compliance_percentage': 0.0}
    best = dict((s['device_class_id'], s['best_update']) for s in group['subgroups'])
    assert best[DC_A]['update_id'] == NEWEST and best[DC_A]['device_count'] == 6
    after = runner.play([deploy(runner), module(runner, 'adu_group_info', group_id='fleet-eu',
                                                include=['subgroups', 'compliance', 'deployments'])])
    assert after.rc == 0, after.output
    group = after.results[1]['groups'][0]
    assert group['compliance']['on_latest_update_device_count'] == 4  # the 4 that succeeded
    assert group['compliance']['updates_in_progress_device_count'] == 3
    assert group['compliance']['compliance_percentage'] == 44.4
    assert [d['deployment_id'] for d in group['deployments']] == ['fw-2026-11-25']
    assert group['subgroups_with_updates_in_progress_count'] == 1
    assert '44.4% on the latest update' in after.results[1]['msg']


def test_every_group_and_the_instance(runner, emulator):
    emulator.page_size = 2  # pages followed
    play = runner.play([module(runner, 'adu_group_info')])
    assert play.rc == 0, play.output
    ids = [g['group_id'] for g in play.result['groups']]
    assert ids == sorted(ids) and {'canary', 'fleet', 'fleet-eu', 'dpokluda-test'} <= set(ids)
    assert play.result['instance_compliance']['total_device_count'] == sum(
        g['compliance']['total_device_count'] for g in play.result['groups'])
    assert len(emulator.requests('groups_list')) >= 2


def test_group_that_does_not_exist_fails_naming_it(runner, emulator):
    play = runner.play([module(runner, 'adu_group_info', group_id='no-such-group')])
    assert play.rc != 0 and 'group no-such-group not found' in play.result['msg']


def test_twenty_forks_reading_twenty_groups_meet_no_429(runner, emulator, tmp_path):
    emulator.throttle(group=(30, 2.0), compliance=(30, 2.0), best_updates=(30, 2.0), read=None, action=None,
                      create=None, delete=None)
    inventory = tmp_path / 'hosts.ini'
    inventory.write_text('[readers]\n' + '\n'.join('r%d ansible_connection=local' % i for i in range(20)) + '\n')
    task = module(runner, 'adu_group_info', group_id='fleet-eu', write_rate_window=2.0)
    play = runner.play([task, task], hosts='readers', inventory=str(inventory), forks=20)
    assert play.rc == 0, play.output
    assert len(play.results) == 40
    assert not [e for e in emulator.journal if e.get('throttled')]
    assert len(emulator.requests('group_get')) == 40 and len(emulator.requests('group_compliance')) == 40


def test_log_collection_from_failed_devices_then_ok(runner, emulator):
    emulator.log_seconds = 1.0
    collect = module(runner, 'adu_log_collection', log_collection_id='fleet-eu-failed',
                     from_deployment={'deployment_id': 'fw-2026-11-25', 'group_id': 'fleet-eu'},
                     description='failed devices', wait=True, wait_interval=0.5, wait_timeout=30)
    play = runner.play([deploy(runner), collect], diff=True)
    assert play.rc == 0, play.output
    result = play.results[1]
    assert result['changed'] is True and len(result['log_collection']['device_list']) == 2
    assert sorted(d['status'] for d in result['device_status']) in (['Failed', 'Succeeded'], ['Succeeded'] * 2,
                                                                    ['Failed'] * 2)
    assert result['diff']['before'] == {} and len(result['diff']['after']['device_list']) == 2
    assert len(emulator.requests('log_collection_put')) == 1
    again = runner.play([collect])
    assert again.rc == 0 and again.result['changed'] is False, again.output
    assert len(again.result['device_status']) == 2  # read on a rerun
    assert len(emulator.requests('log_collection_put')) == 1


def test_log_collection_with_other_devices_fails_without_a_write(runner, emulator):
    first = module(runner, 'adu_log_collection', log_collection_id='triage', devices=[{'device_id': 'dev-1'}])
    other = module(runner, 'adu_log_collection', log_collection_id='triage',
                   devices=[{'device_id': 'dev-2'}, {'device_id': 'dev-1'}])
    play = runner.play([first, other])
    assert play.rc != 0
    assert 'exists with other devices' in play.results[1]['msg'] and 'dev-2' in play.results[1]['msg']
    assert len(emulator.requests('log_collection_put')) == 1


def test_log_collection_check_mode_sends_nothing(runner, emulator):
    play = runner.play([module(runner, 'adu_log_collection', log_collection_id='triage',
                               devices=[{'device_id': 'dev-1'}])], check=True)
    assert play.rc == 0 and play.result['changed'] is True, play.output
    assert [c for c in adu_calls(emulator) if c[0] != 'GET'] == []


def test_log_collection_id_with_slash_is_refused(runner, emulator):
    play = runner.play([module(runner, 'adu_log_collection', log_collection_id='a/b', devices=[{'device_id': 'x'}])])
    assert play.rc != 0 and play.result['msg'].startswith('log_collection_id:') and adu_calls(emulator) == []


def test_failed_devices_with_their_health(runner, emulator):
    play = runner.play([deploy(runner), module(runner, 'adu_deployment_info', group_id='fleet-eu',
                                               deployment_id='fw-2026-11-25', device_state='Failed',
                                               include_device_health=True)])
    assert play.rc == 0, play.output
    devices = play.results[1]['devices']
    assert len(devices) == 2 and all('health' in d for d in devices)
    for device in devices:
        assert device['health'] is None or device['health']['state'] in ('healthy', 'unhealthy')
    assert len(emulator.requests('device_health')) == 2


def test_device_health_needs_a_device_state(runner, emulator):
    play = runner.play([module(runner, 'adu_deployment_info', group_id='fleet-eu', deployment_id='x',
                               include_device_health=True)])
    assert play.rc != 0 and play.result['msg'].startswith('include_device_health:') and adu_calls(emulator) == []


def test_a_lost_log_collection_answer_is_read_back_not_resent(runner, emulator):
    emulator.add_fault(route='log_collection_put', kind='drop', after_apply=True)
    play = runner.play([module(runner, 'adu_log_collection', log_collection_id='triage',
                               devices=[{'device_id': 'dev-1'}, {'device_id': 'dev-2', 'module_id': 'agent'}])])
    assert play.rc == 0, play.output
    assert 'reading back confirmed it' in play.result['msg']
    assert len(emulator.requests('log_collection_put')) == 1
