// Learning-rate schedules as functions of the step.
import { describe, expect, it } from 'vitest';
import { checkSchedule, learningRateAt, PlateauMonitor, type ScheduleConfig } from '../../../renderer/runtime/trainer/schedule';

const at = (config: ScheduleConfig, step: number, drops = 0) => learningRateAt(config, { step, stepsPerEpoch: 10, totalSteps: 100, drops });

describe('learning-rate schedules', () => {
  it('constant', () => {
    expect([0, 5, 99].map((s) => at({ base: 0.1, schedule: { kind: 'constant' } }, s))).toEqual([0.1, 0.1, 0.1]);
  });

  it('step decay divides by 10 from each milestone epoch on (0-based epochs, as MultiStepLR)', () => {
    const config: ScheduleConfig = { base: 0.1, schedule: { kind: 'step', milestones: [3, 6] } };
    expect(at(config, 29)).toBe(0.1); // epoch 2
    expect(at(config, 30)).toBeCloseTo(0.01, 15); // epoch 3
    expect(at(config, 59)).toBeCloseTo(0.01, 15);
    expect(at(config, 60)).toBeCloseTo(0.001, 15);
    expect(at({ base: 1, schedule: { kind: 'step', milestones: [1], factor: 0.5 } }, 10)).toBe(0.5);
  });

  it('on plateau: the rate follows the monitor’s drops; the monitor drops after `patience` evaluations without improvement', () => {
    const monitor = new PlateauMonitor(2);
    const accuracies = [0.5, 0.6, 0.6, 0.59, 0.7, 0.7, 0.7, 0.69, 0.69];
    const drops = accuracies.map((a) => (monitor.observe(a), monitor.drops));
    expect(drops).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 3]);
    const config: ScheduleConfig = { base: 0.1, schedule: { kind: 'plateau', patience: 2 } };
    expect(at(config, 50, 0)).toBe(0.1);
    expect(at(config, 50, 2)).toBeCloseTo(0.001, 15);
  });

  it('cosine anneals from the base rate to the minimum over the run', () => {
    const config: ScheduleConfig = { base: 0.1, schedule: { kind: 'cosine', minLr: 0.001 } };
    expect(at(config, 0)).toBeCloseTo(0.1, 15);
    expect(at(config, 50)).toBeCloseTo(0.0505, 12);
    expect(at(config, 25)).toBeCloseTo(0.001 + 0.099 * (1 + Math.cos(Math.PI / 4)) / 2, 12);
    expect(at(config, 100)).toBeCloseTo(0.001, 12);
  });

  it('linear warm-up climbs to the base rate, then the schedule takes over (cosine counted from the end of warm-up)', () => {
    const config: ScheduleConfig = { base: 0.2, schedule: { kind: 'cosine' }, warmupSteps: 4 };
    [0.05, 0.1, 0.15, 0.2].forEach((lr, s) => expect(at(config, s)).toBeCloseTo(lr, 15));
    expect(at(config, 4)).toBeCloseTo(0.2, 15);
    expect(at(config, 52)).toBeCloseTo(0.1, 12);
    expect(at({ base: 0.2, schedule: { kind: 'constant' }, warmupSteps: 4 }, 4)).toBe(0.2);
  });

  it('rejects non-finite or non-positive rates and bad settings with the value quoted', () => {
    expect(() => checkSchedule({ base: Infinity, schedule: { kind: 'constant' } })).toThrow(/got Infinity/);
    expect(() => checkSchedule({ base: 0, schedule: { kind: 'constant' } })).toThrow(/got 0/);
    expect(() => checkSchedule({ base: 0.1, schedule: { kind: 'step', milestones: [0] } })).toThrow(/got \[0\]/);
    expect(() => checkSchedule({ base: 0.1, schedule: { kind: 'plateau', patience: 0 } })).toThrow(/got 0/);
    expect(() => checkSchedule({ base: 0.1, schedule: { kind: 'step', milestones: [2], factor: 1.5 } })).toThrow(/got 1.5/);
  });
});
