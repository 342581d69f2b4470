// test support: runs the project's commands (the support command `npm run requests`, `npm run receipt`)
// as a child process, as staff or anyone would.
import { spawn } from 'node:child_process';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runRequestsCli(baseUrl: string, args: readonly string[]): Promise<CliResult> {
  return runScript('scripts/requests.ts', [...args, '--local', baseUrl]);
}

/** Runs one of the project's command-line scripts with tsx, as a person would from the shell. */
export function runScript(script: string, args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${ROOT}node_modules/.bin/tsx`, [script, ...args], {
      cwd: ROOT,
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
