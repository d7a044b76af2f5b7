/**
 * Byte-level mutations in the style of libFuzzer's: flips, interesting values, insertions, deletions,
 * block duplication, dictionary tokens and crossover with another corpus entry. Deterministic for a
 * given PRNG seed so a finding can be replayed.
 */

export type Rng = () => number;

/** xorshift32: small, fast, reproducible. */
export function makeRng(seed: number): Rng {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const INTERESTING = [
  0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0xff, 0x0d, 0x0a, 0x2d, 0x3d, 0x22, 0x3b,
];
const MAX_LEN = 1 << 20;

export function mutate(
  input: Uint8Array,
  rng: Rng,
  corpus: Uint8Array[],
  dictionary: Uint8Array[],
): Uint8Array {
  const pick = (n: number) => Math.floor(rng() * n);
  let data = input.length ? input.slice() : new Uint8Array([0]);
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const pos = pick(data.length + 1);
    switch (pick(9)) {
      case 0: // bit flip
        if (data.length) data[pos % data.length]! ^= 1 << pick(8);
        break;
      case 1: // interesting byte
        if (data.length) data[pos % data.length] = INTERESTING[pick(INTERESTING.length)]!;
        break;
      case 2: {
        // random byte insert
        const out = new Uint8Array(data.length + 1);
        out.set(data.subarray(0, pos));
        out[pos] = pick(256);
        out.set(data.subarray(pos), pos + 1);
        data = out;
        break;
      }
      case 3: {
        // delete a block
        const len = Math.min(data.length - pos, 1 + pick(32));
        if (len > 0) data = new Uint8Array([...data.subarray(0, pos), ...data.subarray(pos + len)]);
        break;
      }
      case 4: {
        // duplicate a block (grows nesting and lengths)
        const len = Math.min(data.length - pos, 1 + pick(256));
        if (len > 0 && data.length + len < MAX_LEN) {
          const block = data.slice(pos, pos + len);
          data = new Uint8Array([...data.subarray(0, pos + len), ...block, ...data.subarray(pos + len)]);
        }
        break;
      }
      case 5: {
        // dictionary token
        if (dictionary.length) {
          const tok = dictionary[pick(dictionary.length)]!;
          data = new Uint8Array([...data.subarray(0, pos), ...tok, ...data.subarray(pos)]);
        }
        break;
      }
      case 6: {
        // crossover with another corpus entry
        const other = corpus[pick(corpus.length)];
        if (other && other.length) {
          const start = pick(other.length);
          const len = Math.min(other.length - start, 1 + pick(512));
          data = new Uint8Array([
            ...data.subarray(0, pos),
            ...other.subarray(start, start + len),
            ...data.subarray(pos),
          ]);
        }
        break;
      }
      case 7: // truncate
        data = data.slice(0, pos);
        break;
      default: {
        // overwrite a length-like 16-bit field
        if (data.length > 2) {
          const p = pos % (data.length - 1);
          const v = [0, 0xffff, 0x7fff, 0x8000, data.length, data.length + 1][pick(6)]!;
          data[p] = v >> 8;
          data[p + 1] = v & 0xff;
        }
      }
    }
  }
  return data.length > MAX_LEN ? data.slice(0, MAX_LEN) : data;
}
