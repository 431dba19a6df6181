import { afterAll, beforeAll, expect, it } from 'vitest';
import { startXvfb, type XDisplay } from './xvfb';

let x: XDisplay;
beforeAll(async () => {
  x = await startXvfb({ width: 800, height: 600 });
});
afterAll(() => x.stop());

it('starts a real X server that X clients can query', () => {
  const info = x.run('xdpyinfo', []);
  expect(info).toContain('dimensions:    800x600 pixels');
  expect(info).toMatch(/MIT-SHM/);
  expect(info).toMatch(/DAMAGE/);
  expect(info).toMatch(/XTEST/);
});
