// Confident learning (Northcutt, Jiang & Chuang, JAIR 2021), following cleanlab's documented algorithm:
// per-class thresholds, the confident joint C[given][true], its calibration, pruning by noise rate / by class,
// and ranking by label quality. Pure functions over a row-major probability matrix (n rows × k classes), so the
// same code scores any model's out-of-sample probabilities and can be checked on hand-built matrices.

export type Probs = Float32Array | Float64Array | number[];
export type FilterBy = 'prune_by_noise_rate' | 'prune_by_class' | 'both' | 'confident_learning';
export type RankBy = 'self_confidence' | 'normalized_margin';

function check(labels: ArrayLike<number>, probs: Probs, k: number): number {
  const n = labels.length;
  if (!Number.isInteger(k) || k < 2) throw new Error(`confident learning needs at least 2 classes (got ${k})`);
  if (probs.length !== n * k) throw new Error(`probabilities: expected ${n}×${k} = ${n * k} values, got ${probs.length}`);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= k) throw new Error(`label of row ${i} is ${y}, outside 0..${k - 1}`);
  }
  return n;
}

export function labelCounts(labels: ArrayLike<number>, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) c[labels[i]]++;
  return c;
}

/** t_j: the mean predicted probability of class j over the examples labeled j (0 for an empty class). */
export function perClassThresholds(labels: ArrayLike<number>, probs: Probs, k: number): number[] {
  const n = check(labels, probs, k);
  const sum = new Array<number>(k).fill(0);
  const cnt = labelCounts(labels, k);
  for (let i = 0; i < n; i++) sum[labels[i]] += probs[i * k + labels[i]];
  return sum.map((s, j) => (cnt[j] ? s / cnt[j] : 0));
}

/** numpy's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Round a row to integers that keep its (rounded) total, moving the fewest entries: when the rounded entries
 * fall short, the ones rounded down the most go up; when they overshoot, the ones rounded up the most go down.
 */
export function roundPreservingSum(row: number[]): number[] {
  const ints = row.map(roundHalfEven);
  const target = roundHalfEven(row.reduce((a, b) => a + b, 0));
  let diff = target - ints.reduce((a, b) => a + b, 0);
  while (diff !== 0) {
    const inc = diff > 0 ? 1 : -1;
    const order = row.map((_, i) => i).sort((a, b) => inc * ((row[b] - ints[b]) - (row[a] - ints[a])) || a - b);
    for (const i of order.slice(0, Math.min(Math.abs(diff), row.length))) ints[i] += inc;
    diff = target - ints.reduce((a, b) => a + b, 0);
  }
  return ints;
}

export const roundPreservingRowTotals = (m: number[][]): number[][] => m.map(roundPreservingSum);

/** Scale each row of C to its class's label count, then the whole matrix to n, and round (cleanlab's calibration). */
export function calibrateConfidentJoint(cj: number[][], counts: number[]): number[][] {
  const rows = cj.map((row, i) => {
    const s = Math.max(row.reduce((a, b) => a + b, 0), 1e-16);
    return row.map((v) => (v / s) * counts[i]);
  });
  const total = Math.max(rows.flat().reduce((a, b) => a + b, 0), 1e-16);
  const n = counts.reduce((a, b) => a + b, 0);
  return roundPreservingRowTotals(rows.map((row) => row.map((v) => (v / total) * n)));
}

export interface ConfidentJoint {
  /** C[given][true], calibrated unless asked otherwise. */
  joint: number[][];
  thresholds: number[];
  /** Per example: the class it is confidently thought to be, or -1 when it passes no threshold. */
  trueGuess: Int32Array;
}

/**
 * The confident joint: an example labeled i counts toward C[i][j] when p_j ≥ t_j; with several confident
 * classes the most probable of them wins, with none the example is left out. Every class keeps at least one
 * example on the diagonal, as in cleanlab.
 */
export function computeConfidentJoint(
  labels: ArrayLike<number>,
  probs: Probs,
  k: number,
  opts: { calibrate?: boolean } = {},
): ConfidentJoint {
  const n = check(labels, probs, k);
  const thresholds = perClassThresholds(labels, probs, k);
  const joint = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const trueGuess = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let confident = 0;
    let bestConf = -1;
    let bestConfP = -Infinity;
    let argmax = 0;
    for (let j = 0; j < k; j++) {
      const p = probs[i * k + j];
      if (p > probs[i * k + argmax]) argmax = j;
      if (p >= thresholds[j] - 1e-6) {
        confident++;
        if (p > bestConfP) {
          bestConfP = p;
          bestConf = j;
        }
      }
    }
    if (confident === 0) continue;
    const guess = confident > 1 ? bestConf : argmax;
    trueGuess[i] = guess;
    joint[labels[i]][guess]++;
  }
  for (let j = 0; j < k; j++) joint[j][j] = Math.max(joint[j][j], 1);
  const calibrated = opts.calibrate === false ? joint : calibrateConfidentJoint(joint, labelCounts(labels, k));
  return { joint: calibrated, thresholds, trueGuess };
}

