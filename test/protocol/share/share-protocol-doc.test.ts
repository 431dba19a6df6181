/**
 * Keeps the share channels' part of docs/protocol.md honest (as protocol-doc.test.ts does for
 * the other channels): every JSON example under "Sharer -> server", "Server -> sharer",
 * "Watcher -> server" and "Server -> watcher" parses with its union, and every message type of
 * each union has an example.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import {
  ServerToSharer,
  ServerToWatcher,
  SharerToServer,
  WatcherToServer,
} from '../../../protocol/share/share-channel';
import { membersOf } from '../zod-arbitrary';

const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

const SECTIONS: Record<string, z.ZodType> = {
  'Sharer -> server': SharerToServer,
  'Server -> sharer': ServerToSharer,
  'Watcher -> server': WatcherToServer,
  'Server -> watcher': ServerToWatcher,
};

function examples(section: string): unknown[] {
  const out: unknown[] = [];
  const lines = doc.split('\n');
  let current = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('### ')) current = line.slice(4).trim();
    else if (line.startsWith('## ')) current = '';
    if (line.trim() !== '```json' || current !== section) continue;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!);
    out.push(JSON.parse(body.join('\n')));
  }
  return out;
}

describe('docs/protocol.md, share channels', () => {
  it.each(Object.keys(SECTIONS))('has a valid example for every message of "%s"', (section) => {
    const schema = SECTIONS[section]!;
    const types = new Set<string>();
    for (const example of examples(section)) {
      const parsed = schema.safeParse(example);
      expect(parsed.success, `${section}: ${JSON.stringify(example)}`).toBe(true);
      types.add((parsed.data as { type: string }).type);
    }
    expect([...types].sort()).toEqual([...membersOf(schema).keys()].sort());
  });
});
