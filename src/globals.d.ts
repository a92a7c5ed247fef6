/** Replaced at build time with package.json's version. */
declare const __VITRINE_VERSION__: string;
