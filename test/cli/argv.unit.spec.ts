/** argv → the options object each command receives, with the commands mocked. */
import { describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { main } from '../../src/cli/main.js';
import { buildCli, COMMAND_NAMES, commandToRun, type Handlers } from '../../src/cli/program.js';

async function parseArgs(argv: string[]) {
  let called: { handler: string; options: unknown } = { handler: '(none)', options: undefined };
  const handlers = new Proxy({} as Handlers, {
    get: (_t, name: string) => async (options: unknown) => {
      called = { handler: name, options };
      return 0;
    },
  });
  let stderr = '';
  const io = { stdout: () => undefined, stderr: (t: string) => void (stderr += t), env: {}, now: () => new Date(0), cwd: '/w' };
  const code = await main(argv, io, handlers);
  return { ...called, code, stderr };
}

const REC = { dir: '.', as: 'memorykernel-release-owner' };

describe('argv → options', () => {
  it.each<[string[], string, unknown]>([
    [['status'], 'status', { dir: '.', json: false }],
    [['-C', 'ex', 'status', '--json', '--at', '2026-02-08T00:00:00Z'], 'status', { dir: 'ex', json: true, at: '2026-02-08T00:00:00Z' }],
    [['gate', 'runtime-cutover'], 'gate', { dir: '.', decision: 'runtime-cutover', json: false, format: 'text' }],
    [['gate', 'runtime-cutover', '--format', 'github'], 'gate', { dir: '.', decision: 'runtime-cutover', json: false, format: 'github' }],
    [['verify', '--threads', '2'], 'verify', { dir: '.', json: false, threads: 2, recheck: false, repos: [] }],
    [['log', '--from', '3', '--json'], 'log', { dir: '.', json: true, from: 3 }],
    [['init', '--producer', 'MemoryKernel', '--consumer', 'AssistSupport', '--contract', 'service.v3'], 'init', { dir: '.', producer: 'MemoryKernel', consumers: ['AssistSupport'], contract: 'service.v3', force: false }],
    [['init', '--consumer', 'A', '--consumer', 'B'], 'init', { dir: '.', producer: 'Producer', consumers: ['A', 'B'], contract: 'service.v2', force: false }],
    [['keys', 'generate', '--role', 'r1'], 'keysGenerate', { dir: '.', role: 'r1' }],
    [['keys', 'generate', '--all'], 'keysGenerate', { dir: '.', all: true }],
    [['program', 'define', '--as', 'log', '--key', 'k.pem', '--at', '2026-01-01T00:00:00Z'], 'programDefine', { dir: '.', as: 'log', key: 'k.pem', at: '2026-01-01T00:00:00Z' }],
    [['program', 'amend', '--as', 'log', '--reason', 'rotate keys'], 'programAmend', { dir: '.', as: 'log', reason: 'rotate keys' }],
    [['verdict', 'runtime-cutover', 'NO-GO', '--as', REC.as, '--note', 'not yet'], 'verdict', { ...REC, decision: 'runtime-cutover', verdict: 'NO-GO', note: 'not yet' }],
    [
      ['target', 'publish', '--tag', 'v3.0.0', '--sha', 'a'.repeat(40), '--contract', 'service=service.v3', '--contract', 'api=api.v1', '--as', REC.as],
      'targetPublish',
      { ...REC, tag: 'v3.0.0', sha: 'a'.repeat(40), contract: ['service=service.v3', 'api=api.v1'], baseline: false },
    ],
    [
      ['evidence', 'add', '--kind', 'artifact', '--party', 'assistsupport', '--file', 'e.json', '--summary', 'the log', '--as', REC.as],
      'evidenceAdd',
      { ...REC, kind: 'artifact', party: 'assistsupport', file: 'e.json', summary: 'the log' },
    ],
    [
      ['evidence', 'add', '--kind', 'rollback-drill', '--party', 'memorykernel', '--verdict', 'READY', '--suite', 'contract', '--cwd', 'repo', '--as', REC.as],
      'evidenceAdd',
      { ...REC, kind: 'rollback-drill', party: 'memorykernel', verdict: 'READY', suite: 'contract', cwd: 'repo' },
    ],
    [['evidence', 'repin', '--party', 'assistsupport', '--repo', '../as', '--commit', 'HEAD', '--as', REC.as], 'evidenceRepin', { ...REC, party: 'assistsupport', repo: '../as', commit: 'HEAD' }],
    [['evidence', 'run', '--party', 'memorykernel', '--suite', 'contract', '--as', REC.as], 'evidenceRun', { ...REC, party: 'memorykernel', suite: 'contract' }],
    [['evidence', 'run', '--party', 'memorykernel', '--cwd', '../mk', '--at-target', '--as', REC.as], 'evidenceRun', { ...REC, party: 'memorykernel', cwd: '../mk', atTarget: true }],
    [['evidence', 'check', '--json'], 'evidenceCheck', { dir: '.', json: true }],
    [
      ['evidence', 'analyze', '--party', 'memorykernel', '--prometheus', 'http://127.0.0.1:9090', '--query', 'error_ratio', '--success', 'result < 0.01', '--count', '30', '--as', REC.as],
      'evidenceAnalyze',
      { ...REC, party: 'memorykernel', prometheus: 'http://127.0.0.1:9090', query: 'error_ratio', success: 'result < 0.01', interval: '1m', count: 30, failureLimit: 0 },
    ],
    [
      ['evidence', 'analyze', '--party', 'p', '--prometheus', 'u', '--query', 'q', '--success', 's', '--interval', '5s', '--count', '3', '--failure-limit', '2', '--summary', 'soak', '--as', REC.as],
      'evidenceAnalyze',
      { ...REC, party: 'p', prometheus: 'u', query: 'q', success: 's', interval: '5s', count: 3, failureLimit: 2, summary: 'soak' },
    ],
    [['bridge', 'alertmanager', '--listen', '127.0.0.1:9095', '--as', 'alert-bridge', '--key', 'k.pem'], 'bridgeAlertmanager', { dir: '.', listen: '127.0.0.1:9095', as: 'alert-bridge', key: 'k.pem' }],
    [['target', 'publish', '--tag', 't', '--sha', 's', '--repo', '../mk', '--as', REC.as], 'targetPublish', { ...REC, tag: 't', sha: 's', contract: [], baseline: false, repo: '../mk' }],
    [['target', 'verify', '--repo', '../mk', '--as', REC.as], 'targetVerify', { ...REC, repo: '../mk' }],
    [['target', 'check', '--repo', '../mk', '--tag', 't', '--sha', 's'], 'targetCheck', { repo: '../mk', tag: 't', sha: 's', json: false }],
    [['handoff', 'generate', '--out', 'h.json'], 'handoffGenerate', { dir: '.', out: 'h.json' }],
    [['attest', 'create', 'runtime-cutover', '--as', REC.as, '--out', 'go.json', '--bundle', 'go.sigstore.json'], 'attestCreate', { ...REC, decision: 'runtime-cutover', out: 'go.json', bundle: 'go.sigstore.json' }],
    [['attest', 'sign', 'go.json', '--as', 'ci', '--key', 'k.pem'], 'attestSign', { dir: '.', as: 'ci', key: 'k.pem', file: 'go.json' }],
    [['--server', 'http://s', '--program', 'p', 'attest', 'verify', 'go.json', '--require-parties'], 'attestVerify', { dir: '.', server: 'http://s', program: 'p', file: 'go.json', requireParties: true, json: false }],
    [['login', '--server', 'http://s'], 'login', { dir: '.', server: 'http://s' }],
    [['login', '--server', 'http://s', '--issuer', 'https://sso', '--client-id', 'cli'], 'login', { dir: '.', server: 'http://s', issuer: 'https://sso', clientId: 'cli' }],
    [['--server', 'http://s', 'notify', 'dead-letters'], 'notifyDeadLetters', { dir: '.', server: 'http://s', json: false }],
    [['notify', 'dead-letters', '--json', '--server', 'http://s'], 'notifyDeadLetters', { dir: '.', server: 'http://s', json: true }],
    [['--server', 'http://s', 'notify', 'redeliver', '17'], 'notifyRedeliver', { dir: '.', server: 'http://s', id: '17' }],
    [
      ['serve', '--oidc-issuer', 'https://a', '--oidc-audience', 'x', '--oidc-issuer', 'https://b', '--oidc-audience', 'y', '--creator', 'iss=https://a,repository=acme/platform', '--oidc-client-id', 'dash', '--public-url', 'https://cutover.acme.example', '--oidc-cli-client-id', 'cli'],
      'serve',
      {
        port: 8080, host: '127.0.0.1', token: [], createToken: [], allowAnonymousCreate: false, bodyLimit: 1048576, memoryBudget: 512, logLevel: 'info',
        oidcIssuer: ['https://a', 'https://b'], oidcAudience: ['x', 'y'], creator: ['iss=https://a,repository=acme/platform'], oidcClientId: 'dash', publicUrl: 'https://cutover.acme.example', oidcCliClientId: 'cli',
      },
    ],
    [['handoff', 'verify', '--file', 'h.json'], 'handoffVerify', { dir: '.', file: 'h.json', json: false }],
    [['blocker', 'raise', '--text', 't', '--owner', 'o', '--due', '2026-03-01', '--phase', '8', '--as', REC.as], 'blockerRaise', { ...REC, text: 't', owner: 'o', due: '2026-03-01', phase: '8' }],
    [['blocker', 'resolve', 'B-1', '--note', 'done', '--as', REC.as], 'blockerResolve', { ...REC, id: 'B-1', note: 'done' }],
    [['review', 'record', '9', '--note', 'error rates flat', '--as', REC.as], 'reviewRecord', { ...REC, phase: '9', note: 'error rates flat' }],
    [['notice', 'give', 'error-code-notice', '--text', 'RATE_LIMITED joins', '--as', REC.as], 'noticeGive', { ...REC, gate: 'error-code-notice', text: 'RATE_LIMITED joins' }],
    [['evidence', 'repin', '--party', 'assistsupport', '--repo', '../as', '--commit', 'HEAD', '--producer-repo', '../mk', '--as', REC.as], 'evidenceRepin', { ...REC, party: 'assistsupport', repo: '../as', commit: 'HEAD', producerRepo: '../mk' }],
    [['phase', 'start', '8', '--as', REC.as], 'phase', { ...REC, step: 'start', phase: '8' }],
    [['phase', 'close', '7', '--reason', 'decision recorded', '--as', REC.as], 'phase', { ...REC, step: 'close', phase: '7', reason: 'decision recorded' }],
    [['incident', 'declare', '--trigger', 'envelope-mismatch', '--severity', 'SEV-1', '--summary', 's', '--as', REC.as], 'incidentDeclare', { ...REC, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 's' }],
    [
      ['incident', 'declare', '--trigger', 't', '--severity', 'SEV-2', '--summary', 's', '--identified-at', '2026-02-10T15:45:00+01:00', '--party', 'assistsupport', '--id', 'INC-7', '--contract-mode', 'service.v3', '--as', REC.as],
      'incidentDeclare',
      { ...REC, trigger: 't', severity: 'SEV-2', summary: 's', identifiedAt: '2026-02-10T15:45:00+01:00', party: 'assistsupport', id: 'INC-7', contractMode: 'service.v3' },
    ],
    [
      ['incident', 'notify', 'INC-7', '--action', 'page AssistSupport', '--action', 'freeze deploys', '--next-update', '30m', '--as', REC.as],
      'incidentNotify',
      { ...REC, id: 'INC-7', actions: ['page AssistSupport', 'freeze deploys'], nextUpdate: '30m' },
    ],
    [['incident', 'recommend-rollback', 'INC-7', '--note', 'envelope missing on 503', '--as', REC.as], 'incidentStep', { ...REC, step: 'recommend-rollback', id: 'INC-7', note: 'envelope missing on 503' }],
    [['incident', 'rollback-executed', 'INC-7', '--as', REC.as], 'incidentStep', { ...REC, step: 'rollback-executed', id: 'INC-7' }],
    [['incident', 'confirm-repin', 'INC-7', '--party', 'assistsupport', '--as', REC.as], 'incidentStep', { ...REC, step: 'confirm-repin', id: 'INC-7', party: 'assistsupport' }],
    [['incident', 'update', 'INC-7', '--note', 'worse', '--severity', 'SEV-1', '--as', REC.as], 'incidentUpdate', { ...REC, id: 'INC-7', note: 'worse', actions: [], severity: 'SEV-1' }],
    [['incident', 'summary', 'INC-7', '--summary', 'what happened', '--residual-risk', 'low', '--as', REC.as], 'incidentSummary', { ...REC, id: 'INC-7', summary: 'what happened', residualRisk: 'low' }],
    [['incident', 'approve', 'INC-7', '--as', REC.as], 'incidentStep', { ...REC, step: 'approve', id: 'INC-7' }],
    [['incident', 'close', 'INC-7', '--note', 'done', '--as', REC.as], 'incidentStep', { ...REC, step: 'close', id: 'INC-7', note: 'done' }],
    [['incident', 'notice', 'INC-7', '--json', '--at', '2026-02-10T16:00:00Z'], 'incidentNotice', { dir: '.', id: 'INC-7', json: true, at: '2026-02-10T16:00:00Z' }],
    [['render', '--record', 'producer-decision-record', '--check', 'r.md'], 'render', { dir: '.', record: 'producer-decision-record', check: 'r.md', all: false, format: 'text' }],
    [['render', '--check', '--party', 'assistsupport', '--format', 'github'], 'render', { dir: '.', party: 'assistsupport', check: true, all: false, format: 'github' }],
    [['render', '--all', '--party', 'memorykernel', '--root', '../MemoryKernel'], 'render', { dir: '.', party: 'memorykernel', all: true, root: '../MemoryKernel', format: 'text' }],
    [['audit', '--repo', 'mk'], 'audit', { repos: ['mk'], rev: [], mirrors: [], json: false, format: 'text', suggest: false }],
    [
      ['audit', '--repo', 'mk', '--repo', 'as=../as.git', '--producer', 'mk', '--rev', 'v3', '--rev', 'as=v2.1', '--since', 'v2', '--mirror', 'a.md=as:b.md', '--json', '--sarif', 'out.sarif', '--suggest', '--out', 'c.yaml'],
      'audit',
      { repos: ['mk', 'as=../as.git'], producer: 'mk', rev: ['v3', 'as=v2.1'], since: 'v2', mirrors: ['a.md=as:b.md'], json: true, format: 'text', sarif: 'out.sarif', suggest: true, out: 'c.yaml' },
    ],
    [['sync', '--from', '../other'], 'sync', { dir: '.', from: '../other' }],
    [['sync', '--from', '../other', '--render', '--party', 'memorykernel'], 'sync', { dir: '.', from: '../other', render: true, party: 'memorykernel' }],
    [['verify', '--against', 'b.json'], 'verify', { dir: '.', json: false, against: 'b.json', recheck: false, repos: [] }],
    [['verify', '--recheck', '--repo', 'memorykernel=../mk'], 'verify', { dir: '.', json: false, recheck: true, repos: ['memorykernel=../mk'] }],
    [['export', '--out', 'b.json'], 'exportBundle', { dir: '.', out: 'b.json' }],
    [['import-bundle', 'b.json'], 'importBundle', { dir: '.', file: 'b.json' }],
  ])('%j → %s', async (argv, handler, options) => {
    const parsed = await parseArgs(argv);
    expect(parsed.stderr).toBe('');
    expect(parsed.handler).toBe(handler);
    expect(parsed.options).toEqual(options);
    expect(parsed.code).toBe(0);
  });

  it('incident --help lists every step of the protocol', async () => {
    let out = '';
    const io = { stdout: (t: string) => void (out += t), stderr: () => undefined, env: {}, now: () => new Date(0), cwd: '/w' };
    expect(await main(['incident', '--help'], io)).toBe(0);
    const steps = [...out.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]);
    expect(steps).toEqual(['declare', 'notify', 'recommend-rollback', 'rollback-executed', 'confirm-repin', 'update', 'summary', 'approve', 'close', 'notice', 'help']);
  });

  it.each([
    [['verdict', 'runtime-cutover', 'GO']], // --as missing
    [['evidence', 'add', '--kind', 'rumour', '--party', 'p', '--file', 'f', '--summary', 's', '--as', 'r']],
    [['evidence', 'add', '--kind', 'rollback-drill', '--party', 'p', '--verdict', 'MAYBE', '--as', 'r']],
    [['target', 'check', '--repo', 'r', '--tag', 't']], // --sha missing
    [['phase', 'close', '7', '--as', 'r']], // --reason missing
    [['log', '--from', '0']],
    [['incident', 'declare', '--severity', 'SEV-1', '--summary', 's', '--as', 'r']], // --trigger missing
    [['incident', 'declare', '--trigger', 't', '--severity', 'SEV-4', '--summary', 's', '--as', 'r']],
    [['incident', 'summary', 'INC-1', '--summary', 's', '--as', 'r']], // --residual-risk missing
    [['incident', 'confirm-repin', 'INC-1', '--note', 'n', '--as', 'r']], // a repin confirmation carries no note
    [['incident', 'close', '--as', 'r']], // the incident id missing
    [['notify', 'redeliver', '--server', 'http://s']], // the dead letter's id missing
    [['notify', 'dead-letters', '17']], // the list takes no id
    [['frobnicate']],
  ])('bad usage %j is exit 2 with a message, and runs nothing', async (argv) => {
    const parsed = await parseArgs(argv);
    expect(parsed.code).toBe(2);
    expect(parsed.handler).toBe('(none)');
    expect(parsed.stderr).toMatch(/error/);
  });
});

