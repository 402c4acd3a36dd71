// Entry of tapi-messenger.mjs, an ES module.
import { connectFrom } from './connect.js';

export const connect = connectFrom(import.meta.url);
