import { describe, expect, it } from 'vitest';
import type { ElectronBridge } from '../../../preload/index';
import { AppError, type Result } from '../../../preload/result';
import { connectHost } from '../../../renderer/host/host';

/** The preload's bridge as the main process would answer it, recording each call. */
function bridge(answers: Record<string, Result<unknown>>): ElectronBridge & { calls: [string, unknown[]][] } {
  const calls: [string, unknown[]][] = [];
  return {
    calls,
    invoke: async (name, args) => {
      calls.push([name, args]);
      return answers[name] ?? { ok: false, error: { code: 'internal', message: `no answer for ${name}` } };
    },
    on: () => () => undefined,
  };
}

describe('the host seam', () => {
  it('sends project files through the native dialog calls in Electron', async () => {
    const electron = bridge({
      projectSaveFile: { ok: true, value: '/home/me/net.json' },
      projectOpenFile: { ok: true, value: { path: '/home/me/net.json', json: '{}' } },
    });
    const host = connectHost({ modelLab: electron });
    expect(host.kind).toBe('electron');
    expect(await host.projectFiles!.save('net.json', '{"a":1}')).toBe('/home/me/net.json');
    expect(await host.projectFiles!.open()).toEqual({ path: '/home/me/net.json', json: '{}' });
    expect(electron.calls).toEqual([
      ['projectSaveFile', ['net.json', '{"a":1}']],
      ['projectOpenFile', []],
    ]);
  });

  it("passes on the main process's error as an AppError with its message", async () => {
    const electron = bridge({ projectOpenFile: { ok: false, error: { code: 'project-file-invalid', message: "'x.json' is not valid JSON" } } });
    const error = await connectHost({ modelLab: electron }).projectFiles!.open().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'project-file-invalid', message: "'x.json' is not valid JSON" });
  });

  it('has no native dialogs in browser mode (the view downloads and uploads)', () => {
    const host = connectHost({ location: { href: 'http://127.0.0.1:5178/model' } as Location });
    expect(host.kind).toBe('web');
    expect(host.projectFiles).toBeNull();
  });
});
