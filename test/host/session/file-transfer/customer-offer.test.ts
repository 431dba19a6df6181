/**
 * The customer offers a file from the helper (issue 13, item 5), end to end between the helper's
 * FileTransferService and the viewer's FileTransfers (loopback.ts: the real NodeFileAccess on a
 * temporary home): the agent sees the offer with its name and size; accepting downloads exactly
 * that file with the same SHA-256 and the customer is told; declining moves nothing (not a byte
 * read) and the customer is told; a file outside the places, or hidden, is refused before any
 * offer goes out; one offer is pending at a time; a viewer never shows an unbounded list. The
 * customer may withdraw a pending offer: the bar goes, and an Accept already on its way fails with
 * offer_withdrawn (nothing read), in words on both sides.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeJsonPayload } from '../../../../protocol/data/json-payload';
import { newFileId } from '../../../../protocol/data/files';
import { ProtocolError } from '../../../../protocol/errors';
import type { OfferEvent } from '../../../../host/session/file-transfer/customer-offer';
import {
  offerAnswerLine,
  offerPath,
  runOfferLine,
} from '../../../../host/session/file-transfer/offer-command';
import { HelperText } from '../../../../host/i18n/helper-text';
import { FILE_OFFERS_SHOWN_MAX } from '../../../../ui/viewer/files/file-transfers';
import { Loopback } from './loopback';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
let lb: Loopback | null = null;

afterEach(async () => {
  await lb?.close();
  lb = null;
});

function loop(): { l: Loopback; answers: OfferEvent[] } {
  lb = new Loopback();
  return { l: lb, answers: lb.offerAnswers };
}

const offers = (l: Loopback) => l.viewer.snapshot().offers;

/** Records the paths the customer's file system is asked to open for reading, in order. */
function recordOpens(l: Loopback): string[] {
  const opened: string[] = [];
  const openRead = l.real.openRead.bind(l.real);
  l.real.openRead = (p, o, own) => {
    opened.push(p);
    return openRead(p, o, own);
  };
  return opened;
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProtocolError);
  return (err as ProtocolError).code;
}

