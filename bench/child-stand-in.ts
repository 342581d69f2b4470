// bench: starts the DynamoDB stand-in as a child process and returns its endpoint.
import { spawn } from 'node:child_process';

const ROOT = new URL('../', import.meta.url).pathname;

export async function startDynamoDbProcess(): Promise<{ url: string; stop(): void }> {
  const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['bench/dynamodb-process.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /DYNAMODB_READY (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`DynamoDB stand-in exited with ${code}`)));
  });
  return { url, stop: () => void child.kill('SIGTERM') };
}
