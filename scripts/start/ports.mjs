// Checks HOST:PORT and HOST:WEB_PORT before anything starts, and names whoever holds a busy one:
// through /proc on Linux, `lsof` where there is no /proc (macOS), else just "in use".
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

const LISTEN = '0A';

/** resolves to null when HOST:PORT can be bound, else to the bind error's code */
export function tryBind(host, port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error) => resolve(error.code ?? String(error)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

function listeningInodes(port) {
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const localPort = parseInt(fields[1].split(':').pop(), 16);
      if (localPort === port && fields[3] === LISTEN) inodes.add(fields[9]);
    }
  }
  return inodes;
}

function readOr(read, fallback) {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function procHolders(port) {
  const sockets = new Set([...listeningInodes(port)].map((inode) => `socket:[${inode}]`));
  if (sockets.size === 0) return [];
  const holders = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const fds = readOr(() => readdirSync(`/proc/${pid}/fd`), []);
    if (!fds.some((fd) => sockets.has(readOr(() => readlinkSync(`/proc/${pid}/fd/${fd}`), '')))) continue;
    const command = readOr(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8'), '').split('\0').filter(Boolean).join(' ');
    holders.push({ pid: Number(pid), command: command.replace(/\s+/g, ' ').slice(0, 160) });
  }
  return holders;
}

function lsofHolders(port) {
  const out = readOr(() => execFileSync('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }), '');
  const holders = [];
  for (const line of out.split('\n')) {
    if (line.startsWith('p')) holders.push({ pid: Number(line.slice(1)), command: '' });
    else if (line.startsWith('c') && holders.length) holders[holders.length - 1].command = line.slice(1);
  }
  return holders;
}

/** the processes listening on TCP `port`, as far as this user can see */
export function portHolders(port) {
  const viaProc = existsSync('/proc/net/tcp') ? procHolders(port) : [];
  return viaProc.length ? viaProc : lsofHolders(port);
}

/**
 * One message per port of `ports` ({ port, envName, role }) that HOST cannot bind, saying who holds
 * it and how to stop it or choose another port; empty when all are free.
 */
export async function busyPorts(host, ports) {
  const problems = [];
  for (const { port, envName, role } of ports) {
    const code = await tryBind(host, port);
    if (code === null) continue;
    const where = `Port ${port} on ${host} (${envName}, for the ${role})`;
    const otherPort = `or choose another port: ${envName}=<free port> npm start`;
    if (code !== 'EADDRINUSE') {
      problems.push(`${where} cannot be used: ${code}; ${otherPort}`);
      continue;
    }
    const holders = portHolders(port);
    if (holders.length === 0) {
      problems.push(`${where} is in use by a process this user cannot see; stop it, ${otherPort}`);
      continue;
    }
    const named = holders.map(({ pid, command }) => `pid ${pid}${command ? ` (${command})` : ''}`).join(', ');
    problems.push(`${where} is in use by ${named}; stop it with \`kill ${holders.map((h) => h.pid).join(' ')}\`, ${otherPort}`);
  }
  return problems;
}
