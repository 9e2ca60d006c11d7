import { test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import * as core from '../../core/src/index.js';
import { INTERNAL_ERROR_MESSAGE, toGrpcStatus } from './errors.js';

test('every domain error maps to its status code with its message', () => {
  const cases: Array<[core.NasUnetError, status]> = [
    [new core.ValidationError('v'), status.INVALID_ARGUMENT],
    [new core.ShapeError('v'), status.INVALID_ARGUMENT],
    [new core.InvalidGenotypeError('v'), status.INVALID_ARGUMENT],
    [new core.UnknownOpError('v'), status.INVALID_ARGUMENT],
    [new core.DataFormatError('v'), status.INVALID_ARGUMENT],
    [new core.NotFoundError('v'), status.NOT_FOUND],
    [new core.AlreadyExistsError('v'), status.ALREADY_EXISTS],
    [new core.PreconditionError('v'), status.FAILED_PRECONDITION],
    [new core.ResourceLimitError('v'), status.RESOURCE_EXHAUSTED],
    [new core.IntegrityError('v'), status.DATA_LOSS],
    [new core.BackendError('v'), status.UNAVAILABLE],
    [new core.CancelledError('v'), status.CANCELLED],
  ];
  for (const [err, code] of cases) assert.deepEqual(toGrpcStatus(err), { code, message: 'v' }, err.name);
});

test('RpcException passes through; anything else is INTERNAL with a generic message', () => {
  assert.deepEqual(toGrpcStatus(new RpcException({ code: status.ABORTED, message: 'm' })), {
    code: status.ABORTED,
    message: 'm',
  });
  Logger.overrideLogger(false);
  assert.deepEqual(toGrpcStatus(new TypeError('secret path /data/x')), {
    code: status.INTERNAL,
    message: INTERNAL_ERROR_MESSAGE,
  });
});
