import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphQLError } from 'graphql';
import { BadUserInputException } from './app.exception.js';
import { DATABASE_BUSY_MESSAGE, errorCodeOf, formatGraphQLError, isDatabaseBusy } from './error-code.util.js';

/** The shape Prisma's driver adapter throws (checked against @prisma/adapter-pg with a statement timeout). */
function prismaError(code: string, sqlState?: string): Error {
  const err = Object.assign(new Error('\nInvalid `prisma.job.findUnique()` invocation in\n/srv/muse/apps/api/src/repositories/job.repository.ts:12:35\n…'), {
    name: 'PrismaClientKnownRequestError',
    code,
    meta: sqlState ? { modelName: 'Job', driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: sqlState, kind: 'postgres', code: sqlState } } } : {},
  });
  return err;
}

test('a statement timeout, a lock or pool wait, a transaction not started in time: the database is busy', () => {
  for (const err of [prismaError('P2039', '57014'), prismaError('P2010', '57014'), prismaError('P2039', '55P03'), prismaError('P2028'), prismaError('P2024'), Object.assign(new Error('canceling statement due to statement timeout'), { name: 'error', code: '57014' })]) {
    assert.equal(isDatabaseBusy(err), true, `${(err as { code?: string }).code}`);
    assert.equal(errorCodeOf(err), 'SERVICE_UNAVAILABLE');
  }
});

test('other database errors are not "busy": a unique violation, a missing row, a foreign key', () => {
  for (const err of [prismaError('P2002', '23505'), prismaError('P2025'), prismaError('P2003', '23503'), Object.assign(new Error('x'), { name: 'error', code: '23505' }), new Error('57014')]) {
    assert.equal(isDatabaseBusy(err), false);
    assert.equal(errorCodeOf(err), undefined);
  }
  assert.equal(isDatabaseBusy(new BadUserInputException('no')), false);
});

test("the client gets SERVICE_UNAVAILABLE with a plain message, never Prisma's (server paths, source lines); the operator a warning", () => {
  const busy = prismaError('P2039', '57014');
  const logged: unknown[] = [];
  const unexpected: unknown[] = [];
  const formatted = formatGraphQLError(
    { message: busy.message, path: ['job'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } },
    new GraphQLError(busy.message, { originalError: busy }),
    { logDatabaseBusy: (e) => logged.push(e), logUnexpected: (e) => unexpected.push(e) },
  );
  assert.deepEqual(formatted, { message: DATABASE_BUSY_MESSAGE, path: ['job'], extensions: { code: 'SERVICE_UNAVAILABLE' } });
  assert.deepEqual(logged, [busy]);
  assert.deepEqual(unexpected, []);
});
