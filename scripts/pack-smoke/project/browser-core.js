// Browser entry that imports ONLY @tessera/core (a library that leaves the backend choice to
// its user). Tree-shaking check: the bundle must hold no backend code and stay small.
import { add, grad, matmul, relu, sum, tensor } from '@tessera/core';

// Published on globalThis so the bundler keeps it (an app build drops unused entry exports).
globalThis.tesseraSmoke = (x, w) => grad((w) => sum(relu(add(matmul(x, w), tensor(1)))))(w);
