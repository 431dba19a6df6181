/**
 * Keeps docs/protocol.md honest: every JSON example parses with its channel's schema, every
 * message type of every channel has an example, replies carry a result some request of that
 * channel can return, and every error code is in the table.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { AGENT_RESULTS, AgentToServer, ServerToAgent } from '../../protocol/agent-channel';
import { CUSTOMER_RESULTS, CustomerToServer, ServerToCustomer } from '../../protocol/customer-channel';
import { ERROR_CODE_LIST } from '../../protocol/errors';
import {
  ControlToHelper,
  ControlToViewer,
  SessionControlToHelper,
} from '../../protocol/data/session-control';
import { FilesToHelper, FilesToViewer } from '../../protocol/data/files';
import { HelperToServer, ServerToHelper } from '../../protocol/helper-channel';
import { ExtensionToHost, HostToExtension, NATIVE_RESULTS } from '../../protocol/native-channel';
import { ExtensionToPage, PageToExtension } from '../../protocol/page-bridge';
import { ServerToViewer, ViewerToServer } from '../../protocol/viewer-channel';
import { membersOf } from './zod-arbitrary';

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

/** "### X -> Y" heading -> the union its examples belong to, and the results a reply may carry. */
const SECTIONS: Record<string, { schema: z.ZodType; results?: Record<string, z.ZodType> }> = {
  'Agent -> server': { schema: AgentToServer },
  'Server -> agent': { schema: ServerToAgent, results: AGENT_RESULTS },
  'Customer -> server': { schema: CustomerToServer },
  'Server -> customer': { schema: ServerToCustomer, results: CUSTOMER_RESULTS },
  'Helper -> server': { schema: HelperToServer },
  'Server -> helper': { schema: ServerToHelper, results: {} },
  'Viewer -> server': { schema: ViewerToServer },
  'Server -> viewer': { schema: ServerToViewer, results: {} },
  'Extension -> host': { schema: ExtensionToHost },
  'Host -> extension': { schema: HostToExtension, results: NATIVE_RESULTS },
  'Page -> extension': { schema: PageToExtension },
  'Extension -> page': { schema: ExtensionToPage },
  'Viewer -> helper (control)': { schema: ControlToHelper },
  'Viewer -> helper (session)': { schema: SessionControlToHelper },
  'Helper -> viewer (control)': { schema: ControlToViewer },
  'Viewer -> helper (files)': { schema: FilesToHelper },
  'Helper -> viewer (files)': { schema: FilesToViewer },
};

function examplesBySection(): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  let section = '';
  const lines = doc.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('### ')) section = line.slice(4).trim();
    else if (line.startsWith('## ')) section = '';
    if (line.trim() !== '```json' || !section) continue;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!);
    const list = out.get(section) ?? [];
    list.push(JSON.parse(body.join('\n')));
    out.set(section, list);
  }
  return out;
}

describe('docs/protocol.md', () => {
  const examples = examplesBySection();

  it.each(Object.keys(SECTIONS))('has valid examples for every message of "%s"', (section) => {
    const { schema, results } = SECTIONS[section]!;
    const list = examples.get(section) ?? [];
    const types = new Set<string>();
    for (const example of list) {
      const parsed = schema.safeParse(example);
      expect(parsed.success, `${section}: ${JSON.stringify(example)}\n${parsed.error?.message}`).toBe(true);
      const msg = parsed.data as { type: string; result?: unknown };
      types.add(msg.type);
      if (msg.type === 'reply' && results && Object.keys(results).length > 0) {
        const fits = Object.values(results).some((r) => r.safeParse(msg.result).success);
        expect(fits, `${section}: reply result fits no request: ${JSON.stringify(msg.result)}`).toBe(true);
      }
    }
    expect([...types].sort()).toEqual([...membersOf(schema).keys()].sort());
  });

  it('lists every error code', () => {
    for (const code of ERROR_CODE_LIST) expect(doc, code).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|`));
  });
});
