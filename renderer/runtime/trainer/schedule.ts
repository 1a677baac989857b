// Learning-rate schedules, as pure functions of the step (plus, for the plateau schedule, how many times validation
// stalled). The step graph takes the learning rate as an input, so any schedule works without recompiling.

export type LrSchedule =
  | { kind: 'constant' }
  /** ÷10 (or × factor) at each of these epochs (0-based: milestone 30 means epochs 30 on), as torch's MultiStepLR. */
  | { kind: 'step'; milestones: number[]; factor?: number }
  /** ÷10 (or × factor) each time validation accuracy has not improved for `patience` evaluations in a row. */
  | { kind: 'plateau'; patience: number; factor?: number; threshold?: number }
  /** Cosine annealing from the base rate to minLr over the steps after warm-up. */
  | { kind: 'cosine'; minLr?: number };

export interface ScheduleConfig {
  base: number;
  schedule: LrSchedule;
  /** Linear warm-up: the rate climbs base·(t+1)/W over the first W steps. */
  warmupSteps?: number;
}

export interface SchedulePosition {
  /** Global step index, 0-based. */
  step: number;
  stepsPerEpoch: number;
  totalSteps: number;
  /** Plateau drops so far (PlateauMonitor.drops). */
  drops?: number;
}

export class ScheduleError extends Error {
  readonly code = 'schedule';
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

export function checkSchedule(config: ScheduleConfig): void {
  if (!Number.isFinite(config.base) || config.base <= 0) throw new ScheduleError(`The learning rate must be a positive finite number; got ${config.base}.`);
  const warmup = config.warmupSteps ?? 0;
  if (!Number.isInteger(warmup) || warmup < 0) throw new ScheduleError(`Warm-up steps must be a whole number ≥ 0; got ${warmup}.`);
  const s = config.schedule;
  const factor = 'factor' in s ? (s.factor ?? 0.1) : 0.1;
  if (!(factor > 0 && factor < 1)) throw new ScheduleError(`The decay factor must be between 0 and 1; got ${factor}.`);
  if (s.kind === 'step' && s.milestones.some((m) => !Number.isInteger(m) || m < 1)) {
    throw new ScheduleError(`Step-decay milestones must be whole epochs ≥ 1; got [${s.milestones.join(', ')}].`);
  }
  if (s.kind === 'plateau' && (!Number.isInteger(s.patience) || s.patience < 1)) throw new ScheduleError(`Plateau patience must be a whole number ≥ 1; got ${s.patience}.`);
  if (s.kind === 'cosine' && (s.minLr ?? 0) < 0) throw new ScheduleError(`The cosine schedule's minimum rate must be ≥ 0; got ${s.minLr}.`);
}

/** The learning rate of one step. */
export function learningRateAt(config: ScheduleConfig, position: SchedulePosition): number {
  const { base, schedule } = config;
  const warmup = config.warmupSteps ?? 0;
  const { step } = position;
  if (step < warmup) return (base * (step + 1)) / warmup;
  switch (schedule.kind) {
    case 'constant':
      return base;
    case 'step': {
      const epoch = Math.floor(step / position.stepsPerEpoch);
      const passed = schedule.milestones.filter((m) => epoch >= m).length;
      return base * (schedule.factor ?? 0.1) ** passed;
    }
    case 'plateau':
      return base * (schedule.factor ?? 0.1) ** (position.drops ?? 0);
    case 'cosine': {
      const minLr = schedule.minLr ?? 0;
      const span = Math.max(1, position.totalSteps - warmup);
      const t = Math.min(step - warmup, span);
      return minLr + ((base - minLr) * (1 + Math.cos((Math.PI * t) / span))) / 2;
    }
  }
}

/** Counts validation plateaus: `observe` takes each evaluation's accuracy (higher is better). */
export class PlateauMonitor {
  private best = -Infinity;
  private stale = 0;
  drops = 0;

  constructor(
    readonly patience: number,
    readonly threshold = 1e-4,
  ) {}

  /** Records one evaluation; returns true when this one triggered a drop. */
  observe(accuracy: number): boolean {
    if (accuracy > this.best * (1 + this.threshold) || this.best === -Infinity) {
      this.best = accuracy;
      this.stale = 0;
      return false;
    }
    this.stale++;
    if (this.stale >= this.patience) {
      this.drops++;
      this.stale = 0;
      return true;
    }
    return false;
  }
}
