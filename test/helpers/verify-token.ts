// A token checked against a key set at hand (the emulator's own JWKS), as the console checks one it fetched.
import { readKeySet, verifyJwt, type JwtCheck } from '../../server/crypto/verify-jwt.js';

export async function verifyWithJwks(token: string, jwks: unknown, nowMs: number = Date.now()): Promise<JwtCheck> {
  const set = readKeySet(jwks);
  if (!set.ok) throw new Error(`not a key set: ${set.message}`);
  return verifyJwt(token, set.keys, nowMs);
}
