// sdk.test.mjs: "rexec mcp" through the official TypeScript SDK client
// (Client + StdioClientTransport), as Claude Code and other agents reach
// it.  tests/cli/mcp_sdk.bats installs the SDK and runs this file with
// node --test; the environment names rexec (REXEC) and private runtime,
// journal and config paths, and this file starts and stops its own host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const REXEC = process.env.REXEC;
const env = { ...process.env };
const workdir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'rexec-sdk-'));
let host = null;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Poll until fn() is true, up to a deadline.
async function until(fn, what, seconds = 15) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function hostPid() {
  try {
    return JSON.parse(execFileSync(REXEC, ['status', '--json'], { env, stdio: ['ignore', 'pipe', 'ignore'] })).pid;
  } catch {
    return 0;
  }
}

async function startHost() {
  host = spawn(REXEC, ['host', '--headless'], { env, stdio: 'ignore' });
  host.exited = new Promise((r) => host.on('exit', r));
  await until(() => hostPid() === host.pid, 'the host');
}

async function stopHost() {
  if (host === null) return;
  host.kill('SIGTERM');
  await host.exited;
  host = null;
}

async function connect(opts = {}) {
  const client = new Client({ name: 'sdk-test', version: '1.0.0' },
    opts.roots ? { capabilities: { roots: { listChanged: true } } } : undefined);
  if (opts.roots) {
    client.setRequestHandler(ListRootsRequestSchema, async () => {
      opts.asked = (opts.asked ?? 0) + 1;
      return { roots: opts.roots() };
    });
  }
  const transport = new StdioClientTransport({
    command: REXEC, args: ['mcp'], env, cwd: workdir, stderr: 'inherit',
  });
  if (opts.version) {
    // The SDK always offers its newest version: offer an older one.
    const send = transport.send.bind(transport);
    transport.send = (msg, o) => {
      if (msg.method === 'initialize') msg.params.protocolVersion = opts.version;
      return send(msg, o);
    };
  }
  await client.connect(transport);
  return client;
}

function journalLines() {
  const dir = process.env.REXEC_JOURNAL_DIR;
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) =>
    readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
}

let client;

before(async () => {
  await startHost();
  client = await connect();
});

after(async () => {
  await client?.close();
  await stopHost();
});

const run = (name, args, opts) => client.callTool({ name, arguments: args }, undefined, opts);

test('server info, instructions and the tool list with schemas', async () => {
  assert.equal(client.getServerVersion().name, 'rexec');
  assert.match(client.getInstructions(), /yield/);
  assert.ok(client.getServerCapabilities().tools);
  const { tools } = await client.listTools();
  const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
  assert.deepEqual(Object.keys(byName).sort(),
    ['cancel', 'check_host', 'exec', 'input', 'read_output', 'screen', 'shell', 'status', 'wait']);
  assert.deepEqual(byName.exec.inputSchema.required, ['argv']);
  assert.equal(byName.exec.inputSchema.properties.argv.type, 'array');
  for (const n of ['exec', 'shell', 'wait', 'cancel']) assert.equal(byName[n].outputSchema.type, 'object');
  assert.equal(byName.exec.annotations.destructiveHint, true);
  assert.equal(byName.status.annotations.readOnlyHint, true);
});

test('exec: a simple command, a failing one, a missing program', async () => {
  let r = await run('exec', { argv: ['echo', 'hello'] });
  assert.equal(r.isError, false);
  assert.equal(r.structuredContent.output.trimEnd(), 'hello');
  assert.equal(r.structuredContent.exit, 0);
  // The text is the run's text as is and one line, no JSON.
  assert.match(r.content[0].text, new RegExp(`^hello\n\\[exit 0 · \\d+ ms · run ${r.structuredContent.seq}\\]$`));
  r = await run('exec', { argv: ['sh', '-c', 'exit 5'] });
  assert.equal(r.isError, true);
  assert.equal(r.structuredContent.exit, 5);
  assert.match(r.content[0].text, /^\[exit 5 · \d+ ms · run \d+\]$/);
  r = await run('exec', { argv: ['no-such-program-anywhere'] });
  assert.equal(r.isError, true);
  assert.equal(r.structuredContent.error, 'not_found');
  assert.equal(r.structuredContent.exit, 127);
});

test('exec: stdin, both envs forms, the default dir; shell', async () => {
  let r = await run('exec', { argv: ['cat'], stdin: 'fed\n' });
  assert.equal(r.structuredContent.output.trimEnd(), 'fed');
  r = await run('exec', { argv: ['sh', '-c', 'echo $X$Y'], envs: { X: 'a', Y: 'b' } });
  assert.equal(r.structuredContent.output.trimEnd(), 'ab');
  r = await run('exec', { argv: ['sh', '-c', 'echo $X$Y'], envs: ['X=c', 'Y=d'] });
  assert.equal(r.structuredContent.output.trimEnd(), 'cd');
  r = await run('exec', { argv: ['pwd'] });
  assert.equal(r.structuredContent.output.trimEnd(), workdir);
  r = await run('shell', { command: 'echo one two | wc -w' });
  assert.equal(r.structuredContent.output.trim(), '2');
});

test('exec: a timeout is exit 124', async () => {
  const r = await run('exec', { argv: ['sleep', '10'], timeout: 0.3 });
  assert.equal(r.isError, true);
  assert.equal(r.structuredContent.exit, 124);
  assert.equal(r.structuredContent.error, 'timeout');
});