/** Parse argv with the CLI built whole, or with `only` its one command: what runs, with what, and what is printed. */
async function parseBuilt(argv: string[], only: string | undefined) {
  let called: { handler: string; options: unknown } = { handler: '(none)', options: undefined };
  const handlers = new Proxy({} as Handlers, {
    get: (_t, name: string) => async (options: unknown) => {
      called = { handler: name, options };
      return 0;
    },
  });
  let out = '';
  let code = -1;
  const cli = buildCli(handlers, { stdout: (t) => void (out += `out:${t}`), stderr: (t) => void (out += `err:${t}`) }, (c) => void (code = c), only);
  try {
    await cli.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = error.exitCode;
  }
  return { ...called, code, out };
}

describe('declaring only the command argv runs', () => {
  it('the whole CLI declares exactly COMMAND_NAMES, in order', () => {
    const cli = buildCli({} as Handlers, { stdout: () => undefined, stderr: () => undefined }, () => undefined);
    expect(cli.commands.map((c) => c.name())).toEqual([...COMMAND_NAMES]);
  });

  it.each<[string[], string | undefined]>([
    [['status'], 'status'],
    [['-C', 'ex', 'status', '--json'], 'status'],
    [['-Cex', 'gate', 'runtime-cutover'], 'gate'],
    [['--dir', 'status', 'log'], 'log'], // a directory named status
    [['--dir=ex', '--server', 'http://s', '--program', 'p', 'render', '--record', 'r'], 'render'],
    [['incident', 'declare', '--as', 'r'], 'incident'],
    [['import-bundle', 'b.json'], 'import-bundle'],
    [['--server', 'http://s', 'notify', 'redeliver', '17'], 'notify'],
    [[], undefined],
    [['--help'], undefined],
    [['-V'], undefined],
    [['help', 'status'], undefined],
    [['completion', 'bash'], undefined], // its script lists every command
    [['frobnicate'], undefined],
    [['--frobnicate', 'status'], undefined],
    [['-C'], undefined],
  ])('%j → %s', (argv, command) => {
    expect(commandToRun(argv)).toBe(command);
  });

  it.each<[string[]]>([
    [['status', '--json', '--at', '2026-02-08T00:00:00Z']],
    [['-C', 'ex', 'gate', 'runtime-cutover', '--format', 'github']],
    [['log', '--from', '3']],
    [['verify', '--threads', '2', '--recheck', '--repo', 'a=b']],
    [['render', '--record', 'r', '--check']],
    [['incident', 'notice', 'INC-1', '--json']],
    [['phase', 'close', '7', '--reason', 'r', '--as', 'x']],
    [['status', '--help']],
    [['incident', '--help']],
    [['status', '--frobnicate']],
    [['gate']],
    [['log', '--from', '0']],
    [['verdict', 'runtime-cutover', 'GO']],
    [['target', 'check', '--repo', 'r', '--tag', 't']],
    [['--server', 'http://s', 'notify', 'dead-letters', '--json']],
    [['notify', 'redeliver']],
  ])('%j parses, prints and exits as with every command declared', async (argv) => {
    const command = commandToRun(argv);
    expect(command).toBeDefined();
    expect(await parseBuilt(argv, command)).toEqual(await parseBuilt(argv, undefined));
  });
});
