// Browser entry importing the Node-only native backend: the build must FAIL at resolve time
// (its package.json exports the entry under the `node` condition only).
import '@tessera/backend-native';

globalThis.tesseraSmoke = true;
