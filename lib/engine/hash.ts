// Deterministic bucketing for rollout, holdout and splits: the same user lands in the same bucket on
// every instance, every retry and every version, with no stored randomness.
//
//   bucket(flowId, purpose, user) -> a number in [0, 100)
//   pickBranch(branches, bucket) -> the branch whose cumulative weight range holds the bucket
//
// The hash is 32-bit FNV-1a over the UTF-16 code units of "flowId␀purpose␀user", followed by the
// murmur3 finalizer so that near-identical inputs ("u1", "u2") spread over the whole range.
// `purpose` is "rollout", "holdout", or a split node id.

export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable position in [0, 100) for this user and purpose within the flow. */
export function bucket(flowId: string, purpose: string, user: string): number {
  return (hash32(`${flowId}\u0000${purpose}\u0000${user}`) / 4294967296) * 100;
}

/**
 * The branch for a bucket. Weights are scaled to their total, so weights that do not add to 100 (a
 * draft) still split proportionally; all-zero weights fall to the first branch.
 */
export function pickBranch<B extends { id: string; weight: number }>(branches: readonly B[], position: number): B {
  const total = branches.reduce((s, b) => s + Math.max(0, b.weight), 0);
  if (total <= 0) return branches[0];
  const target = (position / 100) * total;
  let acc = 0;
  for (const b of branches) {
    acc += Math.max(0, b.weight);
    if (target < acc) return b;
  }
  return branches[branches.length - 1];
}
