// local: a KMS stand-in for receipt signing. Speaks the KMS JSON protocol (X-Amz-Target
// TrentService.*) for CreateKey, Sign and GetPublicKey with ECC_NIST_P256 SIGN_VERIFY keys, so the
// real KMS adapter runs unchanged against it. Keys live in memory; no npm package emulates KMS.
// Records calls (operation and key id, never the message) and can fail the next calls.
import {
  createECDH,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { joseToDerSignature } from '../functions/core/ecdsa-signature.js';

export interface KmsCall {
  readonly operation: string;
  readonly keyId?: string;
  readonly at: string;
}

export interface FakeKms {
  readonly url: string;
  calls(): readonly KmsCall[];
  /** Answers the next `count` calls of `operation` with a KMS error of this type (e.g. KMSInternalException). */
  failNext(operation: string, errorType: string, count?: number): void;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

// --- ECDSA over P-256 on a precomputed digest (Node's crypto always hashes the message itself) ---

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const mod = (value: bigint, m: bigint) => ((value % m) + m) % m;

function inverse(value: bigint, m: bigint): bigint {
  let [a, b, x0, x1] = [mod(value, m), m, 1n, 0n];
  while (b !== 0n) {
    const q = a / b;
    [a, b] = [b, a - q * b];
    [x0, x1] = [x1, x0 - q * x1];
  }
  return mod(x0, m);
}

const toBigInt = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const toBytes = (value: bigint) => Buffer.from(value.toString(16).padStart(64, '0'), 'hex');

/** x of k·G, by Node's native P-256 arithmetic: the public key of private key k is k·G. */
function baseMultipleX(k: bigint): bigint {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(toBytes(k));
  return toBigInt(ecdh.getPublicKey().subarray(1, 33));
}

function signDigest(privateKey: KeyObject, digest: Uint8Array): Uint8Array {
  const d = toBigInt(Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url'));
  const z = toBigInt(digest);
  for (;;) {
    const k = mod(toBigInt(randomBytes(32)), N);
    if (k === 0n) continue;
    const r = mod(baseMultipleX(k), N);
    const s = mod(inverse(k, N) * (z + r * d), N);
    if (r !== 0n && s !== 0n) return joseToDerSignature(Buffer.concat([toBytes(r), toBytes(s)]));
  }
}

// --- the server ---

interface StoredKey {
  readonly id: string;
  readonly arn: string;
  readonly privateKey: KeyObject;
  readonly publicKeyDer: Buffer;
  readonly createdAt: number;
  readonly description: string;
}

class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        resolve(typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {});
      } catch {
        resolve({});
      }
    });
  });
}

export async function startFakeKms(port: number): Promise<FakeKms> {
  const keys = new Map<string, StoredKey>();
  const calls: KmsCall[] = [];
  const faults: { operation: string; errorType: string }[] = [];

  function keyFor(keyId: unknown): StoredKey {
    if (typeof keyId !== 'string' || keyId === '')
      throw new KmsError('ValidationException', 'KeyId is required');
    const id = keyId.startsWith('arn:') ? keyId.slice(keyId.lastIndexOf('/') + 1) : keyId;
    const key = keys.get(id);
    if (!key) throw new KmsError('NotFoundException', `Key '${keyId}' does not exist`);
    return key;
  }

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    CreateKey(body) {
      if (body.KeySpec !== 'ECC_NIST_P256' || body.KeyUsage !== 'SIGN_VERIFY') {
        throw new KmsError(
          'UnsupportedOperationException',
          'This stand-in makes ECC_NIST_P256 SIGN_VERIFY keys only',
        );
      }
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const id = randomUUID();
      const key: StoredKey = {
        id,
        arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`,
        privateKey: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })),
        publicKeyDer: publicKey.export({ format: 'der', type: 'spki' }),
        createdAt: Date.now() / 1000,
        description: typeof body.Description === 'string' ? body.Description : '',
      };
      keys.set(id, key);
      return {
        KeyMetadata: {
          KeyId: id,
          Arn: key.arn,
          AWSAccountId: ACCOUNT,
          CreationDate: key.createdAt,
          Description: key.description,
          Enabled: true,
          KeyState: 'Enabled',
          KeySpec: 'ECC_NIST_P256',
          CustomerMasterKeySpec: 'ECC_NIST_P256',
          KeyUsage: 'SIGN_VERIFY',
          KeyManager: 'CUSTOMER',
          Origin: 'AWS_KMS',
          SigningAlgorithms: ['ECDSA_SHA_256'],
        },
      };
    },
    GetPublicKey(body) {
      const key = keyFor(body.KeyId);
      return {
        KeyId: key.arn,
        PublicKey: key.publicKeyDer.toString('base64'),
        KeySpec: 'ECC_NIST_P256',
        CustomerMasterKeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        SigningAlgorithms: ['ECDSA_SHA_256'],
      };
    },
    Sign(body) {
      const key = keyFor(body.KeyId);
      if (body.SigningAlgorithm !== 'ECDSA_SHA_256') {
        throw new KmsError('InvalidKeyUsageException', 'ECC_NIST_P256 keys sign with ECDSA_SHA_256 only');
      }
      const message = Buffer.from(typeof body.Message === 'string' ? body.Message : '', 'base64');
      const type = body.MessageType ?? 'RAW';
      if (message.length === 0 || message.length > 4096) {
        throw new KmsError('ValidationException', 'Message must be 1 to 4096 bytes');
      }
      if (type === 'DIGEST' && message.length !== 32) {
        throw new KmsError('ValidationException', 'A DIGEST for ECDSA_SHA_256 must be 32 bytes');
      }
      if (type !== 'DIGEST' && type !== 'RAW')
        throw new KmsError('ValidationException', 'Unknown MessageType');
      const digest = type === 'DIGEST' ? message : createHash('sha256').update(message).digest();
      return {
        KeyId: key.arn,
        Signature: Buffer.from(signDigest(key.privateKey, digest)).toString('base64'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      };
    },
  };

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(payload));
    };
    const url = new URL(req.url ?? '/', 'http://kms.local');
    if (url.pathname === '/__calls' && req.method === 'GET') return send(200, calls);

    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
    calls.push({
      operation,
      ...(typeof body.KeyId === 'string' ? { keyId: body.KeyId } : {}),
      at: new Date().toISOString(),
    });
    const handler = operations[operation];
    if (req.method !== 'POST' || !handler) {
      return send(400, { __type: 'UnknownOperationException', message: `Unsupported: ${target}` });
    }
    const fault = faults.findIndex((candidate) => candidate.operation === operation);
    if (fault >= 0) {
      const errorType = faults.splice(fault, 1)[0]?.errorType ?? 'KMSInternalException';
      return send(errorType === 'KMSInternalException' ? 500 : 400, {
        __type: errorType,
        message: 'Injected fault',
      });
    }
    try {
      send(200, handler(body));
    } catch (error) {
      if (error instanceof KmsError) return send(400, { __type: error.type, message: error.message });
      send(500, { __type: 'KMSInternalException', message: 'Internal error' });
    }
  });

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    calls: () => calls,
    failNext(operation, errorType, count = 1) {
      for (let i = 0; i < count; i += 1) faults.push({ operation, errorType });
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
