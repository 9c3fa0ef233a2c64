/**
 * Priority classes, as DeepSeek operations guides queue requests: P0 urgent, P1 interactive, P2
 * normal, P3 batch. A request carries its class in the `x-priority` header (absent: P2), which
 * proxies (HAProxy, a priority strategy) read. The mix draws each arrival's class from the seed
 * and the arrival's index exactly as the Go engine does (loadtests/engine/internal/attack/
 * requests.go), so k6 and the engine give arrival k the same class; the shared vectors in
 * loadtests/engine/contract/priority-vectors.json hold both to it. The classes themselves are the
 * kit's (common/priority-classes.ts); imported by their '.ts' path, the form k6 needs (the root
 * tsconfig rewrites it to '.js' when it builds).
 */

import { PRIORITY_CLASSES, type PriorityClass } from '../common/priority-classes.ts';

export {
  isPriorityClass,
  PRIORITY_CLASSES,
  PRIORITY_HEADER,
  type PriorityClass,
} from '../common/priority-classes.ts';

/** Weights per class (normalised when drawn; a class left out weighs 0). */
export type PriorityShares = Readonly<Partial<Record<PriorityClass, number>>>;

/*
 * splitmix64 on 64-bit values held as two unsigned 32-bit halves [hi, lo]: k6's JavaScript runtime
 * cannot be relied on for BigInt, and every step below is exact in doubles.
 */
type U64 = readonly [number, number];
const TWO32 = 4294967296;

function add64(a: U64, b: U64): U64 {
  const lo = a[1] + b[1];
  return [(a[0] + b[0] + (lo >= TWO32 ? 1 : 0)) >>> 0, lo >>> 0];
}

/** The low 64 bits of a × b. */
function mul64(a: U64, b: U64): U64 {
  // lo × lo in full, from 16-bit halves (each partial product below 2^32).
  const a0 = a[1] & 0xffff;
  const a1 = a[1] >>> 16;
  const b0 = b[1] & 0xffff;
  const b1 = b[1] >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const low = a0 * b0 + (mid % 65536) * 65536;
  const carry = Math.floor(low / TWO32);
  const hi = a1 * b1 + Math.floor(mid / 65536) + carry + Math.imul(a[0], b[1]) + Math.imul(a[1], b[0]);
  return [hi >>> 0, low >>> 0];
}

const xor64 = (a: U64, b: U64): U64 => [(a[0] ^ b[0]) >>> 0, (a[1] ^ b[1]) >>> 0];
/** a >> s, 0 < s < 32. */
const shr64 = (a: U64, s: number): U64 => [a[0] >>> s, ((a[1] >>> s) | (a[0] << (32 - s))) >>> 0];

function splitmix(x: U64): U64 {
  let z = add64(x, [0x9e3779b9, 0x7f4a7c15]);
  z = mul64(xor64(z, shr64(z, 30)), [0xbf58476d, 0x1ce4e5b9]);
  z = mul64(xor64(z, shr64(z, 27)), [0x94d049bb, 0x133111eb]);
  return xor64(z, shr64(z, 31));
}

/** A whole number 0 ≤ n < 2^53 as 64 bits. */
const u64 = (n: number): U64 => [Math.floor(n / TWO32) >>> 0, n >>> 0];

/** The engine's prioritySalt: the class draw is none of the mix's other draws. */
const PRIORITY_SALT: U64 = [0xd1b54a32, 0xd192ed03];

/** Arrival `arrival`'s class draw in [0, 1): the engine's priorityUnit, bit for bit. */
export function priorityUnit(seed: number, arrival: number): number {
  const x = splitmix(xor64(u64(seed), splitmix(xor64(u64(arrival), PRIORITY_SALT))));
  // The top 53 bits, as the engine's x >> 11.
  return (x[0] * 2097152 + Math.floor(x[1] / 2048)) / 2 ** 53;
}

/** The class a draw u picks: cumulative shares in class order, the engine's arithmetic. */
export function pickPriority(shares: PriorityShares, u: number): PriorityClass {
  const positive = PRIORITY_CLASSES.filter((c) => (shares[c] ?? 0) > 0);
  let total = 0;
  for (const c of positive) total += shares[c] as number;
  let run = 0;
  for (const c of positive) {
    run += shares[c] as number;
    if (u < run / total) return c;
  }
  // u below 1 always lands above; a rounding of the last share to under 1 lands here.
  return positive[positive.length - 1] ?? 'P2';
}

/** Arrival `arrival`'s class, null when the mix has none. */
export function drawPriority(
  shares: PriorityShares | null,
  seed: number,
  arrival: number,
): PriorityClass | null {
  if (shares === null) return null;
  return pickPriority(shares, priorityUnit(seed, arrival));
}
