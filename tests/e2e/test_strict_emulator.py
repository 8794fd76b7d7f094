# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection against the emulator as strict as Azure (issue 29): the service's refusals reach the user as one
clear failure, and what the service may send (absolute nextLinks, the 2026-06-01 $skiptoken, errors nested two
levels, operation reads without Retry-After, the $default group, listings of active deployments only) is handled."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from test_updates import build, update_task

GATEWAY = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'}


def deployment(runner, group, deployment_id, update, state='present', **options):
    return {'adu.device_update.adu_deployment': dict(runner.connection(), state=state, group_id=group,
                                                     deployment_id=deployment_id, update=update, **options),
            'ignore_errors': True}


def outcomes(play):
    return [r['outcome'] for r in play.records]


def test_a_deployment_of_an_update_never_imported_fails_naming_it_and_its_nested_cause(runner, emulator):
    emulator.nested_errors = True
    play = runner.play([deployment(runner, 'fleet-eu', 'fw-never', dict(GATEWAY, version='9.9.9'))])
    assert outcomes(play) == ['failed']
    msg = play.result['msg']
    assert 'HTTP 400' in msg and 'code: UpdateNotFound' in msg and 'innermost_code: UpdateNotFoundCause' in msg
    assert 'Contoso/Gateway/9.9.9 is not imported' in msg
    assert play.result['error']['innermost_code'] == 'UpdateNotFoundCause'


def test_a_deployment_to_a_group_that_does_not_exist_fails_naming_the_group(runner, emulator):
    play = runner.play([deployment(runner, 'no-such-group', 'fw-nowhere', GATEWAY)])
    assert outcomes(play) == ['failed'] and 'HTTP 404' in play.result['msg']
    # the 404 of the PUT that creates names the group, not the deployment being made
    assert play.result['msg'].startswith('group no-such-group not found in instance blue (creating deployment'), \
        play.result['msg']


def test_an_update_in_use_is_not_deleted_and_a_group_with_active_deployments_stays(runner, emulator):
    created = runner.play([deployment(runner, 'fleet-eu', 'fw-in-use', GATEWAY)])
    assert outcomes(created) == ['ok'] and created.result['changed'], created.output
    play = runner.play([dict(update_task(runner, state='absent', update=GATEWAY), ignore_errors=True),
                        {'adu.device_update.adu_group': dict(runner.connection(), group_id='fleet-eu'),
                         'ignore_errors': True}])
    assert outcomes(play) == ['failed', 'failed']
    deleted, group = play.results
    assert 'HTTP 409' in deleted['msg'] and 'fleet-eu/fw-in-use' in deleted['msg']
    assert emulator.requests('update_delete_operation') == []  # no operation was started, none followed
    assert 'HTTP 400' in group['msg'] and 'active deployments (fw-in-use)' in group['msg']
    # canceled, the deployment no longer holds the group
    cancel = runner.play([deployment(runner, 'fleet-eu', 'fw-in-use', GATEWAY, state='canceled')])
    assert outcomes(cancel) == ['ok'] and cancel.result['changed']
    again = runner.play([{'adu.device_update.adu_group': dict(runner.connection(), group_id='fleet-eu')}])
    assert outcomes(again) == ['ok'] and again.result['changed']
    assert [r['status'] for r in emulator.requests('group_delete')] == [400, 204]


def test_absolute_links_and_the_2026_spelling_are_followed(runner, emulator):
    emulator.page_size = 1
    emulator.absolute_links = True
    emulator.skiptoken_2026 = True
    play = runner.play([
        {'adu.device_update.adu_update_info': dict(runner.connection(), api_version='2026-06-01')},
        {'adu.device_update.adu_deployment_info': dict(runner.connection(), group_id='dpokluda-test',
                                                       api_version='2026-06-01')},
        {'adu.device_update.adu_device_info': dict(runner.connection(), api_version='2026-06-01',
                                                   filter="groupId eq 'ring-pilot'")}])
    assert outcomes(play) == ['ok', 'ok', 'ok'], play.output
    updates, deployments, devices = play.results
    assert len(updates['updates']) == 4 and len(deployments['deployments']) == 2 and len(devices['devices']) == 10
    followed = [e['query'] for e in emulator.journal if '%24skiptoken=' in e['query'] or '$skiptoken=' in e['query']]
    assert followed  # the lowercase spelling was sent back as the service gave it


def test_an_import_is_followed_without_retry_after(runner, emulator, tmp_path):
    emulator.store.catalog.retry_after = None
    emulator.store.catalog.import_seconds = 0.5
    update = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.12.9'}
    path, url, files = build(emulator, tmp_path, update=update)
    play = runner.play([update_task(runner, manifest_path=path, manifest_url=url, files=files)])
    assert outcomes(play) == ['ok'] and play.result['operation']['status'] == 'Succeeded'
    assert emulator.requests('update_operation')  # followed by its own default pace, with no Retry-After to keep


def test_the_default_group_listed_first_and_active_deployments_only(runner, emulator):
    emulator.store.device_groups['$default'] = {'device_classes': {'c61300e6b3da62926c23d92519ea3f2e73116e71': {
        'totalDevices': 2}}}
    emulator.active_deployments_only = True
    play = runner.play([
        {'adu.device_update.adu_group_info': dict(runner.connection(), include=['subgroups'])},
        {'adu.device_update.adu_group_info': dict(runner.connection(), group_id='$default')},
        {'adu.device_update.adu_deployment_info': dict(runner.connection(), group_id='dpokluda-test')}])
    assert outcomes(play) == ['ok', 'ok', 'ok'], play.output
    groups, default, deployments = play.results
    assert groups['groups'][0]['group_id'] == '$default' and default['groups'][0]['device_count'] == 2
    listed = [d['deployment_id'] for d in deployments['deployments']]
    assert listed and set(listed) <= set(emulator.store.active_ga_deployments('blue', 'dpokluda-test'))