describe('a file the customer offers from the helper', () => {
  it('accept: the agent receives exactly that file (same SHA-256) and the customer is told', async () => {
    const { l, answers } = loop();
    mkdirSync(l.path('Documents', 'invoices'));
    const data = randomBytes(700 * 1024 + 17);
    writeFileSync(l.path('Documents', 'invoices', 'march.pdf'), data);
    const offer = await l.service.offerFile(l.path('Documents', 'invoices', 'march.pdf'));
    await l.until(() => offers(l).length === 1, 'the offer shown in the viewer');
    expect(offers(l)[0]).toEqual({
      offer,
      where: { place: 'Documents', dirs: ['invoices'] },
      name: 'march.pdf',
      size: data.length,
      folder: 'Documents/invoices',
    });
    const id = l.viewer.acceptOffer(offer)!;
    expect(offers(l)).toEqual([]);
    await l.until(() => l.transfer(id)?.phase === 'done', 'the download done');
    expect(sha(l.sinks.at(-1)!.bytes())).toBe(sha(data));
    expect(l.sinks.at(-1)!.saved).toBe('march.pdf');
    expect(answers).toEqual([{ offer, name: 'march.pdf', answer: 'accepted', agentName: 'Alex Agent' }]);
    // The offer is answered: another one may follow.
    writeFileSync(l.path('Desktop', 'b.txt'), 'b');
    await l.service.offerFile(l.path('Desktop', 'b.txt'));
  });

  it('decline: nothing is read or moved and the customer is told', async () => {
    const { l, answers } = loop();
    writeFileSync(l.path('Downloads', 'secret.txt'), 'not for the agent');
    const opened = recordOpens(l);
    const offer = await l.service.offerFile(l.path('Downloads', 'secret.txt'));
    await l.until(() => offers(l).length === 1, 'the offer shown');
    expect(offers(l)[0]).toMatchObject({ name: 'secret.txt', size: 17, folder: 'Downloads' });
    l.viewer.declineOffer(offer);
    await l.until(() => answers.length === 1, 'the customer told');
    expect(answers[0]).toEqual({ offer, name: 'secret.txt', answer: 'declined' });
    expect(offers(l)).toEqual([]);
    expect(opened).toEqual([]);
    expect(l.sinks).toEqual([]);
    expect(l.viewer.snapshot().transfers).toEqual([]);
  });

  it('refuses a file outside the places, a hidden one, a folder, a missing one, before any offer', async () => {
    const { l } = loop();
    const outside = path.join(l.home, '..', `outside-${process.pid}.txt`);
    writeFileSync(outside, 'x');
    mkdirSync(l.path('Documents', '.private'));
    writeFileSync(l.path('Documents', '.private', 'keys.txt'), 'k');
    writeFileSync(l.path('Documents', '.hidden'), 'h');
    try {
      expect(await refusal(l.service.offerFile(outside))).toBe('forbidden');
      expect(await refusal(l.service.offerFile('/etc/passwd'))).toBe('forbidden');
      expect(await refusal(l.service.offerFile(l.path('Documents', '.private', 'keys.txt')))).toBe(
        'forbidden',
      );
      expect(await refusal(l.service.offerFile(l.path('Documents', '.hidden')))).toBe('forbidden');
      expect(await refusal(l.service.offerFile(l.path('Documents')))).toBe('not_found');
      expect(await refusal(l.service.offerFile(l.path('Documents', 'none.txt')))).toBe('not_found');
      // Without the customer's files grant, nothing is offered either.
      l.granted = false;
      writeFileSync(l.path('Desktop', 'a.txt'), 'a');
      expect(await refusal(l.service.offerFile(l.path('Desktop', 'a.txt')))).toBe('consent_required');
      await new Promise((r) => setTimeout(r, 20));
      expect(offers(l)).toEqual([]);
    } finally {
      const { rmSync } = await import('node:fs');
      rmSync(outside, { force: true });
    }
  });

  it('one offer pending at a time; a fetch naming another file does not answer it', async () => {
    const { l, answers } = loop();
    writeFileSync(l.path('Desktop', 'a.txt'), 'a');
    writeFileSync(l.path('Desktop', 'b.txt'), 'b');
    const offer = await l.service.offerFile(l.path('Desktop', 'a.txt'));
    expect(await refusal(l.service.offerFile(l.path('Desktop', 'b.txt')))).toBe('unavailable');
    await l.until(() => offers(l).length === 1, 'the offer shown');
    // The agent browses and fetches b.txt, claiming the offer: a.txt's offer stays pending.
    const id = l.viewer.fetch({ place: 'Desktop', dirs: [] }, 'b.txt', 1, offer);
    await l.until(() => l.transfer(id)?.phase === 'done', 'b.txt fetched');
    expect(answers).toEqual([]);
    expect(await refusal(l.service.offerFile(l.path('Desktop', 'b.txt')))).toBe('unavailable');
  });

  it('a viewer that reconnects sees the pending offer again and can still accept it', async () => {
    const { l, answers } = loop();
    writeFileSync(l.path('Desktop', 'a.txt'), 'abc');
    const offer = await l.service.offerFile(l.path('Desktop', 'a.txt'));
    await l.until(() => offers(l).length === 1, 'the offer shown');
    l.cut();
    l.connect();
    await l.until(() => offers(l).length === 1, 'the offer shown after the reconnect');
    expect(offers(l)).toHaveLength(1);
    const id = l.viewer.acceptOffer(offer)!;
    await l.until(() => l.transfer(id)?.phase === 'done', 'fetched');
    expect(Buffer.from(l.sinks.at(-1)!.bytes()).toString()).toBe('abc');
    expect(answers).toHaveLength(1);
  });

  it('a viewer shows a bounded number of offers and declines the rest', async () => {
    const { l } = loop();
    const declined: string[] = [];
    l.toHelper = (p) => {
      const text = new TextDecoder().decode(p);
      if (text.includes('files.offer.declined')) declined.push(text);
      return p;
    };
    const extra = FILE_OFFERS_SHOWN_MAX + 3;
    for (let i = 0; i < extra; i++) {
      l.viewer.onPayload(
        encodeJsonPayload({
          type: 'files.offered',
          offer: newFileId(),
          where: { place: 'Desktop', dirs: [] },
          name: `f${i}.txt`,
          size: i,
        }),
      );
    }
    expect(offers(l)).toHaveLength(FILE_OFFERS_SHOWN_MAX);
    await l.until(() => declined.length === 3, 'the extra offers declined');
    // A name with a separator is not an offer at all.
    l.viewer.onPayload(
      encodeJsonPayload({
        type: 'files.offered',
        offer: newFileId(),
        where: { place: 'Desktop', dirs: [] },
        name: '../x',
        size: 1,
      }),
    );
    expect(offers(l)).toHaveLength(FILE_OFFERS_SHOWN_MAX);
  });
});

