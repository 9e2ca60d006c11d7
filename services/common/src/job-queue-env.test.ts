/** The job queue variables of the search and training services, checked at start-up. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../libs/core/src/index.js';
import { loadSearchConfig } from '../../search/src/config.js';
import { loadTrainingConfig } from '../../training/src/config.js';

const refused = (message: RegExp) => (e: unknown) => e instanceof ValidationError && message.test(e.message);

for (const [service, load] of [
  ['search', loadSearchConfig],
  ['training', loadTrainingConfig],
] as const) {
  test(`${service}: the embedded queue is the default; bullmq needs a Redis URL`, () => {
    const embedded = load({});
    assert.equal(embedded.NASUNET_QUEUE, 'sqlite');
    assert.equal(embedded.NASUNET_JOB_ROLE, 'all');
    assert.equal(embedded.NASUNET_JOB_LEASE_S, 30);
    const cluster = load({
      NASUNET_QUEUE: 'bullmq',
      NASUNET_REDIS_URL: 'redis://:secret@redis.nasunet.svc:6379/2',
      NASUNET_JOB_ROLE: 'worker',
      NASUNET_JOB_LEASE_S: '5',
    });
    assert.equal(cluster.NASUNET_REDIS_URL, 'redis://:secret@redis.nasunet.svc:6379/2');
    assert.equal(cluster.NASUNET_JOB_ROLE, 'worker');
    assert.equal(cluster.NASUNET_JOB_LEASE_S, 5);
    assert.throws(
      () => load({ NASUNET_QUEUE: 'bullmq' }),
      refused(/NASUNET_REDIS_URL: is required when NASUNET_QUEUE=bullmq/),
    );
    assert.throws(() => load({ NASUNET_QUEUE: 'kafka' }), refused(/NASUNET_QUEUE/));
    assert.throws(
      () => load({ NASUNET_QUEUE: 'bullmq', NASUNET_REDIS_URL: 'http://redis:6379' }),
      refused(/NASUNET_REDIS_URL: must be redis:\/\/host:port/),
    );
    assert.throws(
      () => load({ NASUNET_JOB_ROLE: 'api' }),
      refused(/NASUNET_JOB_ROLE: 'api' needs NASUNET_QUEUE=bullmq/),
    );
    assert.throws(() => load({ NASUNET_JOB_LEASE_S: '0' }), refused(/NASUNET_JOB_LEASE_S/));
  });
}
