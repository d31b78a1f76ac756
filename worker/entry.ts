// The Web Worker entry: the only file that calls comlink's expose. Everything it exposes is the
// plain synchronous facade in worker/api/engine.ts; comlink turns each call into a message.
import { expose } from 'comlink';
import { engine } from './api/engine';

expose(engine);
