/**
 * The agent's screen (or a window, or a tab) through the browser's screen capture
 * (navigator.mediaDevices.getDisplayMedia; the browser asks the agent what to share and shows
 * its own "you are sharing" bar). Each grab() draws the newest video frame on a canvas, scaled
 * down to fit SHARE_MAX_WIDTH x SHARE_MAX_HEIGHT, and reads its pixels back (RGBA): the
 * PictureSource the sharer session asks at most maxFps times a second. The capture asks for no
 * more than that frame rate and size, so the browser does not make frames nobody reads.
 */
import { SHARE_MAX_HEIGHT, SHARE_MAX_WIDTH } from '../../protocol/share/share-data';
import type { RgbaPicture } from './picture-encoder';
import type { PictureSource } from './sharer-session';

export interface DisplayCapture extends PictureSource {
  /** The live video, for the page's preview. */
  readonly video: HTMLVideoElement;
  /** What the browser says is shared ("screen:0:0", a window's title, ...). */
  readonly label: string;
  /** Called once when the capture ends (the browser's own "stop sharing", or stop()). */
  onEnded(listener: () => void): void;
  stop(): void;
}

/** Fits width x height inside the share limits, keeping the aspect ratio (never enlarges). */
export function fitSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, SHARE_MAX_WIDTH / width, SHARE_MAX_HEIGHT / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Asks the browser for a screen capture; must run in a click (user activation). */
export async function captureDisplay(maxFps: number): Promise<DisplayCapture> {
  const stream = await navigator.mediaDevices.getDisplayMedia({
    video: {
      frameRate: { ideal: maxFps, max: maxFps },
      width: { max: SHARE_MAX_WIDTH },
      height: { max: SHARE_MAX_HEIGHT },
    },
    audio: false,
  });
  const track = stream.getVideoTracks()[0];
  if (!track) throw new Error('the capture has no video');
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  await video.play();

  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d canvas to read the capture');
  const ended = new Set<() => void>();
  let over = false;
  const end = () => {
    if (over) return;
    over = true;
    for (const l of ended) l();
  };
  track.addEventListener('ended', end);

  return {
    video,
    label: track.label,
    onEnded: (listener) => ended.add(listener),
    stop() {
      for (const t of stream.getTracks()) t.stop();
      end();
    },
    grab(): RgbaPicture | null {
      if (over || video.videoWidth === 0 || video.videoHeight === 0) return null;
      const { width, height } = fitSize(video.videoWidth, video.videoHeight);
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      ctx.drawImage(video, 0, 0, width, height);
      return { width, height, data: ctx.getImageData(0, 0, width, height).data };
    },
  };
}
