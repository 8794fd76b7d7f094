# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Blob Storage for staging: uploads of checked build files, and read-only SAS URLs for the service to fetch them.

azure-storage-blob is imported here only, when staging. Uploads are block blobs sent from one read of each file,
committed once every file sent is what the manifest states; a blob that holds the same content already (its sha256
metadata) is not sent again. Each blob gets its own
read-only SAS (a user delegation SAS with credential: auto, a blob service SAS with a key; never an account SAS).
SAS URLs, keys and connection strings are secrets, registered with the task's redactor as soon as they exist."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import os
import re
import socket
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import (
    AduError,
    MissingLibraryError,
    OptionError,
)
from ansible_collections.adu.device_update.plugins.module_utils._core.options import origin_of
from ansible_collections.adu.device_update.plugins.module_utils._transport.failures import refused
from ansible_collections.adu.device_update.plugins.module_utils._updates.manifest import ImportDeclaration
from ansible_collections.adu.device_update.plugins.module_utils._updates.staging import (
    CHUNK,
    HashedRead,
    check_content,
    staging_plan,
)
from ansible_collections.adu.device_update.plugins.module_utils._updates.wire import without_query

# Blocks sent at once per file: see docs/docsite/rst/performance.rst for the measurement behind it.
UPLOAD_CONCURRENCY = 4
# A refused connection is a wrong endpoint or a storage that is down far more often than a blip: one connection is
# tried first, so that the task says so at once (the storage client's retries spend over a minute on it).
PROBE_TIMEOUT = 10.0


def send_blocks(blob, path, concurrency=UPLOAD_CONCURRENCY):
    """Send a build file's blocks from one read: each block is hashed as it is read and sent by one of `concurrency`
    threads (at most concurrency + 1 blocks in memory). Nothing is committed; returns (block ids, size, base64
    SHA-256) of what was sent."""
    read, blocks, pending = HashedRead(path), [], []
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for chunk in read.chunks():
            blocks.append('%08d' % len(blocks))
            pending.append(pool.submit(blob.stage_block, blocks[-1], chunk, length=len(chunk)))
            if len(pending) >= concurrency:
                pending.pop(0).result()
        for future in pending:
            future.result()
    return blocks, read.size, read.sha256


def blob_library():
    """azure-storage-blob's client, SAS permissions and SAS maker; MissingLibraryError naming it when absent."""
    # Imported here, to spare every other task the start-up cost: azure-storage-blob, for staging only.
    try:
        from azure.storage.blob import BlobSasPermissions, BlobServiceClient, generate_blob_sas  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise MissingLibraryError('azure-storage-blob', traceback.format_exc())
    return BlobServiceClient, BlobSasPermissions, generate_blob_sas


STORAGE_SCOPE = 'https://storage.azure.com/.default'


# Seconds an Azure AD token is taken to stay valid by the storage client (it asks again after; the cache answers).
TOKEN_HOLD = 600


class StorageToken:
    """The task's Azure AD credential as azure-core's TokenCredential, for Blob Storage (credential: auto)."""

    def __init__(self, credential, http):
        self.credential = credential
        self.http = http

    def get_token(self, *scopes, **kwargs):  # pylint: disable=unused-argument
        from azure.core.credentials import AccessToken  # pylint: disable=import-outside-toplevel
        return AccessToken(self.credential.get_token(self.http), int(time.time()) + TOKEN_HOLD)


def storage_token(connection):
    """The StorageToken of a connection's credential, or an OptionError when it cannot speak for storage."""
    scoped = connection.credential.with_scope(STORAGE_SCOPE)
    if scoped is None:
        raise OptionError('storage.credential', 'auto needs an Azure AD credential (auth_method client_secret, '
                          'certificate, workload_identity, managed_identity or cli): an access_token is for the '
                          'Device Update service only; give connection_string or account_key instead')
    return StorageToken(scoped, connection.http)


def stager_for(params, connection, redactor, warn, check_files=True):
    """The Stager of a task's source and storage options, everything checked before any request: the options and
    files (staging_plan), azure-storage-blob being there (check mode too), the credential with credential: auto."""
    plan = staging_plan(params, redactor, warn, check_files=check_files)
    blob_library()
    token = storage_token(connection) if plan.storage.get('credential') == 'auto' else None
    return Stager(plan, redactor, token=token, timeout=params['timeout'])