describe('the customer withdraws a pending offer', () => {
  it('the viewer stops showing it; a new offer may follow; nothing is read', async () => {
    const { l, answers } = loop();
    writeFileSync(l.path('Desktop', 'a.txt'), 'a');
    writeFileSync(l.path('Desktop', 'b.txt'), 'bb');
    const opened = recordOpens(l);
    const offer = await l.service.offerFile(l.path('Desktop', 'a.txt'));
    await l.until(() => offers(l).length === 1, 'the offer shown');
    expect(l.service.withdrawOffer()).toBe('a.txt');
    await l.until(() => offers(l).length === 0, 'the offer bar gone after the withdrawal');
    // Nothing pending any more: a second withdraw says so, and the next offer is allowed.
    expect(l.service.withdrawOffer()).toBeNull();
    const next = await l.service.offerFile(l.path('Desktop', 'b.txt'));
    expect(next).not.toBe(offer);
    await l.until(() => offers(l).length === 1 && offers(l)[0]!.offer === next, 'the next offer shown');
    expect(opened).toEqual([]);
    expect(answers).toEqual([]);
  });

  it('an Accept that crossed the withdrawal fails with offer_withdrawn and reads nothing', async () => {
    const { l, answers } = loop();
    writeFileSync(l.path('Documents', 'late.txt'), 'late');
    const opened = recordOpens(l);
    // Hold the helper's withdrawal on its way, so the agent clicks Accept while the bar still shows.
    const held: Uint8Array[] = [];
    l.toViewer = (p) => {
      if (new TextDecoder().decode(p).includes('files.offer.withdrawn')) {
        held.push(p);
        return null;
      }
      return p;
    };
    const offer = await l.service.offerFile(l.path('Documents', 'late.txt'));
    await l.until(() => offers(l).length === 1, 'the offer shown');
    expect(l.service.withdrawOffer()).toBe('late.txt');
    await l.until(() => held.length === 1, 'the withdrawal sent by the helper');
    const id = l.viewer.acceptOffer(offer)!;
    await l.until(() => l.transfer(id)?.phase === 'failed', 'the late Accept refused');
    expect(l.transfer(id)!.error).toMatchObject({ code: 'offer_withdrawn' });
    expect(opened).toEqual([]);
    expect(l.sinks.every((s) => s.bytes().byteLength === 0)).toBe(true);
    expect(answers).toEqual([]);
    // The withdrawal arrives late: nothing left to remove, nothing breaks.
    l.toViewer = null;
    l.viewer.onPayload(held[0]!);
    expect(offers(l)).toEqual([]);
  });

  it('a stray withdrawal (unknown offer, malformed id) changes nothing in the viewer', async () => {
    const { l } = loop();
    writeFileSync(l.path('Desktop', 'a.txt'), 'a');
    const offer = await l.service.offerFile(l.path('Desktop', 'a.txt'));
    await l.until(() => offers(l).length === 1, 'the offer shown');
    l.viewer.onPayload(encodeJsonPayload({ type: 'files.offer.withdrawn', offer: newFileId() }));
    l.viewer.onPayload(encodeJsonPayload({ type: 'files.offer.withdrawn', offer: 'not-an-id' }));
    l.viewer.onPayload(encodeJsonPayload({ type: 'files.offer.withdrawn' }));
    expect(offers(l).map((o) => o.offer)).toEqual([offer]);
  });

  it('"cancel" / "annuler" on the terminal withdraws it, in the customer language', async () => {
    const { l } = loop();
    writeFileSync(l.path('Documents', 'log.txt'), 'log');
    const said: string[] = [];
    const deps = (lang: 'en' | 'fr') => ({
      text: new HelperText(lang),
      say: (s: string) => void said.push(s),
      files: () => l.service,
    });
    expect(await runOfferLine('cancel', deps('en'))).toBe(true);
    expect(said.at(-1)).toBe("No file is waiting for the agent's answer; nothing to withdraw.");
    await runOfferLine(`envoyer ${l.path('Documents', 'log.txt')}`, deps('fr'));
    await l.until(() => offers(l).length === 1, 'the offer shown');
    expect(await runOfferLine('  Annuler ', deps('fr'))).toBe(true);
    expect(said.at(-1)).toBe("Vous avez retiré log.txt ; l'agent ne le voit plus et rien n'a été envoyé.");
    await l.until(() => offers(l).length === 0, 'the offer bar gone');
    // "cancel" with words after it is not the command (a file could be named so).
    expect(await runOfferLine('cancel this', deps('en'))).toBe(false);
  });
});

