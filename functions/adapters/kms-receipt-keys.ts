// adapters: receipt keys in AWS KMS (ECC_NIST_P256, SIGN_VERIFY). The private key never leaves KMS:
// the worker sends a SHA-256 digest to Sign, and the JWKS reads the public half with GetPublicKey.
import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import { RECEIPT_ALGORITHM, type ReceiptPublicJwk } from '../core/deletion-receipt.js';
import { derToJoseSignature } from '../core/ecdsa-signature.js';
import type { ReceiptPublicKeys, ReceiptSigner } from '../use-cases/ports.js';

export class ReceiptKeyError extends Error {
  override readonly name = 'ReceiptKeyError';
}

/** Signs with one KMS key. A digest, not the message, goes to KMS: no size limit, and nothing but a hash leaves. */
export function makeKmsReceiptSigner(client: KMSClient, keyId: string): ReceiptSigner {
  return {
    keyId,
    async sign(signingInput) {
      const digest = createHash('sha256').update(signingInput, 'ascii').digest();
      const result = await client.send(
        new SignCommand({
          KeyId: keyId,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      if (!result.Signature) throw new ReceiptKeyError('KMS returned no signature');
      // KMS answers with an ASN.1 DER signature; JWS needs R || S (RFC 7518 §3.4).
      return derToJoseSignature(result.Signature);
    },
  };
}

/** Public keys from KMS as JWKs. A key's public half never changes, so each is read once per process. */
export function makeKmsReceiptPublicKeys(client: KMSClient): ReceiptPublicKeys {
  const cache = new Map<string, ReceiptPublicJwk>();
  return {
    async publicKey(keyId) {
      const cached = cache.get(keyId);
      if (cached) return cached;
      const result = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
      if (result.KeySpec !== 'ECC_NIST_P256' || result.KeyUsage !== 'SIGN_VERIFY' || !result.PublicKey) {
        throw new ReceiptKeyError('Receipt key is not an ECC_NIST_P256 SIGN_VERIFY key');
      }
      const jwk = createPublicKey({ key: Buffer.from(result.PublicKey), format: 'der', type: 'spki' }).export(
        {
          format: 'jwk',
        },
      );
      if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
        throw new ReceiptKeyError('Receipt key is not a P-256 key');
      }
      const key: ReceiptPublicJwk = {
        kty: 'EC',
        crv: 'P-256',
        x: jwk.x,
        y: jwk.y,
        kid: keyId,
        alg: RECEIPT_ALGORITHM,
        use: 'sig',
      };
      cache.set(keyId, key);
      return key;
    },
  };
}
