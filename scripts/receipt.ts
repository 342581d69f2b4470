// Receipt command: `npm run receipt -- verify <file, receipt or confirmation code> [options]`. Checks a
// deletion receipt against the published public keys, with no access to our database, and prints
// what it states in words. Exit code 0: valid; 1: not valid; 2: could not check (usage, network).
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isWellFormedConfirmationCode } from '../functions/core/confirmation-code.js';
import { confirmationCodeHash } from '../functions/core/deletion-receipt.js';
import { verifyReceipt } from '../functions/core/receipt-verification.js';
import { describeReceipt } from '../functions/core/receipt-words.js';
import { JWKS_PATH } from '../functions/declarations/receipt-keys.js';

const USAGE = `Usage: npm run receipt -- verify <receipt file | receipt | confirmation code> [options]

  --jwks <URL or file>   the published keys to check against
                         (default: ${JWKS_PATH} at the issuer the receipt names; check that it is the
                         company's address)
  --service <URL>        where to fetch the receipt of a confirmation code, e.g. http://127.0.0.1:3000
                         or https://privacy.example.com
  --code <code>          also check that the receipt belongs to this confirmation code
  --json                 print the verified content as JSON instead of words
`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, {
    headers: { Accept: 'application/json' },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new UsageError(`${url} answered ${response.status}`);
  return response.json();
}

async function receiptOf(
  input: string,
  service: string | undefined,
): Promise<{ receipt: string; code?: string }> {
  if (existsSync(input)) return { receipt: readFileSync(input, 'utf8').trim() };
  if (COMPACT_JWS.test(input.trim())) return { receipt: input.trim() };
  if (isWellFormedConfirmationCode(input)) {
    if (!service) throw new UsageError('A confirmation code needs --service <URL> to fetch its receipt from');
    const view = (await fetchJson(
      `${service.replace(/\/+$/, '')}/deletion-status?code=${encodeURIComponent(input)}`,
    )) as { status?: string; type?: string; receipt?: unknown };
    if (typeof view.receipt !== 'string' && view.type !== undefined && view.type !== 'deletion') {
      // A copy, a correction or a withdrawal is shown on its status page; only a deletion is signed.
      throw new UsageError(
        `This is a request of type ${view.type}, not a deletion: only a deletion gets a signed receipt`,
      );
    }
    if (typeof view.receipt !== 'string') {
      throw new UsageError(
        `This request has no receipt (its status is ${String(view.status)}); only a completed request has one`,
      );
    }
    return { receipt: view.receipt, code: input };
  }
  throw new UsageError(`${input} is neither a file, a receipt nor a confirmation code`);
}

/** The issuer named inside the receipt, unverified: only used to find its keys, and printed. */
function claimedIssuer(receipt: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(receipt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      iss?: unknown;
    };
    return typeof claims.iss === 'string' && /^https?:\/\//.test(claims.iss) ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

async function keysFrom(source: string): Promise<{ keys: unknown[]; from: string }> {
  const document = /^https?:\/\//.test(source)
    ? await fetchJson(source)
    : (JSON.parse(readFileSync(source, 'utf8')) as unknown);
  const keys = (document as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) throw new UsageError(`${source} is not a JWKS (no "keys" list)`);
  return { keys, from: source };
}

export async function main(argv: readonly string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      jwks: { type: 'string' },
      service: { type: 'string' },
      code: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  const [verb, input] = positionals;
  if (values.help || verb !== 'verify' || !input || positionals.length > 2) throw new UsageError(USAGE);

  const { receipt, code: fetchedFor } = await receiptOf(input, values.service);
  const issuer = claimedIssuer(receipt);
  const source = values.jwks ?? (issuer ? `${issuer.replace(/\/+$/, '')}${JWKS_PATH}` : undefined);
  if (!source) throw new UsageError('The receipt names no issuer: give the keys with --jwks <URL or file>');
  const { keys, from } = await keysFrom(source);

  const checked = verifyReceipt(receipt, keys);
  if (!checked.ok) {
    print(`NOT VALID: ${checked.reason}.`);
    print(`Checked against the keys at ${from}.`);
    return 1;
  }
  const code = values.code ?? fetchedFor;
  if (code !== undefined && confirmationCodeHash(code) !== checked.claims.confirmation_code_sha256) {
    print('NOT VALID for this code: the receipt is genuine but belongs to another confirmation code.');
    return 1;
  }
  if (values.json) {
    print(
      JSON.stringify({ valid: true, keys: from, header: checked.header, claims: checked.claims }, null, 2),
    );
    return 0;
  }
  print(`VALID: signed with key ${checked.header.kid}, published at ${from}.`);
  if (!values.jwks)
    print(
      `(Keys fetched from the issuer the receipt names: trust it only if ${issuer} is the company's address.)`,
    );
  if (code !== undefined) print(`It belongs to confirmation code ${code}.`);
  print('');
  for (const line of describeReceipt(checked.claims)) print(line);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2), (line) => console.log(line))
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      console.error(
        error instanceof UsageError
          ? error.message
          : `Could not check the receipt: ${(error as Error).message}`,
      );
      process.exit(2);
    });
}