class Stager:
    """Uploads a StagingPlan and mints its SAS URLs. token: a StorageToken for credential: auto; clock: returns
    an aware UTC datetime."""

    def __init__(self, plan, redactor, token=None, timeout=30.0, clock=None):
        self.plan = plan
        self.redactor = redactor
        self.token = token
        self.timeout = timeout
        self.clock = clock or (lambda: datetime.datetime.now(datetime.timezone.utc))
        self.uploaded = {}
        self._delegation_key = None

    def _service(self):
        service_client, _permissions, _sas = blob_library()
        storage = self.plan.storage
        options = dict(max_single_put_size=CHUNK, max_block_size=CHUNK, connection_timeout=self.timeout,
                       read_timeout=max(self.timeout, 60))
        if storage.get('ca_path'):
            options['connection_verify'] = storage['ca_path']
        if storage.get('credential') == 'auto':
            return service_client(storage['account_url'], credential=self.token, **options)
        if storage.get('connection_string'):
            return service_client.from_connection_string(storage['connection_string'], **options)
        if storage.get('account_key'):
            name = _account_name(storage['account_url'])
            return service_client(storage['account_url'], credential={'account_name': name,
                                                                      'account_key': storage['account_key']}, **options)
        raise OptionError('storage', 'needs connection_string, account_key or credential: auto')

    def probe(self):
        """One TCP connection to the storage endpoint, before the storage client's retries: a refused or unanswered
        connection fails at once, naming the host and port."""
        origin = origin_of(self._where()) if '://' in self._where() else None
        if origin is None:
            return
        try:
            socket.create_connection(origin[1:], timeout=min(self.timeout, PROBE_TIMEOUT)).close()
        except OSError as exc:
            raise self._failure('staging', exc, origin)

    def stage(self):
        """Upload what is missing; returns (manifest {url, size, sha256}, files [{filename, url}])."""
        self.probe()
        try:
            service = self._service()
            container = service.get_container_client(self.plan.storage['container'])
            self._ensure_container(container)
            urls, sent, manifest_blob = {}, [], None
            for name, path, size, sha in self.plan.blobs():
                blob = container.get_blob_client(name)
                self.uploaded[name] = not self._holds(blob, size, sha)
                if self.uploaded[name] and path == self.plan.manifest_path:
                    manifest_blob = blob
                elif self.uploaded[name]:
                    blocks, sent_size, sent_sha = send_blocks(blob, path)
                    check_content(os.path.basename(path), sent_size, sent_sha, {'size': size, 'sha256': sha},
                                  'nothing was committed to storage')
                    sent.append((blob, blocks, sha))
                urls[name] = self._sas_url(service, blob, name)
            # Committed only now that every file sent is what the manifest states: a wrong file leaves no blob.
            for blob, blocks, sha in sent:
                blob.commit_block_list(blocks, metadata={'sha256': sha})
            if manifest_blob is not None:
                manifest_blob.upload_blob(self.plan.manifest_data, overwrite=True,
                                          metadata={'sha256': self.plan.manifest_sha256})
        except AduError:
            raise
        except Exception as exc:  # pylint: disable=broad-except  # azure-core's errors and the OS's
            raise self._failure('staging', exc)
        blobs = self.plan.blobs()
        manifest = {'url': urls[blobs[-1][0]], 'size': self.plan.manifest_size, 'sha256': self.plan.manifest_sha256}
        files = [{'filename': f['filename'], 'url': urls[name]} for f, (name, _p, _s, _h) in zip(self.plan.files, blobs)]
        return manifest, files

    def remove(self, check_mode):
        """Delete the blobs staged for this update (those whose sha256 metadata is the manifest's for them): the
        names removed, or that would be in check mode. Blobs not staged by this collection for it stay."""
        removed = []
        self.probe()
        try:
            from azure.core.exceptions import ResourceNotFoundError  # pylint: disable=import-outside-toplevel
            container = self._service().get_container_client(self.plan.storage['container'])
            for name, _path, _size, sha in self.plan.blobs():
                blob = container.get_blob_client(name)
                try:
                    properties = blob.get_blob_properties()
                except ResourceNotFoundError:
                    continue
                if (properties.metadata or {}).get('sha256') != sha:
                    continue
                if not check_mode:
                    blob.delete_blob()
                removed.append(name)
        except AduError:
            raise
        except Exception as exc:  # pylint: disable=broad-except  # azure-core's errors and the OS's
            raise self._failure('removing the staged blobs', exc)
        return removed

    def _failure(self, what, exc, origin=None):
        """An AduError for a storage failure, secrets masked; a connection refused or unanswered named by host and
        port."""
        if refused(exc) or isinstance(exc, (ConnectionRefusedError, socket.timeout)):
            origin = origin or origin_of(self._where())
            where = '%s port %d' % origin[1:] if origin else self._where()
            how = 'was refused' if refused(exc) or isinstance(exc, ConnectionRefusedError) else (
                'got no answer within %s s' % min(self.timeout, PROBE_TIMEOUT))
            return AduError('%s in container %s of %s failed: the connection to %s %s; check storage.account_url (or '
                            'the BlobEndpoint of storage.connection_string) and that the storage is up' % (
                                what, self.plan.storage['container'], self._where(), where, how))
        return AduError('%s in container %s of %s failed: %s: %s' % (
            what, self.plan.storage['container'], self._where(), type(exc).__name__, self.redactor.scrub(str(exc))[:600]))

    def _where(self):
        storage = self.plan.storage
        if storage.get('account_url'):
            return without_query(storage['account_url'])
        endpoint = re.search(r'BlobEndpoint=([^;]+)', storage.get('connection_string') or '')
        return without_query(endpoint.group(1)) if endpoint else 'the storage account of connection_string'

    @staticmethod
    def _ensure_container(container):
        from azure.core.exceptions import ResourceExistsError  # pylint: disable=import-outside-toplevel
        try:
            container.create_container()
        except ResourceExistsError:
            pass

    @staticmethod
    def _holds(blob, size, sha):
        """Whether the blob holds this content already (its size and the sha256 it was uploaded with)."""
        from azure.core.exceptions import ResourceNotFoundError  # pylint: disable=import-outside-toplevel
        try:
            properties = blob.get_blob_properties()
        except ResourceNotFoundError:
            return False
        return properties.size == size and (properties.metadata or {}).get('sha256') == sha

    def _sas_url(self, service, blob, name):
        """A read-only SAS for one blob: a user delegation SAS with credential auto, a service SAS otherwise."""
        _client, permissions, generate = blob_library()
        now = self.clock()
        start, expiry = now - datetime.timedelta(minutes=5), now + datetime.timedelta(hours=self.plan.sas_expiry)
        if self.token is not None:
            if self._delegation_key is None:
                self._delegation_key = service.get_user_delegation_key(start, expiry)
            keys = dict(account_name=_account_name(self.plan.storage['account_url']),
                        user_delegation_key=self._delegation_key)
        else:
            keys = dict(account_name=service.credential.account_name, account_key=service.credential.account_key)
        sas = generate(container_name=self.plan.storage['container'], blob_name=name,
                       permission=permissions(read=True), start=start, expiry=expiry, **keys)
        self.redactor.add_sas(sas)
        return '%s?%s' % (blob.url, sas)


def _account_name(account_url):
    """The account of https://<account>.blob.core.windows.net, or of an emulator's http://host:port/<account>."""
    parts = urlsplit(account_url)
    path = parts.path.strip('/')
    if path:
        return path.split('/')[0]
    return (parts.hostname or '').split('.')[0]


class StagedSource:
    """An import from a build directory staged to Blob Storage: the upload happens when the importer asks for the
    declaration, that is only when an import is to be sent (a rerun that finds the update uploads nothing)."""

    def __init__(self, plan, stager, friendly_name):
        self.update_id = plan.update_id
        self.plan = plan
        self.stager = stager
        self.friendly_name = friendly_name

    @staticmethod
    def where():
        return 'the staged manifest'

    def declaration(self):
        manifest, files = self.stager.stage()
        return ImportDeclaration(self.plan.update_id, manifest, files, self.friendly_name)

    def staged(self, check_mode, changed):
        """The blobs as the result lists them: uploaded or not where staging ran, planned in check mode."""
        if self.stager.uploaded:
            return self.plan.staged(self.stager.uploaded)
        return self.plan.staged() if check_mode and changed else []
