// Svelte 5 with runes everywhere. Used by the Vite plugin (electron.vite.config.ts) and by svelte-check.
export default {
  compilerOptions: { runes: true },
};
