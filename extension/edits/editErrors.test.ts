import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseError } from 'vscode-jsonrpc';
import { ErrorCodes } from '../../server/protocol';
import { describeEditFailure } from './editErrors';

test('cancellation is silent', () => {
  assert.equal(describeEditFailure(new ResponseError(-32800, 'cancelled'), 'a.ts').message, undefined);
});

test('each sidecar error names the file or the fault', () => {
  assert.match(describeEditFailure(new ResponseError(ErrorCodes.DocumentChanged, 'x'), 'a.ts').message ?? '', /a\.ts changed/);
  const notReady = describeEditFailure(new ResponseError(ErrorCodes.NotReady, 'no model'), 'a.ts');
  assert.equal(notReady.offerSelectModel, true);
  assert.match(notReady.message ?? '', /no model/);
  assert.match(describeEditFailure(new ResponseError(ErrorCodes.EditFailed, 'no SEARCH block'), 'a.ts').message ?? '', /a\.ts: no SEARCH block/);
  assert.match(describeEditFailure(new Error('socket closed'), 'b.go').message ?? '', /b\.go failed: socket closed/);
});
