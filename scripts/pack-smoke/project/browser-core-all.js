// All of @tessera/core's public API, for scale: the core-only bundle must be far smaller
// (tree-shaking works) and pack-smoke.mjs prints both sizes.
import * as core from '@tessera/core';

globalThis.tesseraSmoke = core;
