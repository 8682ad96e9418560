/**
 * The locator of Packit files. yaml-source's Locator follows merge keys (`<<: *base`) to the
 * place a key is written, which is all Packit files need; this name is what the Packit modules
 * import.
 */
export type { Locator as PackitLocator } from '../yaml-source.js';
