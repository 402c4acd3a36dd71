// Entry of tapi-messenger.js, a classic script: its exports become the one global `TapiMessenger`.
import { connectFrom } from './connect.js';

const script = document.currentScript;
export const connect = connectFrom(script instanceof HTMLScriptElement ? script.src : null);