test('five calls at once overlap', async () => {
  const t0 = Date.now();
  const rs = await Promise.all([1, 2, 3, 4, 5].map((i) =>
    run('shell', { command: `sleep 1; echo ${i}` })));
  assert.deepEqual(rs.map((r) => r.structuredContent.output.trimEnd()), ['1', '2', '3', '4', '5']);
  assert.ok(Date.now() - t0 < 4000, `took ${Date.now() - t0} ms`);
});

test('progress notifications during a 3 s run', async () => {
  const seen = [];
  const r = await run('shell', { command: 'for i in 1 2 3; do echo tick $i; sleep 1; done' },
    { onprogress: (p) => seen.push(p), resetTimeoutOnProgress: true });
  assert.equal(r.structuredContent.exit, 0);
  assert.ok(seen.length >= 2, `${seen.length} progress notifications`);
  assert.ok(seen.some((p) => /^tick [12]$/.test(p.message ?? '')), JSON.stringify(seen));
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i].progress > seen[i - 1].progress);
});

test('an AbortSignal cancels the call and the run ends as aborted', async () => {
  const ac = new AbortController();
  const p = run('exec', { argv: ['sleep', '31'] }, { signal: ac.signal });
  await until(() => JSON.parse(execFileSync(REXEC, ['status', '--json'], { env })).running.length > 0, 'the run');
  ac.abort('enough');
  await assert.rejects(p);
  await until(() => journalLines().some((l) => l.exec?.[1] === '31' && l.error === 'aborted'), 'the aborted run');
});

test('a long run: yield, wait, input, screen, cancel', async () => {
  let r = await run('shell', { command: 'echo ready; read a; echo got $a; sleep 30', yield: 0.5 });
  assert.equal(r.isError, false);
  assert.equal(r.structuredContent.running, true);
  const seq = r.structuredContent.seq;
  r = await run('input', { seq, text: 'word\n' });
  assert.equal(r.structuredContent.ok, true);
  await until(async () => {
    const w = await run('wait', { seq, timeout: 0.5 });
    return /got word/.test(w.structuredContent.output + (w.structuredContent.tail ?? ''));
  }, 'the echo');
  r = await run('screen', { seq });
  assert.match(r.structuredContent.screen, /got word/);
  r = await run('cancel', { seq });
  assert.equal(r.structuredContent.error, 'aborted');
  assert.equal(r.isError, true);
});

test('tool errors are isError sentences without exit; bad arguments too', async () => {
  let r = await run('wait', { seq: 99999 });
  assert.equal(r.isError, true);
  assert.equal(r.content[0].text, 'wait refused: seq: no such run');
  assert.equal(r.structuredContent.exit, undefined);
  r = await run('exec', { argv: [] });
  assert.equal(r.isError, true);
  assert.equal(r.content[0].text, 'exec refused: argv: empty');
  await assert.rejects(run('nosuch', {}), /unknown tool/);
});

test('a client that offers roots: exec without dir runs in the first root, re-read when the list changes', async () => {
  const one = join(workdir, 'root one');
  const two = join(workdir, 'root-two');
  mkdirSync(one);
  mkdirSync(two);
  let roots = [{ uri: 'https://example.com/not-a-dir' }, { uri: pathToFileURL(one).href, name: 'one' }];
  const opts = { roots: () => roots };
  const rc = await connect(opts);
  try {
    let r = await rc.callTool({ name: 'exec', arguments: { argv: ['pwd'] } });
    assert.equal(r.structuredContent.output.trimEnd(), one);
    r = await rc.callTool({ name: 'shell', arguments: { command: 'pwd' } });
    assert.equal(r.structuredContent.output.trimEnd(), one);
    r = await rc.callTool({ name: 'exec', arguments: { argv: ['pwd'], dir: '/' } });
    assert.equal(r.structuredContent.output.trimEnd(), '/');
    const asked = opts.asked;
    roots = [{ uri: pathToFileURL(two).href }];
    await rc.sendRootsListChanged();
    await until(() => opts.asked > asked, 'roots/list again');
    r = await rc.callTool({ name: 'exec', arguments: { argv: ['pwd'] } });
    assert.equal(r.structuredContent.output.trimEnd(), two);
  } finally {
    await rc.close();
  }
  // The client of the other tests offers none: the server's cwd.
  const r = await run('exec', { argv: ['pwd'] });
  assert.equal(r.structuredContent.output.trimEnd(), workdir);
});

test('check_host', async () => {
  const r = await run('check_host', {});
  assert.equal(r.content[0].text, 'HOST RUNNING');
  assert.equal(r.isError, false);
});

test('an old protocol version is negotiated', async () => {
  const old = await connect({ version: '2024-11-05' });
  try {
    const { tools } = await old.listTools();
    assert.ok(tools.every((t) => t.outputSchema === undefined && t.annotations === undefined));
    const r = await old.callTool({ name: 'exec', arguments: { argv: ['echo', 'old'] } });
    assert.match(r.content[0].text, /^old\n\[exit 0 · /);
    assert.equal(r.structuredContent, undefined);
  } finally {
    await old.close();
  }
});

test('the host stopped under a live server, then started again', async () => {
  await stopHost();
  let r = await run('exec', { argv: ['true'] });
  assert.equal(r.isError, true);
  assert.equal(r.content[0].text, 'HOST NOT FOUND');
  r = await run('check_host', {});
  assert.equal(r.content[0].text, 'HOST NOT FOUND');
  await startHost();
  r = await run('exec', { argv: ['echo', 'again'] });
  assert.equal(r.structuredContent.output.trimEnd(), 'again');
});