describe('the helper terminal line "send <path>"', () => {
  it('offers the file and says each outcome in the customer language (en and fr)', async () => {
    const { l } = loop();
    writeFileSync(l.path('Documents', 'log.txt'), 'log');
    const said: string[] = [];
    const deps = (lang: 'en' | 'fr') => ({
      text: new HelperText(lang),
      say: (s: string) => void said.push(s),
      files: () => l.service,
    });
    expect(offerPath('stop')).toBeNull();
    expect(offerPath('send "/home/a b/c.txt"')).toBe('/home/a b/c.txt');
    expect(await runOfferLine('hello', deps('en'))).toBe(false);
    expect(await runOfferLine(`send ${l.path('Documents', 'log.txt')}`, deps('en'))).toBe(true);
    expect(said.at(-1)).toBe('log.txt is offered to the agent; waiting for their answer.');
    await runOfferLine(`envoyer ${l.path('Documents', 'log.txt')}`, deps('fr'));
    expect(said.at(-1)).toBe(
      "Un fichier est déjà proposé ; attendez la réponse de l'agent avant d'en proposer un autre.",
    );
    await l.until(() => offers(l).length === 1, 'the offer shown');
    l.viewer.declineOffer(offers(l)[0]!.offer);
    await l.until(() => l.offerAnswers.length === 1, 'the answer');
    expect(offerAnswerLine(new HelperText('fr'), l.offerAnswers[0]!)).toBe(
      "L'agent a refusé log.txt ; rien n'a été envoyé.",
    );
    await runOfferLine('send /etc/passwd', deps('en'));
    expect(said.at(-1)).toMatch(/^passwd is not in a folder the agent may receive files from/u);
    await runOfferLine(`send ${l.path('Documents', 'nope.txt')}`, deps('fr'));
    expect(said.at(-1)).toBe(
      `Il n'y a pas de fichier à l'emplacement ${l.path('Documents', 'nope.txt')} ; vérifiez le chemin et réessayez.`,
    );
    l.cut();
    await runOfferLine(`send ${l.path('Documents', 'log.txt')}`, deps('en'));
    expect(said.at(-1)).toBe('No agent has the viewer open yet; offer the file once the agent is connected.');
  });
});
