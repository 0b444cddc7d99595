// A busy port is reported before anything starts, with whoever holds it and how to get around it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { busyPorts } from '../../scripts/start/ports.mjs';
import { freePort } from '../e2e/stack.js';

describe('busyPorts', () => {
  let server: Server;
  let held: number;
  before(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    held = (server.address() as { port: number }).port;
  });
  after(() => server.close());

  test('names the process listening on a busy port and how to choose another', async () => {
    const [problem, ...rest] = await busyPorts('127.0.0.1', [{ port: held, envName: 'WEB_PORT', role: 'web app' }]);
    assert.equal(rest.length, 0);
    assert.match(problem, new RegExp(`Port ${held} on 127\\.0\\.0\\.1 \\(WEB_PORT, for the web app\\) is in use`));
    assert.match(problem, /WEB_PORT=<free port> npm start/);
    if (existsSync('/proc/net/tcp')) assert.match(problem, new RegExp(`by pid ${process.pid} \\(.*node.*\\); stop it with \`kill ${process.pid}\``));
  });

  test('says nothing about free ports', async () => {
    assert.deepEqual(await busyPorts('127.0.0.1', [{ port: await freePort(), envName: 'PORT', role: 'API' }]), []);
  });
});
