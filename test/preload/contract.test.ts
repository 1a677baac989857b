import { describe, expect, it } from 'vitest';
import { CALL_NAMES, EVENT_NAMES, callChannel, calls, eventChannel, events } from '../../preload/contract';
import { createHandlers } from '../../main/handlers';

describe('the IPC contract', () => {
  it('derives every channel name from the contract keys, uniquely', () => {
    expect(CALL_NAMES).toEqual(Object.keys(calls));
    expect(EVENT_NAMES).toEqual(Object.keys(events));
    const channels = [...CALL_NAMES.map(callChannel), ...EVENT_NAMES.map(eventChannel)];
    expect(new Set(channels).size).toBe(channels.length);
    expect(callChannel('appInfo')).toBe('model-lab:call:appInfo');
  });

  it('has a handler for every call and nothing else', () => {
    const handlers = createHandlers({ data: { path: '/nonexistent', source: 'flag' }, host: 'web', events: { emit() {} } });
    expect(Object.keys(handlers).sort()).toEqual([...CALL_NAMES].sort());
    for (const name of CALL_NAMES) expect(typeof handlers[name]).toBe('function');
  });
});
