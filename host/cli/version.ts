/** The helper's version: package.json's, inlined by the bundler (only this field is kept). */
import { version } from '../../package.json';

export const HELPER_VERSION: string = version;
