/**
 * The IPC every benchmark child node answers: `{type:'cpu'}` -> `{type:'cpu', micros, ...extra}`
 * (the CPU time this process has used so far, and whatever `extra` adds), and it exits when the
 * benchmark that started it goes away (ended or killed).
 */
export function answerCpuQuestions(extra: () => Record<string, number> = () => ({})): void {
  process.on('message', (m: { type?: string }) => {
    if (m.type !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.send?.({ type: 'cpu', micros: user + system, ...extra() });
  });
  process.on('disconnect', () => process.exit(0));
}
