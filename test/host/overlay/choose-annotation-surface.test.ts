/**
 * Where the agent's drawings go: the platform's overlay where the registry has one (Linux with an
 * X display), else the session keeps them without showing them (HeldAnnotations).
 */
import { describe, expect, it } from 'vitest';
import { createAnnotationSurface } from '../../../host/overlay/choose-annotation-surface';
import { HeldAnnotations } from '../../../host/session/annotation-surface';

const noLog = () => undefined;

describe('createAnnotationSurface', () => {
  it('holds the drawings where the system has no overlay', () => {
    const surface = createAnnotationSurface(
      { platform: 'win32', release: '10.0.19045', arch: 'x64', env: {} },
      noLog,
    );
    expect(surface).toBeInstanceOf(HeldAnnotations);
    surface.close();
  });

  it('draws on the screen on Linux with an X display', () => {
    const surface = createAnnotationSurface(
      { platform: 'linux', release: '6.1.0', arch: 'x64', env: { DISPLAY: ':999' } },
      noLog,
    );
    expect(surface).not.toBeInstanceOf(HeldAnnotations);
    expect(surface.excludeFrom).toBeTypeOf('function');
    surface.close();
  });
});
