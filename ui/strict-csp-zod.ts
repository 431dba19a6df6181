/**
 * Imported first by every page, extension entry and worker: tells zod never to compile parsers with `new Function`.
 * Their CSP has no 'unsafe-eval', and zod's probe for eval (even caught) is reported as a
 * CSP violation; the interpreted parsers are plenty fast for our message sizes.
 */
import * as z from 'zod';

z.config({ jitless: true });
