/**
 * The new-request sound: two short sine tones made with Web Audio (no sound file to ship or
 * decode). Played by the offscreen document in Chrome and by the background page in Firefox.
 */

/** Frequencies of the two tones, in Hz (a rising fifth, audible over office noise). */
const TONES_HZ = [880, 1318.5] as const;
/** Length of each tone, in seconds. */
const TONE_SECONDS = 0.18;
/** Peak gain (0-1): loud enough to notice, not to startle. */
const PEAK_GAIN = 0.25;

let context: AudioContext | null = null;

export async function playChime(): Promise<void> {
  context ??= new AudioContext();
  if (context.state === 'suspended') await context.resume();
  const start = context.currentTime + 0.02;
  TONES_HZ.forEach((hz, i) => {
    const ctx = context!;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    const t0 = start + i * TONE_SECONDS;
    osc.frequency.value = hz;
    gain.gain.setValueAtTime(0, t0);
    gain.gain.linearRampToValueAtTime(PEAK_GAIN, t0 + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + TONE_SECONDS);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0);
    osc.stop(t0 + TONE_SECONDS);
  });
}