/** Keep ≥ n examples of each class on the diagonal of prune-count matrix P[true][given] (cleanlab, frac_noise 1). */
function keepAtLeastNPerClass(pcm: number[][], n: number): number[][] {
  const k = pcm.length;
  const out = pcm.map((r) => r.slice());
  for (let col = 0; col < k; col++) {
    const diag = pcm[col][col];
    const newDiag = Math.max(diag, n);
    const add = newDiag - diag;
    let nonzero = 0;
    for (let r = 0; r < k; r++) if (pcm[r][col] !== 0) nonzero++;
    const per = add / Math.max(nonzero - 1, 1);
    for (let r = 0; r < k; r++) out[r][col] = r === col ? newDiag : Math.max(pcm[r][col] - per, 0);
  }
  return roundPreservingRowTotals(out);
}

/** Label quality in [0, 1]: low means likely mislabeled. */
export function labelQuality(labels: ArrayLike<number>, probs: Probs, k: number, rankBy: RankBy = 'self_confidence'): Float64Array {
  const n = check(labels, probs, k);
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const self = probs[i * k + labels[i]];
    if (rankBy === 'self_confidence') {
      q[i] = self;
      continue;
    }
    let other = -Infinity;
    for (let j = 0; j < k; j++) if (j !== labels[i]) other = Math.max(other, probs[i * k + j]);
    q[i] = (self - other + 1) / 2;
  }
  return q;
}

export interface LabelIssueOptions {
  filterBy?: FilterBy;
  minExamplesPerClass?: number;
  /** A pre-computed (calibrated) confident joint, to avoid computing it twice. */
  confidentJoint?: ConfidentJoint;
}

/** Which examples are likely mislabeled (cleanlab's find_label_issues, default prune_by_noise_rate). */
export function findLabelIssues(labels: ArrayLike<number>, probs: Probs, k: number, opts: LabelIssueOptions = {}): Uint8Array {
  const n = check(labels, probs, k);
  const filterBy = opts.filterBy ?? 'prune_by_noise_rate';
  const minPer = opts.minExamplesPerClass ?? 1;
  const cj = opts.confidentJoint ?? computeConfidentJoint(labels, probs, k);
  const counts = labelCounts(labels, k);
  const mask = new Uint8Array(n);

  if (filterBy === 'confident_learning') {
    const raw = opts.confidentJoint ? cj.trueGuess : computeConfidentJoint(labels, probs, k, { calibrate: false }).trueGuess;
    for (let i = 0; i < n; i++) if (raw[i] >= 0 && raw[i] !== labels[i]) mask[i] = 1;
  } else {
    // P[true][given]: how many examples to remove from each (given, true) cell.
    const pcm = keepAtLeastNPerClass(
      cj.joint[0].map((_, t) => cj.joint.map((row) => row[t])),
      minPer,
    );
    const rowsOf: number[][] = Array.from({ length: k }, () => []);
    for (let i = 0; i < n; i++) rowsOf[labels[i]].push(i);
    const byClass = new Uint8Array(n);
    const byNoise = new Uint8Array(n);
    for (let given = 0; given < k; given++) {
      const rows = rowsOf[given];
      if (counts[given] <= minPer) continue;
      if (filterBy !== 'prune_by_noise_rate') {
        // The examples labeled `given` with the lowest p(given).
        const num = counts[given] - pcm[given][given];
        if (num >= 1) {
          const order = rows.slice().sort((a, b) => probs[a * k + given] - probs[b * k + given] || a - b);
          for (const i of order.slice(0, num)) byClass[i] = 1;
        }
      }
      if (filterBy !== 'prune_by_class') {
        // For each true class t, the C[given][t] examples labeled `given` with the largest margin p(t) − p(given).
        for (let t = 0; t < k; t++) {
          const num = t === given ? 0 : pcm[t][given];
          if (num <= 0) continue;
          const margin = (i: number) => probs[i * k + t] - probs[i * k + given];
          const order = rows.slice().sort((a, b) => margin(b) - margin(a) || a - b);
          // Ties at the cut are all flagged, as cleanlab's ">= threshold" does.
          const cut = margin(order[Math.min(num, order.length) - 1]);
          for (const i of rows) if (margin(i) >= cut) byNoise[i] = 1;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      mask[i] =
        filterBy === 'both' ? byClass[i] & byNoise[i] : filterBy === 'prune_by_class' ? byClass[i] : byNoise[i];
    }
  }
  // An example the model itself assigns to its given label is never called an issue.
  for (let i = 0; i < n; i++) if (mask[i] && argmaxRow(probs, i, k) === labels[i]) mask[i] = 0;
  return mask;
}

export function argmaxRow(probs: Probs, i: number, k: number, exclude = -1): number {
  let best = -1;
  for (let j = 0; j < k; j++) if (j !== exclude && (best < 0 || probs[i * k + j] > probs[i * k + best])) best = j;
  return best;
}

export interface RankedIssue {
  index: number;
  given: number;
  /** The most probable class other than the given one. */
  suggested: number;
  /** 1 − label quality: higher is more suspicious. */
  score: number;
}

/** The flagged examples, most suspicious first (ties by index, so the order is reproducible). */
export function rankLabelIssues(
  labels: ArrayLike<number>,
  probs: Probs,
  k: number,
  opts: LabelIssueOptions & { rankBy?: RankBy } = {},
): RankedIssue[] {
  const mask = findLabelIssues(labels, probs, k, opts);
  const q = labelQuality(labels, probs, k, opts.rankBy);
  const out: RankedIssue[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) out.push({ index: i, given: labels[i], suggested: argmaxRow(probs, i, k, labels[i]), score: 1 - q[i] });
  }
  return out.sort((a, b) => b.score - a.score || a.index - b.index);
}
