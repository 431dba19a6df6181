/** Waits `ms` milliseconds (the benchmarks' pacing between input events and settle times). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
