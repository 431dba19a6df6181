/**
 * Facts fixed at build time by WXT (`import.meta.env.BROWSER`, ...) and by our own test build
 * (LIFELINE_E2E, see wxt.config.ts), read in one place.
 */
/// <reference types="vite/client" />

/** True in the Firefox build (event-page background, no offscreen documents, no buttons on notifications). */
export const IS_FIREFOX: boolean = import.meta.env.BROWSER === 'firefox';

/**
 * True only in the end-to-end test build (.output/e2e/): the background opens the popup in a
 * tab at startup, because Firefox over WebDriver BiDi cannot navigate to moz-extension:// pages.
 */
export const IS_E2E_BUILD: boolean = import.meta.env.LIFELINE_E2E === 'true';
