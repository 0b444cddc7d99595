// The engine's seeded Gaussian noise: the same seed gives the same float32 values, bit for bit, on every machine.
// Uniforms come from xoshiro128** (Blackman & Vigna) seeded through splitmix32, two 32-bit outputs per 53-bit double;
// Box–Muller turns pairs of them into standard normals in float64, rounded once to float32. Only integer arithmetic,
// Math.sqrt (correctly rounded) and V8's own fdlibm ports of log, cos and sin are involved, none of which depend on
// the CPU.

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

export class NormalNoise {
  private s = new Uint32Array(4);
  private spare: number | undefined;

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
  }

  /** xoshiro128**: the next 32 random bits */
  private nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** uniform in [0, 1) with 53 random bits */
  uniform(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * TWO_POW_26 + low) / TWO_POW_53;
  }

  /** one standard normal (float64) */
  normal(): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log stays finite
    const u2 = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** fills `out` with standard normals, each rounded once to float32 */
  fill(out: Float32Array): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** `count` standard normals from `seed` */
export function seededNormals(seed: number, count: number): Float32Array {
  return new NormalNoise(seed).fill(new Float32Array(count));
}
